package dev.coordd.daemon.inbox;

import dev.coordd.api.CoorddException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.daemon.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The writing side of the file drop, for Java callers: the CLI uses it when no daemon answers, so a
 * task is never lost for want of a running daemon. It follows the same rename protocol any other
 * program must (see {@link Inbox}), and needs no daemon, store or configuration. Thread-safe.
 */
public final class InboxDrop {
  /** Last millisecond used in a {@link #drop} name: names from one process strictly increase. */
  private static final AtomicLong lastDropMillis = new AtomicLong();

  private InboxDrop() {}

  /**
   * Writes a task file into {@code <home>/inbox/} the safe way: {@code .<uuid>.tmp}, fsync, atomic
   * rename to {@code <epochMillis>-<random>.json} (so name order is creation order), fsync of the
   * folder (best effort). Creates the folders as needed. Works with no daemon running; the daemon
   * ingests the file when it next starts or scans. Delays count from ingestion, not from the drop.
   *
   * @return the final path of the file
   * @throws InvalidRequestException when the task has no type or the file would exceed the limit
   * @throws CoorddException when the file cannot be written
   */
  public static Path drop(Path home, NewTask task) {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(task, "task");
    if (task.type() == null || task.type().isBlank()) {
      throw new InvalidRequestException("type", "type is required");
    }
    byte[] content = TaskFile.write(task);
    if (content.length > Inbox.MAX_FILE_BYTES) {
      throw new InvalidRequestException(
          "data",
          "the task file would be "
              + content.length
              + " bytes; the limit for an inbox file is "
              + Inbox.MAX_FILE_BYTES
              + " bytes (2 MiB)");
    }
    Path dir = home.resolve(Inbox.FOLDER);
    InboxFolders.create(dir);
    Path target = dir.resolve(dropName());
    try {
      AtomicFiles.write(target, content);
      return target;
    } catch (IOException e) {
      throw new CoorddException("inbox", "cannot write a task file into " + dir + ": " + e, e);
    }
  }

  /** {@code <13-digit epoch millis>-<8 hex>.json}, the millis strictly increasing per process. */
  private static String dropName() {
    long now = System.currentTimeMillis();
    long millis = lastDropMillis.updateAndGet(prev -> Math.max(prev + 1, now));
    return String.format(
        "%013d-%s%s",
        millis,
        HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()),
        InboxFolders.JSON);
  }
}
