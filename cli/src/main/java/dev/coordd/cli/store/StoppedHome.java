package dev.coordd.cli.store;

import dev.coordd.api.CoorddException;
import dev.coordd.cli.RunningDaemon;
import dev.coordd.daemon.fs.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A home with no daemon, kept so while the store is copied: holds the daemon's own lock ({@code
 * coordd.lock}), so a daemon started meanwhile refuses as "already running" instead of writing to
 * the store halfway through the copy. Writes no pid file: {@code coordd status} does not take the
 * copy for a daemon.
 */
final class StoppedHome implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private StoppedHome(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static StoppedHome hold(Path home) {
    if (!Files.isDirectory(home)) {
      throw new IllegalArgumentException(
          "there is no home at " + home + "; name the home to copy with --home DIR");
    }
    Path lockFile = home.resolve("coordd.lock");
    FileChannel channel = null;
    try {
      PrivateFiles.ensureFile(lockFile); // 0600 as the daemon makes it
      channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // a daemon in this JVM holds it
      }
      if (lock == null) {
        channel.close();
        throw running(home);
      }
      return new StoppedHome(channel, lock);
    } catch (IOException e) {
      closeQuietly(channel);
      throw new CoorddException(
          "home", "cannot lock the home " + home + " for the copy: " + e.getMessage(), e);
    }
  }

  private static CoorddException running(Path home) {
    String pid = RunningDaemon.of(home).map(d -> " (pid " + d.pid() + ")").orElse("");
    return new CoorddException(
        "already_running",
        "a daemon is running on "
            + home
            + pid
            + " and it owns the store; stop it with coordd stop --home "
            + home
            + " first, then copy");
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // the first error is the one to report
      }
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException ignored) {
      // closing the channel lets go of it too
    }
    closeQuietly(channel);
  }
}
