package dev.coordd.daemon.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoorddException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Invocation;
import dev.coordd.api.NotFoundException;
import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.daemon.store.Ids;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invocation queue as files, the original's {@code invocations/} folder done safely: {@code
 * pending/ → processing/ → archive/}, one {@code <id>.json} each, mode 0600 in 0700 folders, every
 * write atomic. Taking an invocation is an atomic rename out of {@code pending/}, so of two
 * sessions racing exactly one wins; the same holds for finishing it. Works without a daemon ({@code
 * coordd check}); the daemon reconciles what was finished meanwhile.
 *
 * <p>Thread-safe and multi-process safe: every state change is one rename.
 */
public final class InvocationFiles {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Logger log = LoggerFactory.getLogger(InvocationFiles.class);

  private final Path root;
  private final Clock clock;
  private final Ids ids;

  public InvocationFiles(Path home, Clock clock) {
    this.root = home.resolve("invocations");
    this.clock = clock;
    this.ids = new Ids(clock);
  }

  public Path root() {
    return root;
  }

  private Path pending() {
    return root.resolve("pending");
  }

  private Path processing() {
    return root.resolve("processing");
  }

  private Path archive() {
    return root.resolve("archive");
  }

  /** Writes a new pending invocation for a task. */
  public Invocation create(
      String taskId, String agentType, String command, JsonNode context, Long expiresAt) {
    Invocation inv =
        new Invocation(
            ids.next(),
            taskId,
            agentType,
            command,
            context == null ? Json.MAPPER.createObjectNode() : context,
            Invocation.PENDING,
            clock.millis(),
            expiresAt,
            null,
            null,
            null,
            null,
            null);
    ensureFolders();
    write(pending().resolve(inv.id() + ".json"), inv);
    return inv;
  }

  /** Pending invocations, oldest first; an unreadable file is skipped and logged. */
  public List<Invocation> pendingInvocations() {
    return readAll(pending()).stream()
        .sorted(Comparator.comparingLong(Invocation::createdAt).thenComparing(Invocation::id))
        .toList();
  }

  /** The open (pending or processing) invocation of a task, if any. */
  public Optional<Invocation> openFor(String taskId) {
    List<Invocation> open = new ArrayList<>(readAll(pending()));
    open.addAll(readAll(processing()));
    return open.stream().filter(i -> taskId.equals(i.taskId())).findFirst();
  }

  /** The invocation wherever it is now. */
  public Invocation get(String id) {
    checkId(id);
    for (Path dir : List.of(pending(), processing(), archive())) {
      Path file = dir.resolve(id + ".json");
      if (Files.exists(file)) {
        return read(file);
      }
    }
    throw new NotFoundException("no invocation with id " + id + " in " + root);
  }

  /** The archived invocation, or empty while it is still open. */
  public Optional<Invocation> archived(String id) {
    checkId(id);
    Path file = archive().resolve(id + ".json");
    return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
  }

  /**
   * Takes a pending invocation for {@code agent}. The rename out of {@code pending/} is the claim:
   * one winner; a loser is told who has it.
   */
  public Invocation process(String id, String agent) {
    checkId(id);
    return locked(
        () -> {
          Path target = processing().resolve(id + ".json");
          ensureFolders();
          if (!move(pending().resolve(id + ".json"), target)) {
            throw notPending(id);
          }
          Invocation taken =
              with(read(target), Invocation.PROCESSING, agent, clock.millis(), null, null, null);
          write(target, taken);
          return taken;
        });
  }

  public Invocation complete(String id, JsonNode result) {
    return finish(id, Invocation.COMPLETED, result == null ? Json.MAPPER.nullNode() : result, null);
  }

  public Invocation fail(String id, String error) {
    return finish(id, Invocation.FAILED, null, error);
  }

  /** Archives an open invocation nobody finished (its task was cancelled). */
  public Invocation close(String id, String status, String reason) {
    return finish(id, status, null, reason);
  }

  /** Archives an invocation only while nobody has taken it (expiry); a conflict otherwise. */
  public Invocation closePending(String id, String status, String reason) {
    checkId(id);
    return locked(
        () -> {
          ensureFolders();
          Path target = archive().resolve(id + ".json");
          if (!move(pending().resolve(id + ".json"), target)) {
            throw notPending(id);
          }
          Invocation open = read(target);
          Invocation done = with(open, status, null, null, clock.millis(), null, reason);
          write(target, done);
          return done;
        });
  }

  /** The folder the invocation is in now ({@code pending}, {@code processing}, …), or null. */
  public String where(String id) {
    checkId(id);
    if (Files.exists(pending().resolve(id + ".json"))) {
      return Invocation.PENDING;
    }
    if (Files.exists(processing().resolve(id + ".json"))) {
      return Invocation.PROCESSING;
    }
    return Files.exists(archive().resolve(id + ".json")) ? "archive" : null;
  }

