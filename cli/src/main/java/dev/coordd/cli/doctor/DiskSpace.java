package dev.coordd.cli.doctor;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The free space of the file system that holds a path. A seam so a test can give a nearly full disk
 * without filling one.
 */
@FunctionalInterface
public interface DiskSpace {
  /**
   * @param usable bytes this user may still write
   * @param total the file system's size in bytes
   */
  record Space(long usable, long total) {}

  Space of(Path path) throws IOException;

  /** The real file system's numbers. */
  static DiskSpace system() {
    return path -> {
      FileStore store = Files.getFileStore(path);
      return new Space(store.getUsableSpace(), store.getTotalSpace());
    };
  }
}
