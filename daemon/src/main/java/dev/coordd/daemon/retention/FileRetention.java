package dev.coordd.daemon.retention;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes old files of a folder the inbox files into ({@code done/}, {@code rejected/}) by
 * modification time, at most a given number per call. A rejected file's {@code .error} note goes
 * with it, so a note never outlives its file; a note left alone goes by its own age. Only regular
 * files: nothing in a sub-folder, no symbolic link is followed. Stateless and thread-safe.
 */
final class FileRetention {
  private static final String ERROR = ".error";
  private static final Logger log = LoggerFactory.getLogger(FileRetention.class);

  private FileRetention() {}

  /** Deletes files in {@code dir} modified before {@code cutoff}; returns how many went. */
  static int deleteOlder(Path dir, long cutoff, int max) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int deleted = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path file : entries) {
        if (deleted >= max) {
          break;
        }
        if (old(file, cutoff)) {
          deleted += delete(file);
          if (!file.getFileName().toString().endsWith(ERROR)) {
            deleted += delete(file.resolveSibling(file.getFileName() + ERROR));
          }
        }
      }
    } catch (IOException e) {
      log.warn("retention cannot list {}: {}", dir, e.getMessage());
    }
    return deleted;
  }

  private static boolean old(Path file, long cutoff) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.isRegularFile() && a.lastModifiedTime().toMillis() < cutoff;
    } catch (NoSuchFileException e) {
      return false; // its note, deleted with it a moment ago
    } catch (IOException e) {
      log.warn("retention cannot read {}: {}", file, e.getMessage());
      return false;
    }
  }

  private static int delete(Path file) {
    try {
      return Files.deleteIfExists(file) ? 1 : 0;
    } catch (IOException e) {
      log.warn("retention cannot delete {}: {}", file, e.getMessage());
      return 0;
    }
  }
}
