package dev.coordd.cli.doctor;

import java.io.IOException;
import java.util.List;

/**
 * Free space on the home's file system. SQLite needs room to grow its WAL and to commit; a full
 * disk fails every create, so the doctor warns well before.
 */
final class DiskCheck {
  static final String AREA = "disk";

  /** Below this many free bytes, or this share of the disk, the doctor warns. */
  static final long WARN_BYTES = 1L << 30;

  static final int WARN_PERCENT = 5;

  /** Below this a commit may fail any moment. */
  static final long FAIL_BYTES = 64L << 20;

  private DiskCheck() {}

  static List<Finding> check(Checkup c) throws IOException {
    DiskSpace.Space s = c.disk().of(c.home());
    long percent = s.total() == 0 ? 100 : s.usable() * 100 / s.total();
    String text =
        Sizes.human(s.usable())
            + " free of "
            + Sizes.human(s.total())
            + " ("
            + percent
            + "%) on the home's file system";
    String fix =
        "free space on that file system (df -h "
            + c.home()
            + "), or lower retention.* so finished tasks are removed sooner";
    if (s.usable() < FAIL_BYTES) {
      return List.of(Finding.fail(AREA, text + ": the store cannot grow", fix));
    }
    if (s.usable() < WARN_BYTES || percent < WARN_PERCENT) {
      return List.of(Finding.warn(AREA, text + ": running low", fix));
    }
    return List.of(Finding.ok(AREA, text));
  }
}
