package dev.coordd.daemon.inbox;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;

import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.fs.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file drop: any program creates a task, with no client library and no daemon running, by
 * writing a JSON task file (see {@link TaskFile}) into {@code <home>/inbox/} under a temporary name
 * and renaming it to {@code *.json}. The rename is what makes this safe: the daemon only looks at
 * {@code *.json} names, so it never reads a half-written file. {@link #drop} is that protocol for
 * Java callers (the CLI uses it when no daemon answers).
 *
 * <p>Each file becomes one {@link CoordinationService#createTask} and then moves to {@code done/}
 * (accepted) or {@code rejected/} with a {@code .error} file next to it saying why. A file with no
 * {@code idempotencyKey} gets {@code "inbox:" + fileName}, so a crash between the create and the
 * move can never create the task twice when the file is seen again. The flip side: a file name is
 * used once; a program that reuses a name (rather than {@link #drop}'s unique names) for a new task
 * must give an idempotency key of its own. When the store is unavailable the file is left where it
 * is for a later scan.
 *
 * <p>A {@link WatchService} on a virtual thread reacts to new names at once; a full rescan every
 * {@link #RESCAN_INTERVAL} (and on every watch event, overflow included) is the safety net, since
 * watch events can be lost or unsupported. Events are never decoded: any event means "look at the
 * folder", which makes overflow harmless.
 *
 * <p>Threading: {@link #scanOnce} may be called from any thread; scans are serialised by a lock, so
 * a file is handled by one scan at a time. {@link #start} and {@link #close} are meant for the
 * owner's lifecycle thread; close waits (bounded) for a scan in progress to finish its current
 * file.
 */
public final class Inbox implements AutoCloseable {
  /** The folder under the home that programs drop task files into. */
  public static final String FOLDER = "inbox";

  public static final String DONE = "done";
  public static final String REJECTED = "rejected";

  /** Larger files are rejected without being read whole. */
  public static final long MAX_FILE_BYTES = 2L * 1024 * 1024;

  /** The safety-net rescan; the watcher normally reacts first. */
  static final Duration RESCAN_INTERVAL = Duration.ofSeconds(3);

  /**
   * A file that stops mid-JSON and was written this recently is left for a later scan rather than
   * rejected: a writer that ignored the rename protocol may still be writing it.
   */
  static final Duration SETTLE_TIME = Duration.ofSeconds(2);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  private static final int MAX_KEY_LENGTH = 256;
  private static final String JSON = ".json";
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  /** Last millisecond used in a {@link #drop} name: names from one process strictly increase. */
  private static final AtomicLong lastDropMillis = new AtomicLong();

  private enum Outcome {
    INGESTED,
    REJECTED,
    LEFT,
    STORE_DOWN,
    GONE
  }

  private final Path folder;
  private final Path done;
  private final Path rejected;
  private final CoordinationService service;
  private final Duration rescanInterval;
  private final ReentrantLock scanLock = new ReentrantLock(); // not synchronized: virtual threads
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean closed;
  private volatile WatchService watcher;
  private Thread thread;
  private boolean started;

  public Inbox(Path home, CoordinationService service) {
    this(home, service, RESCAN_INTERVAL);
  }

  /** With another safety-net interval; tests use a long one to see the watcher work alone. */
  Inbox(Path home, CoordinationService service, Duration rescanInterval) {
    Objects.requireNonNull(home, "home");
    this.service = Objects.requireNonNull(service, "service");
    this.rescanInterval = Objects.requireNonNull(rescanInterval, "rescanInterval");
    this.folder = home.resolve(FOLDER);
    this.done = folder.resolve(DONE);
    this.rejected = folder.resolve(REJECTED);
  }

  /** {@code <home>/inbox}. */
  public Path folder() {
    return folder;
  }

  /**
   * Creates the folders, ingests the files already there (in name order) before returning, then
   * watches for new ones on a virtual thread.
   *
   * @throws CoorddException when the folders cannot be created
   */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("the inbox was already started");
    }
    started = true;
    ensureFolders();
    // Watch before the first scan, so a file renamed in between is not missed until the rescan.
    try {
      WatchService w = folder.getFileSystem().newWatchService();
      try {
        folder.register(w, ENTRY_CREATE);
      } catch (IOException | RuntimeException e) {
        w.close();
        throw e;
      }
      watcher = w;
    } catch (IOException | UnsupportedOperationException e) {
      log.warn(
          "cannot watch {} ({}); new task files are picked up by the rescan every {}",
          folder,
          e.getMessage(),
          rescanInterval);
    }
    scanOnce();
    thread = Thread.ofVirtual().name("coordd-inbox").start(this::run);
  }

  /** Stops watching; a scan in progress finishes the file it is on. Idempotent. */
  @Override
  public void close() {
    Thread t;
    WatchService w;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      t = thread;
      w = watcher;
    }
    closing.countDown();
    if (w != null) {
      closeQuietly(w); // wakes a poll() with ClosedWatchServiceException
    }
    if (t != null) {
      try {
        if (!t.join(CLOSE_WAIT)) {
          // Not interrupted: an interrupt would close the file channel of the file being read.
          log.warn(
              "the inbox thread is still busy after {}; it stops after its current file",
              CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Ingests the {@code *.json} files in the inbox now, in name order. Stops early when the store is
   * unavailable (the files stay for the next scan) or once the inbox is closed.
   *
   * @return how many files were handled: moved to {@code done/} or {@code rejected/}
   */
  public int scanOnce() {
    scanLock.lock();
    try {
      if (closed) {
        return 0;
      }
      ensureFolders(); // cheap when present; brings back folders someone deleted
      int handled = 0;
      for (Path file : candidates()) {
        if (closed) {
          break;
        }
        Outcome outcome = handle(file);
        if (outcome == Outcome.INGESTED || outcome == Outcome.REJECTED) {
          handled++;
        } else if (outcome == Outcome.STORE_DOWN) {
          break;
        }
      }
      return handled;
    } finally {
      scanLock.unlock();
    }
  }

  private void run() {
    WatchKey key = null;
    while (!closed) {
      try {
        WatchService w = watcher;
        if (w != null && (key == null || !key.isValid())) {
          // First pass, or the folder was deleted or moved away: watch it (again).
          try {
            ensureFolders();
            key = folder.register(w, ENTRY_CREATE);
          } catch (IOException | CoorddException e) {
            log.warn(
                "cannot watch {} ({}); falling back to a rescan every {}",
                folder,
                e.getMessage(),
                rescanInterval);
            watcher = null;
            closeQuietly(w);
            w = null;
          }
        }
        if (w == null) {
          closing.await(rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
        } else {
          WatchKey signalled = w.poll(rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
          if (signalled != null) {
            // CREATE and OVERFLOW alike mean "look at the folder": no need to decode them.
            signalled.pollEvents();
            signalled.reset();
          }
        }
        if (!closed) {
          scanOnce();
        }
      } catch (ClosedWatchServiceException | InterruptedException e) {
        if (!closed) {
          log.warn("the inbox watcher stopped; falling back to a rescan every {}", rescanInterval);
          watcher = null;
        }
      } catch (RuntimeException e) {
        // A bug or a disk problem must not end the loop: the next round tries again.
        log.warn("inbox scan of {} failed", folder, e);
        try {
          closing.await(rescanInterval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  private static void closeQuietly(WatchService w) {
    try {
      w.close();
    } catch (IOException e) {
      log.debug("closing the inbox watch service", e);
    }
  }

  /** {@code *.json} entries, name order; temp names and dotfiles are someone's work in progress. */
  private List<Path> candidates() {
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

  private Outcome handle(Path file) {
    String name = file.getFileName().toString();
    NewTask request;
    try {
      BasicFileAttributes attrs =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
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
      request = request.withIdempotencyKey(defaultKey(name));
    }
    Task task;
    try {
      task = service.createTask(request);
    } catch (UnavailableException e) {
      log.warn("inbox: {} left in place, the store is unavailable: {}", name, e.getMessage());
      return Outcome.STORE_DOWN;
    } catch (CoorddException e) {
      return reject(file, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("inbox: creating the task of {} failed unexpectedly", name, e);
      return reject(file, "the daemon failed to create the task: " + e);
    }
    try {
      Path target = AtomicFiles.move(file, freeName(done, name, false));
      log.info(
          "inbox: {} -> task {} (type {}), moved to {}",
          name,
          task.id(),
          task.type(),
          folder.relativize(target));
      return Outcome.INGESTED;
    } catch (NoSuchFileException e) {
      return Outcome.GONE;
    } catch (IOException e) {
      // The task exists; the next scan finds it again by its idempotency key and retries the move.
      log.warn(
          "inbox: {} became task {} but cannot be moved to {}: {}",
          name,
          task.id(),
          done,
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
      target = AtomicFiles.move(file, freeName(rejected, name, true));
    } catch (NoSuchFileException e) {
      return Outcome.GONE;
    } catch (IOException e) {
      log.warn(
          "inbox: {} is invalid ({}) but cannot be moved to {}: {}",
          name,
          reason,
          rejected,
          e.toString());
      return Outcome.LEFT;
    }
    Path errorFile = target.resolveSibling(target.getFileName() + ".error");
    try {
      Files.writeString(errorFile, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("inbox: cannot write {}: {}", errorFile, e.toString());
    }
    log.info("inbox: rejected {} -> {}: {}", name, folder.relativize(target), why);
    return Outcome.REJECTED;
  }

  /** Reads at most {@link #MAX_FILE_BYTES}; a bigger file is refused, not read whole. */
  private static byte[] read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
      if (bytes.length > MAX_FILE_BYTES) {
        long size = Files.size(file);
        throw new InvalidRequestException(
            null,
            "the file is "
                + (size > MAX_FILE_BYTES
                    ? size + " bytes"
                    : "larger than " + MAX_FILE_BYTES + " bytes")
                + "; the limit for an inbox file is "
                + MAX_FILE_BYTES
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
   * {@code name}, or {@code stem-1.json}, {@code stem-2.json}… when taken (for rejected/ also when
   * its {@code .error} is). Only the scan, under its lock, writes these folders, so the name stays
   * free until the move.
   */
  private static Path freeName(Path dir, String name, boolean withError) {
    String stem = name.substring(0, name.length() - JSON.length());
    Path candidate = dir.resolve(name);
    for (int i = 1; taken(candidate, withError); i++) {
      candidate = dir.resolve(stem + "-" + i + JSON);
    }
    return candidate;
  }

  private static boolean taken(Path p, boolean withError) {
    return Files.exists(p, LinkOption.NOFOLLOW_LINKS)
        || (withError
            && Files.exists(
                p.resolveSibling(p.getFileName() + ".error"), LinkOption.NOFOLLOW_LINKS));
  }

  private void ensureFolders() {
    for (Path dir : List.of(folder, done, rejected)) {
      createFolder(dir);
    }
  }

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
    if (content.length > MAX_FILE_BYTES) {
      throw new InvalidRequestException(
          "data",
          "the task file would be "
              + content.length
              + " bytes; the limit for an inbox file is "
              + MAX_FILE_BYTES
              + " bytes (2 MiB)");
    }
    Path dir = home.resolve(FOLDER);
    createFolder(dir);
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
        millis, HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()), JSON);
  }

  /** Creates the folder (and missing parents) with mode 0700: task files are the owner's only. */
  private static void createFolder(Path dir) {
    try {
      AtomicFiles.privateDirectory(dir);
    } catch (IOException e) {
      throw new CoorddException("inbox", "cannot create " + dir + ": " + e, e);
    }
  }
}
