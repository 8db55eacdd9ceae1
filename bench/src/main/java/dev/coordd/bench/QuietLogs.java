package dev.coordd.bench;

import org.slf4j.LoggerFactory;

/**
 * The peers log every poll and batch at INFO; in this JVM only warnings reach stderr, so the
 * progress line stays readable. Works with logback (a test's class path) and with the cli's own
 * stderr logger ({@code coordd bench} through bin/coordd).
 */
final class QuietLogs {
  private QuietLogs() {}

  static void apply() {
    Object factory = LoggerFactory.getILoggerFactory();
    if (factory instanceof ch.qos.logback.classic.LoggerContext ctx) {
      ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(ch.qos.logback.classic.Level.WARN);
    } else {
      dev.coordd.cli.ClientLogs.threshold(org.slf4j.event.Level.WARN);
    }
  }
}
