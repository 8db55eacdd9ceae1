package dev.coordd.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The daemon logs to stderr (logback.xml) and, once it knows its home, also to {@code
 * <home>/logs/coordd.log}, rolled daily and at 10 MB, 14 files kept; the folder is 0700 and every
 * file 0600 (see {@link PrivateRollingFileAppender}). Call it after {@code PrivateHome.prepare}.
 */
final class Logs {
  private Logs() {}

  static void toHome(Path home) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Path dir = home.resolve("logs");

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{30} - %msg%n");
    encoder.start();

    RollingFileAppender<ILoggingEvent> file = new PrivateRollingFileAppender<>();
    file.setContext(ctx);
    file.setName("home-file");
    file.setFile(dir.resolve("coordd.log").toString());
    SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(file);
    policy.setFileNamePattern(dir.resolve("coordd.%d{yyyy-MM-dd}.%i.log").toString());
    policy.setMaxFileSize(FileSize.valueOf("10MB"));
    policy.setMaxHistory(14);
    policy.start();
    file.setRollingPolicy(policy);
    file.setEncoder(encoder);
    file.start();

    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file);
  }
}
