package dev.coordd.daemon.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.daemon.fs.PrivateFiles;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task file in, one outcome out: the file is read and parsed ({@link TaskFile}), becomes a task
 * through {@link CoordinationService#createTask} and moves to {@code done/}, or moves to {@code
 * rejected/} with a {@code .error} file saying why. Not thread-safe on its own: the {@link Inbox}
 * scan calls it under its lock, which is what keeps a free name in {@code done/} or {@code
 * rejected/} free until the move.
 */
final class InboxIngest {
  /**
   * A file that stops mid-JSON and was written this recently is left for a later scan rather than
   * rejected: a writer that ignored the rename protocol may still be writing it.
   */
  static final Duration SETTLE_TIME = Duration.ofSeconds(2);

  private static final int MAX_KEY_LENGTH = 256;
  // The inbox's log lines keep the logger name they have always had.
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  /** What became of one file. */
  enum Outcome {
    /** A task was created (or found by its key) and the file moved to {@code done/}. */
    INGESTED,
    /** The file moved to {@code rejected/}. */
    REJECTED,
    /** Left in place for a later scan: not a task file, still being written, or a move failed. */
    LEFT,
    /** Left in place, and the scan should stop: the store cannot take tasks now. */
    STORE_DOWN,
    /** The file went away meanwhile. */
    GONE
  }

  private final InboxFolders folders;
  private final CoordinationService service;

  InboxIngest(InboxFolders folders, CoordinationService service) {
    this.folders = folders;
    this.service = service;
  }