  /**
   * Moves the invocation from wherever it is open into the archive (the rename decides between
   * racing finishers), then records the outcome there.
   */
  private Invocation finish(String id, String status, JsonNode result, String error) {
    checkId(id);
    return locked(
        () -> {
          ensureFolders();
          Path target = archive().resolve(id + ".json");
          if (!move(processing().resolve(id + ".json"), target)
              && !move(pending().resolve(id + ".json"), target)) {
            throw notPending(id);
          }
          Invocation open = read(target);
          Invocation done =
              with(open, status, open.takenBy(), open.takenAt(), clock.millis(), result, error);
          write(target, done);
          return done;
        });
  }

  /**
   * Runs a state change (a rename, then a rewrite of the moved file) under one lock shared by every
   * thread and every process on this folder, so no other change lands between the two steps. The
   * rename alone still decides races; the lock keeps the rewrite with it.
   */
  private <T> T locked(java.util.function.Supplier<T> change) {
    ensureFolders();
    java.util.concurrent.locks.ReentrantLock inProcess =
        LOCKS.computeIfAbsent(
            root.toAbsolutePath().normalize(), k -> new java.util.concurrent.locks.ReentrantLock());
    inProcess.lock(); // a JVM may hold one file lock per file: threads queue here first
    try (java.nio.channels.FileChannel ch =
            java.nio.channels.FileChannel.open(
                root.resolve(".lock"),
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock ignored = ch.lock()) {
      return change.get();
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot lock " + root + ": " + e.getMessage(), e);
    } finally {
      inProcess.unlock();
    }
  }

  private static final java.util.Map<Path, java.util.concurrent.locks.ReentrantLock> LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** Deletes archived invocations finished more than {@code age} ago; returns how many. */
  public int cleanup(Duration age) {
    long cutoff = clock.millis() - age.toMillis();
    int deleted = 0;
    for (Path file : files(archive())) {
      try {
        Invocation inv = read(file);
        long finished =
            inv.finishedAt() != null
                ? inv.finishedAt()
                : Files.getLastModifiedTime(file).toMillis();
        if (age.isZero() || finished < cutoff) {
          Files.deleteIfExists(file);
          deleted++;
        }
      } catch (IOException | CoorddException e) {
        log.warn("cleanup skipped {}: {}", file, e.getMessage());
      }
    }
    return deleted;
  }

  /** An id is a name in a folder: nothing that could climb out of it. */
  public static void checkId(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new InvalidRequestException(
          "id",
          "invalid invocation id '"
              + id
              + "': use the id shown by coordd check (letters, digits, - and _)");
    }
  }

  private CoorddException notPending(String id) {
    Path processingFile = processing().resolve(id + ".json");
    Path archiveFile = archive().resolve(id + ".json");
    if (Files.exists(processingFile)) {
      Invocation inv = read(processingFile);
      return new ConflictException(
          "invocation "
              + id
              + " is already being processed"
              + (inv.takenBy() == null
                  ? " by another session" // the winner is still writing its name
                  : " by "
                      + inv.takenBy()
                      + " since "
                      + java.time.Instant.ofEpochMilli(inv.takenAt())));
    }
    if (Files.exists(archiveFile)) {
      Invocation inv = read(archiveFile);
      return new ConflictException(
          "invocation "
              + id
              + " is already "
              + inv.status()
              + (inv.takenBy() == null ? "" : " (taken by " + inv.takenBy() + ")"));
    }
    return new NotFoundException("no invocation with id " + id + " in " + root);
  }

  private static Invocation with(
      Invocation i,
      String status,
      String takenBy,
      Long takenAt,
      Long finishedAt,
      JsonNode result,
      String error) {
    return new Invocation(
        i.id(),
        i.taskId(),
        i.agentType(),
        i.command(),
        i.context(),
        status,
        i.createdAt(),
        i.expiresAt(),
        takenBy,
        takenAt,
        finishedAt,
        result,
        error);
  }

  /** True if this call moved the file; false if the source was gone (someone else moved it). */
  private static boolean move(Path from, Path to) {
    try {
      AtomicFiles.move(from, to);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot move " + from + ": " + e.getMessage(), e);
    }
  }

  private void ensureFolders() {
    try {
      AtomicFiles.privateDirectory(root);
      for (Path dir : List.of(pending(), processing(), archive())) {
        AtomicFiles.privateDirectory(dir);
      }
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot create " + root + ": " + e.getMessage(), e);
    }
  }

  private static void write(Path file, Invocation inv) {
    try {
      AtomicFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(inv));
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static Invocation read(Path file) {
    try {
      ObjectNode node = (ObjectNode) Json.MAPPER.readTree(file.toFile());
      return Json.MAPPER.treeToValue(node, Invocation.class);
    } catch (IOException | ClassCastException e) {
      throw new CoorddException(
          "invocations", "unreadable invocation file " + file + ": " + e.getMessage(), e);
    }
  }

  private List<Invocation> readAll(Path dir) {
    List<Invocation> out = new ArrayList<>();
    for (Path file : files(dir)) {
      try {
        out.add(read(file));
      } catch (CoorddException e) {
        log.warn("skipping {}", e.getMessage());
      }
    }
    return out;
  }

  private static List<Path> files(Path dir) {
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
