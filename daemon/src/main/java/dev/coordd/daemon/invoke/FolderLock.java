package dev.coordd.daemon.invoke;

import dev.coordd.api.CoorddException;
import dev.coordd.daemon.fs.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock on a folder shared by every thread and every process using it: a {@code .lock} file
 * locked with {@link FileChannel#lock()}, behind an in-process lock because a JVM may hold only one
 * file lock per file.
 */
final class FolderLock {
  private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

  private final Path folder;

  /** A lock on {@code folder}, which must exist when the lock is taken. */
  FolderLock(Path folder) {
    this.folder = folder;
  }

  /** Runs {@code work} holding the lock. */
  <T> T holding(Supplier<T> work) {
    ReentrantLock inProcess =
        IN_PROCESS.computeIfAbsent(folder.toAbsolutePath().normalize(), k -> new ReentrantLock());
    inProcess.lock(); // threads queue here first
    Path lockFile = folder.resolve(".lock");
    try {
      PrivateFiles.ensureFile(lockFile); // 0600 whatever the umask; FileChannel would use it
      try (FileChannel ch =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return work.get();
      }
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot lock " + folder + ": " + e.getMessage(), e);
    } finally {
      inProcess.unlock();
    }
  }
}
