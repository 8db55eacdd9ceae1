package dev.coordd.daemon;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand: leases, backoff and timeouts happen when the test says so. */
public final class SettableClock extends Clock {
  private final AtomicLong millis;

  public SettableClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  public static SettableClock atSomeMoment() {
    return new SettableClock(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
  }

  public void step(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
