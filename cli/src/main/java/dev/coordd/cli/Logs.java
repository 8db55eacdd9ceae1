package dev.coordd.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.coordd.daemon.config.LoggingConfig;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;

/**
 * The daemon logs human lines to stderr (logback.xml) and, once it knows its home, JSON lines to
 * {@code <home>/logs/coordd.log} ({@link JsonLineEncoder}), rolled daily and at 10 MB, 14 days kept
 * and at most the configured total; the folder is 0700 and every file 0600 (see {@link
 * PrivateRollingFileAppender}). Levels by logger come from the configuration. Call it after {@code
 * PrivateHome.prepare}.
 */
final class Logs {
  private Logs() {}

  static void toHome(Path home, LoggingConfig logging) {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Path dir = home.resolve("logs");

    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(ctx);
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
    policy.setTotalSizeCap(FileSize.valueOf(logging.maxTotalSize()));
    policy.start();
    file.setRollingPolicy(policy);
    file.setEncoder(encoder);
    file.start();

    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file);
    logging
        .levels()
        .forEach(
            (name, level) ->
                ctx.getLogger(name.equals("root") ? Logger.ROOT_LOGGER_NAME : name)
                    .setLevel(Level.toLevel(level)));
  }
}
