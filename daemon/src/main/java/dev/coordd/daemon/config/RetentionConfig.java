package dev.coordd.daemon.config;

import java.time.Duration;

/**
 * How long finished work is kept before the daemon deletes it, in small batches, by the clock.
 *
 * @param succeeded succeeded tasks finished longer ago than this are deleted with their runs
 * @param failed failed and cancelled tasks finished longer ago than this are deleted with their
 *     runs
 * @param inbox files in the inbox's {@code done/} and {@code rejected/} (with their {@code .error}
 *     notes) older than this are deleted
 * @param invocations archived agent invocations older than this are deleted
 */
public record RetentionConfig(
    Duration succeeded, Duration failed, Duration inbox, Duration invocations) {
  public static final Duration DEFAULT_SUCCEEDED = Duration.ofDays(7);
  public static final Duration DEFAULT_FAILED = Duration.ofDays(30);
  public static final Duration DEFAULT_INBOX = Duration.ofDays(7);
  public static final Duration DEFAULT_INVOCATIONS = Duration.ofDays(30);

  /** The defaults, for code that builds a configuration by hand. */
  public static RetentionConfig defaults() {
    return new RetentionConfig(
        DEFAULT_SUCCEEDED, DEFAULT_FAILED, DEFAULT_INBOX, DEFAULT_INVOCATIONS);
  }
}