  Outcome handle(Path file) {
    String name = file.getFileName().toString();
    NewTask request;
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isDirectory()) {
        return Outcome.LEFT; // not a task file; leave it alone
      }
      if (!attrs.isRegularFile()) {
        // Never opened: reading a FIFO would block the inbox, a link could point anywhere.
        return reject(
            file,
            "it is not a regular file (a symbolic link, pipe or device);"
                + " write the task file itself into the inbox");
      }
      request = TaskFile.parse(read(file));
    } catch (NoSuchFileException e) {
      return Outcome.GONE; // moved away meanwhile
    } catch (TaskFile.SyntaxException e) {
      if (e.truncated && recentlyModified(file)) {
        log.debug("inbox: {} is incomplete and was just written; retrying later", name);
        return Outcome.LEFT;
      }
      return reject(file, e.getMessage());
    } catch (InvalidRequestException e) {
      return reject(file, e.getMessage());
    } catch (IOException e) {
      return reject(file, "it cannot be read: " + e);
    }
    if (request.idempotencyKey() == null) {
      request = request.withIdempotencyKey(defaultKey(name, attrs.fileKey()));
    }
    Task task;
    try {
      task = service.createTask(request);
    } catch (UnavailableException e) {
      // The store is down or this creator is rate limited: the file waits for a later scan.
      log.warn("inbox: {} left in place for a later scan: {}", name, e.getMessage());
      return Outcome.STORE_DOWN;
    } catch (CoorddException e) {
      return reject(file, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("inbox: creating the task of {} failed unexpectedly", name, e);
      return reject(file, "the daemon failed to create the task: " + e);
    }
    if (!sameTask(task, request)) {
      // The key (by default the file name) was used before for other work: creating nothing and
      // moving the file to done/ would lose this task without a word.
      return reject(
          file,
          "the idempotency key '"
              + request.idempotencyKey()
              + "' already belongs to task "
              + task.id()
              + " ("
              + task.type()
              + ", "
              + task.status().wire()
              + ") with other content, so nothing new was created; give the file a name not used"
              + " before, or an idempotencyKey of its own");
    }
    try {
      makePrivate(file);
      stamp(file);
      Path target = AtomicFiles.move(file, InboxFolders.freeName(folders.done, name, false));
      log.info(
          "inbox: {} -> task {} (type {}), moved to {}",
          name,
          task.id(),
          task.type(),
          folders.folder.relativize(target));
      return Outcome.INGESTED;
    } catch (NoSuchFileException e) {
      return Outcome.GONE;
    } catch (IOException e) {
      // The task exists; the next scan finds it again by its idempotency key and retries the move.
      log.warn(
          "inbox: {} became task {} but cannot be moved to {}: {}",
          name,
          task.id(),
          folders.done,
          e.toString());
      return Outcome.LEFT;
    }
  }

  /** Moves the file to rejected/ and writes the reason next to it. */
  private Outcome reject(Path file, String reason) {
    String name = file.getFileName().toString();
    String why = TaskFile.oneLine(reason);
    String text =
        "Rejected "
            + name
            + ": "
            + why
            + (why.endsWith(".") ? "" : ".")
            + " Nothing was created. Fix the file and move it back into the inbox to try again.\n";
    Path target;
    try {
      makePrivate(file);
      stamp(file);
      target = AtomicFiles.move(file, InboxFolders.freeName(folders.rejected, name, true));
    } catch (NoSuchFileException e) {
      return Outcome.GONE;
    } catch (IOException e) {
      log.warn(
          "inbox: {} is invalid ({}) but cannot be moved to {}: {}",
          name,
          reason,
          folders.rejected,
          e.toString());
      return Outcome.LEFT;
    }
    Path errorFile = InboxFolders.errorFile(target);
    try {
      AtomicFiles.write(errorFile, text.getBytes(StandardCharsets.UTF_8)); // 0600, like the rest
    } catch (IOException e) {
      log.warn("inbox: cannot write {}: {}", errorFile, e.toString());
    }
    log.info("inbox: rejected {} -> {}: {}", name, folders.folder.relativize(target), why);
    return Outcome.REJECTED;
  }

  /**
   * A task file written under a loose umask (0644, 0666) is kept 0600 in done/ and rejected/, like
   * every file in the home; links and other users' files are left as they are.
   */
  private static void makePrivate(Path file) {
    try {
      PrivateFiles.tighten(file);
    } catch (IOException e) {
      log.warn("inbox: cannot make {} private (mode 0600): {}", file.getFileName(), e.toString());
    }
  }

  /** Reads at most {@link Inbox#MAX_FILE_BYTES}; a bigger file is refused, not read whole. */
  private static byte[] read(Path file) throws IOException {
    long max = Inbox.MAX_FILE_BYTES;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes((int) max + 1);
      if (bytes.length > max) {
        long size = Files.size(file);
        throw new InvalidRequestException(
            null,
            "the file is "
                + (size > max ? size + " bytes" : "larger than " + max + " bytes")
                + "; the limit for an inbox file is "
                + max
                + " bytes (2 MiB)");
      }
      return bytes;
    }
  }

  private static boolean recentlyModified(Path file) {
    try {
      long age =
          System.currentTimeMillis()
              - Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toMillis();
      return age < SETTLE_TIME.toMillis();
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code "inbox:" + name}; a hash when that would exceed the service's key limit. */
  /**
   * True when {@code task} is what {@code request} asks for: the task just created, or one created
   * earlier from the same content (a file dropped again, or one whose move to done/ failed).
   */
  static boolean sameTask(Task task, NewTask request) {
    JsonNode data = request.data() == null ? Json.MAPPER.createObjectNode() : request.data();
    String description = request.description() == null ? "" : request.description();
    return task.type().equals(request.type())
        && Objects.equals(task.assignedTo(), request.assignedTo())
        && description.equals(task.description() == null ? "" : task.description())
        && data.equals(task.data());
  }

  /**
   * {@code inbox:<file name>}. A name that is not valid UTF-8 reads back with U+FFFD in place of
   * each bad byte, so two different such names would share a key: the file's identity on disk
   * (device and inode, stable while it waits) is added to tell them apart.
   */
  static String defaultKey(String fileName, Object fileKey) {
    if (fileName.indexOf('\uFFFD') >= 0 && fileKey != null) {
      return defaultKey(fileName + "#" + fileKey);
    }
    return defaultKey(fileName);
  }

  static String defaultKey(String fileName) {
    String key = "inbox:" + fileName;
    if (key.length() <= MAX_KEY_LENGTH) {
      return key;
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(fileName.getBytes(StandardCharsets.UTF_8));
      return "inbox:sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * Retention ages {@code done/} and {@code rejected/} files by modification time, which a rename
   * keeps: from the move on, not from when someone wrote the file (maybe long before a daemon ran).
   * Before the move, so the file appears in {@code done/} or {@code rejected/} already stamped.
   */
  private static void stamp(Path file) {
    try {
      Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
    } catch (IOException e) {
      log.debug("inbox: cannot stamp {}: {}", file, e.toString());
    }
  }
}
