package dev.coordd.daemon.inbox;

import dev.coordd.api.CoorddException;
import dev.coordd.daemon.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The inbox's layout on disk: {@code <home>/inbox/} with {@code done/} and {@code rejected/} under
 * it, which names in it are task files, and free names for a file moved into {@code done/} or
 * {@code rejected/}. Immutable; the methods touch the file system and are as thread-safe as it is.
 */
final class InboxFolders {
  static final String JSON = ".json";
  static final String ERROR = ".error";

  final Path folder;
  final Path done;
  final Path rejected;

  InboxFolders(Path home) {
    this.folder = home.resolve(Inbox.FOLDER);
    this.done = folder.resolve(Inbox.DONE);
    this.rejected = folder.resolve(Inbox.REJECTED);
  }

  /** Creates the three folders; cheap when present, and brings back folders someone deleted. */
  void ensure() {
    for (Path dir : List.of(folder, done, rejected)) {
      create(dir);
    }
  }

  /** {@code *.json} entries, name order; temp names and dotfiles are someone's work in progress. */
  List<Path> taskFiles() {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(
            folder,
            p -> {
              String name = p.getFileName().toString();
              return name.endsWith(JSON) && name.length() > JSON.length() && !name.startsWith(".");
            })) {
      entries.forEach(files::add);
    } catch (IOException e) {
      throw new CoorddException("inbox", "cannot list " + folder + ": " + e.getMessage(), e);
    }
    files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
    return files;
  }

  /** Where a file's {@code .error} explanation goes: next to it, in {@code rejected/}. */
  static Path errorFile(Path rejectedFile) {
    return rejectedFile.resolveSibling(rejectedFile.getFileName() + ERROR);
  }

  /**
   * {@code name}, or {@code stem-1.json}, {@code stem-2.json}… when taken (for rejected/ also when
   * its {@code .error} is). Only the scan, under its lock, writes these folders, so the name stays
   * free until the move.
   */
  static Path freeName(Path dir, String name, boolean withError) {
    String stem = name.substring(0, name.length() - JSON.length());
    Path candidate = dir.resolve(name);
    for (int i = 1; taken(candidate, withError); i++) {
      candidate = dir.resolve(stem + "-" + i + JSON);
    }
    return candidate;
  }

  private static boolean taken(Path p, boolean withError) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS)
        || (withError && Files.exists(errorFile(p), LinkOption.NOFOLLOW_LINKS));
  }

  /** Creates the folder (and missing parents) with mode 0700: task files are the owner's only. */
  static void create(Path dir) {
    try {
      AtomicFiles.privateDirectory(dir);
    } catch (IOException e) {
      throw new CoorddException("inbox", "cannot create " + dir + ": " + e, e);
    }
  }
}
