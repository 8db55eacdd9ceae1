package dev.coordd.daemon;

import dev.coordd.api.CoorddException;
import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.daemon.fs.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One daemon per home: an OS lock on {@code coordd.lock} held for the daemon's life (released by
 * the kernel if the process dies, so {@code kill -9} never leaves the home blocked), and the pid
 * written to {@code coordd.pid} for people and for the "already running" message.
 */
final class HomeLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;
  private final Path pidFile;

  private HomeLock(FileChannel channel, FileLock lock, Path pidFile) {
    this.channel = channel;
    this.lock = lock;
    this.pidFile = pidFile;
  }

  static HomeLock acquire(Path home, Path pidFile) {
    Path lockFile = home.resolve("coordd.lock");
    FileChannel channel = null;
    try {
      PrivateFiles.ensureFile(lockFile); // 0600 whatever the umask; FileChannel would use it
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null; // another daemon in this same JVM holds it
      }
      if (lock == null) {
        channel.close();
        throw new CoorddException(
            "already_running",
            "coordd is already running"
                + pidOf(pidFile)
                + " on "
                + home
                + "; stop it first or use another --home");
      }
      AtomicFiles.write(
          pidFile, (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8));
      return new HomeLock(channel, lock, pidFile);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // the first error is the one to report
        }
      }
      throw new CoorddException("home", "cannot lock the home " + home + ": " + e.getMessage(), e);
    }
  }

  private static String pidOf(Path pidFile) {
    try {
      return " (pid " + Files.readString(pidFile).strip() + ")";
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(pidFile);
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the kernel drops the lock when the process exits anyway
    }
  }
}
