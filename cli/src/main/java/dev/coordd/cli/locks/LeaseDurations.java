package dev.coordd.cli.locks;

import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.locks.Locks;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The {@code --ttl} and {@code --wait} of {@code coordd lock acquire}, checked here so that a value
 * out of range is refused with its range, before anything is sent; picocli names the flag ("Invalid
 * value for option '--ttl': …"). The daemon checks again (every door does), but its answer names
 * {@code ttlMs} in milliseconds.
 */
final class LeaseDurations {
  private LeaseDurations() {}

  /** A lease length: more than zero, at most {@link Locks#MAX_TTL}. */
  static final class Ttl implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      String range = "a lease lasts from 1ms to " + Durations.format(Locks.MAX_TTL);
      Duration d;
      try {
        d = Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(range + "; " + e.getMessage());
      }
      if (d.toMillis() <= 0 || d.compareTo(Locks.MAX_TTL) > 0) {
        throw new TypeConversionException(
            range + " (renew it to keep it longer); got " + text.strip());
      }
      return d;
    }
  }

  /** How long to wait for the lock: zero (answer at once) up to {@link Durations#MAX}. */
  static final class Wait implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      Duration d;
      try {
        d = Durations.parse(text);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
      if (d.isNegative()) {
        throw new TypeConversionException(
            "a wait must not be negative (0s answers at once); got " + text.strip());
      }
      return d;
    }
  }
}
