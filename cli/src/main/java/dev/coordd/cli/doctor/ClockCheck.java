package dev.coordd.cli.doctor;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * Clock sanity: the store holds no time later than now, beyond a margin. A time in the future means
 * this machine's clock went back (or a daemon on another machine runs ahead): leases, retries and
 * schedules are computed from the clock and would be late by as much.
 */
final class ClockCheck {
  static final String AREA = "clock";

  /** Clocks of machines sharing a store differ a little; more than this is a problem. */
  static final Duration MARGIN = Duration.ofMinutes(5);

  private ClockCheck() {}

  static List<Finding> check(Checkup c, Connection store) throws SQLException {
    long now = c.clock().millis();
    OptionalLong latest = StoreQueries.latestTimestamp(store);
    if (latest.isEmpty() || latest.getAsLong() <= now + MARGIN.toMillis()) {
      return List.of(Finding.ok(AREA, "no time in the store is later than this machine's clock"));
    }
    Duration ahead = Duration.ofMillis(latest.getAsLong() - now);
    return List.of(
        Finding.warn(
            AREA,
            "the store holds a time "
                + ahead.toMinutes()
                + " min later than this machine's clock ("
                + Instant.ofEpochMilli(latest.getAsLong())
                + " vs now "
                + Instant.ofEpochMilli(now)
                + "): the clock went back, or a daemon writing to the store runs ahead",
            "check the system clock (timedatectl status) and keep it synchronised"
                + " (timedatectl set-ntp true); leases and schedules run late until it"
                + " catches up"));
  }
}
