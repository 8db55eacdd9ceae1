package dev.coordd.daemon.inbox;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;

import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.daemon.inbox.InboxIngest.Outcome;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file drop: any program creates a task, with no client library and no daemon running, by
 * writing a JSON task file (see {@link TaskFile}) into {@code <home>/inbox/} under a temporary name
 * and renaming it to {@code *.json}. The rename is what makes this safe: the daemon only looks at
 * {@code *.json} names, so it never reads a half-written file. {@link InboxDrop} is that protocol
 * for Java callers (the CLI uses it when no daemon answers).
 *
 * <p>Each file becomes one {@link CoordinationService#createTask} and then moves to {@code done/}
 * (accepted) or {@code rejected/} with a {@code .error} file next to it saying why. A file with no
 * {@code idempotencyKey} gets {@code "inbox:" + fileName}, so a crash between the create and the
 * move can never create the task twice when the file is seen again. The flip side: a file name is
 * used once; a program that reuses a name (rather than {@link InboxDrop}'s unique names) for a new
 * task must give an idempotency key of its own. When the store is unavailable the file is left
 * where it is for a later scan.
 *
 * <p>A {@link WatchService} on a virtual thread reacts to new names at once; a full rescan every
 * {@link #RESCAN_INTERVAL} (and on every watch event, overflow included) is the safety net, since
 * watch events can be lost or unsupported. Events are never decoded: any event means "look at the
 * folder", which makes overflow harmless.
 *
 * <p>This class is the lifecycle and the scan loop; {@link InboxIngest} handles one file and {@link
 * InboxFolders} knows the layout.
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

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  private final InboxFolders folders;
  private final Path folder;
  private final InboxIngest ingest;
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
    Objects.requireNonNull(service, "service");
    this.rescanInterval = Objects.requireNonNull(rescanInterval, "rescanInterval");
    this.folders = new InboxFolders(home);
    this.folder = folders.folder;
    this.ingest = new InboxIngest(folders, service);
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
    folders.ensure();
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
      folders.ensure();
      int handled = 0;
      for (Path file : folders.taskFiles()) {
        if (closed) {
          break;
        }
        Outcome outcome = ingest.handle(file);
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
            folders.ensure();
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
}
