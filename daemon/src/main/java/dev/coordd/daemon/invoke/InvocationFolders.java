package dev.coordd.daemon.invoke;

import dev.coordd.api.CoorddException;
import dev.coordd.api.Invocation;
import dev.coordd.daemon.fs.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where invocation files live: {@code invocations/pending/}, {@code processing/} and {@code
 * archive/}, one {@code <id>.json} each, in 0700 folders; and the one way a file changes folder, an
 * atomic rename.
 */
final class InvocationFolders {
  private static final Logger log = LoggerFactory.getLogger(InvocationFolders.class);

  /** The folder name {@link #where} gives for the archive. */
  static final String ARCHIVE = InvocationStore.ARCHIVED;

  private final Path root;

  InvocationFolders(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  Path pending(String id) {
    return pending().resolve(id + ".json");
  }

  Path processing(String id) {
    return processing().resolve(id + ".json");
  }

  Path archive(String id) {
    return archive().resolve(id + ".json");
  }

  Path pending() {
    return root.resolve("pending");
  }

  Path processing() {
    return root.resolve("processing");
  }

  Path archive() {
    return root.resolve(ARCHIVE);
  }

  /** The folder the invocation is in now ({@code pending}, {@code processing}, …), or null. */
  String where(String id) {
    if (Files.exists(pending(id))) {
      return Invocation.PENDING;
    }
    if (Files.exists(processing(id))) {
      return Invocation.PROCESSING;
    }
    return Files.exists(archive(id)) ? ARCHIVE : null;
  }

  /** Creates the folders, private to their owner, if they are missing. */
  void ensure() {
    try {
      AtomicFiles.privateDirectory(root);
      for (Path dir : List.of(pending(), processing(), archive())) {
        AtomicFiles.privateDirectory(dir);
      }
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot create " + root + ": " + e.getMessage(), e);
    }
  }

  /** True if this call moved the file; false if the source was gone (someone else moved it). */
  static boolean move(Path from, Path to) {
    try {
      AtomicFiles.move(from, to);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot move " + from + ": " + e.getMessage(), e);
    }
  }

  /** The invocation files in {@code dir}, none while it does not exist; hidden files are not. */
  static List<Path> files(Path dir) {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "[!.]*.json")) {
      ds.forEach(out::add);
    } catch (IOException e) {
      log.warn("cannot list {}: {}", dir, e.getMessage());
    }
    return out;
  }
}
