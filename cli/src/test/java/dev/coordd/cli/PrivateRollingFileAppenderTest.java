package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateRollingFileAppenderTest {
  @TempDir Path dir;

  @Test
  void the_log_folder_the_active_file_and_every_rolled_file_are_private() throws Exception {
    LoggerContext ctx = new LoggerContext();
    Path logs = dir.resolve("logs");
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%msg%n");
    encoder.start();
    PrivateRollingFileAppender<ILoggingEvent> file = new PrivateRollingFileAppender<>();
    file.setContext(ctx);
    file.setFile(logs.resolve("coordd.log").toString());
    // Rolled by hand below; a window policy renames like the time-and-size one Logs uses.
    FixedWindowRollingPolicy policy = new FixedWindowRollingPolicy();
    policy.setContext(ctx);
    policy.setParent(file);
    policy.setFileNamePattern(logs.resolve("coordd.%i.log").toString());
    policy.setMinIndex(1);
    policy.setMaxIndex(5);
    policy.start();
    file.setRollingPolicy(policy);
    file.setEncoder(encoder);
    file.start();
    Logger logger = ctx.getLogger("test");
    logger.addAppender(file);
    try {
      for (int round = 0; round < 3; round++) {
        logger.info("line {}", round);
        file.rollover();
      }
    } finally {
      file.stop();
    }

    List<Path> files;
    try (Stream<Path> listed = Files.list(logs)) {
      files = listed.toList();
    }
    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .contains("coordd.log", "coordd.1.log", "coordd.2.log");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(logs)))
        .isEqualTo("rwx------");
    for (Path f : files) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .as(f.getFileName().toString())
          .isEqualTo("rw-------");
    }
  }
}
