package dev.coordd.daemon.invoke;

import static dev.coordd.daemon.invoke.InvocationFolders.move;
import static dev.coordd.daemon.invoke.InvocationJson.read;
import static dev.coordd.daemon.invoke.InvocationJson.readAll;
import static dev.coordd.daemon.invoke.InvocationJson.write;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoorddException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Invocation;
import dev.coordd.api.NotFoundException;
import dev.coordd.daemon.store.Ids;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
 * <p>This class holds the state changes; {@link InvocationFolders} the layout, {@link
 * InvocationJson} a file's content, {@link FolderLock} the lock that keeps each change's rename and
 * rewrite together.
 *
 * <p>Thread-safe and multi-process safe: every state change is one rename.
 */
public final class InvocationFiles implements InvocationStore {
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
  private static final Logger log = LoggerFactory.getLogger(InvocationFiles.class);

  private final InvocationFolders folders;
  private final FolderLock lock;
  private final Clock clock;
  private final Ids ids;

  public InvocationFiles(Path home, Clock clock) {
    this.folders = new InvocationFolders(home.resolve("invocations"));
    this.lock = new FolderLock(folders.root());
    this.clock = clock;
    this.ids = new Ids(clock);
  }

  public Path root() {
    return folders.root();
  }

  @Override
  public String location() {
    return root().toString();
  }

  /** Files are per machine: each daemon reconciles and cleans its own home's. */
  @Override
  public boolean shared() {
    return false;
  }

  /** Writes a new pending invocation for a task. */
  @Override
  public Invocation create(
      String taskId, String agentType, String command, JsonNode context, Long expiresAt) {
    Invocation inv =
        Invocation.pending(
            ids.next(), taskId, agentType, command, context, clock.millis(), expiresAt);
    folders.ensure();
    write(folders.pending(inv.id()), inv);
    return inv;
  }

  /** Pending invocations, oldest first; an unreadable file is skipped and logged. */
  @Override
  public List<Invocation> pendingInvocations() {
    return readAll(folders.pending()).stream()
        .sorted(Comparator.comparingLong(Invocation::createdAt).thenComparing(Invocation::id))
        .toList();
  }

  /** The open (pending or processing) invocation of a task, if any. */
  @Override
  public Optional<Invocation> openFor(String taskId) {
    List<Invocation> open = new ArrayList<>(readAll(folders.pending()));
    open.addAll(readAll(folders.processing()));
    return open.stream().filter(i -> taskId.equals(i.taskId())).findFirst();
  }

  /** The invocation wherever it is now. */
  @Override
  public Invocation get(String id) {
    checkId(id);
    for (Path file : List.of(folders.pending(id), folders.processing(id), folders.archive(id))) {
      if (Files.exists(file)) {
        return read(file);
      }
    }
    throw new NotFoundException("no invocation with id " + id + " in " + root());
  }

  /** The archived invocation, or empty while it is still open. */
  @Override
  public Optional<Invocation> archived(String id) {
    checkId(id);
    Path file = folders.archive(id);
    return Files.exists(file) ? Optional.of(read(file)) : Optional.empty();
  }

  /**
   * Takes a pending invocation for {@code agent}. The rename out of {@code pending/} is the claim:
   * one winner; a loser is told who has it.
   */
  @Override
  public Invocation process(String id, String agent) {
    checkId(id);
    return locked(
        () -> {
          Path target = folders.processing(id);
          if (!move(folders.pending(id), target)) {
            throw notPending(id);
          }
          Invocation taken =
              with(read(target), Invocation.PROCESSING, agent, clock.millis(), null, null, null);
          write(target, taken);
          return taken;
        });
  }

  @Override
  public Invocation complete(String id, JsonNode result) {
    return finish(id, Invocation.COMPLETED, result == null ? Json.MAPPER.nullNode() : result, null);
  }

  @Override
  public Invocation fail(String id, String error) {
    return finish(id, Invocation.FAILED, null, error);
  }

  /** Archives an open invocation nobody finished (its task was cancelled). */
  @Override
  public Invocation close(String id, String status, String reason) {
    return finish(id, status, null, reason);
  }

  /** Archives an invocation only while nobody has taken it (expiry); a conflict otherwise. */
  @Override
  public Invocation closePending(String id, String status, String reason) {
    checkId(id);
    return locked(
        () -> {
          Path target = folders.archive(id);
          if (!move(folders.pending(id), target)) {
            throw notPending(id);
          }
          Invocation open = read(target);
          Invocation done = with(open, status, null, null, clock.millis(), null, reason);
          write(target, done);
          return done;
        });
  }

  /** The folder the invocation is in now ({@code pending}, {@code processing}, …), or null. */
  @Override
  public String where(String id) {
    checkId(id);
    return folders.where(id);
  }

  /**
   * Moves the invocation from wherever it is open into the archive (the rename decides between
   * racing finishers), then records the outcome there.
   */
  private Invocation finish(String id, String status, JsonNode result, String error) {
    checkId(id);
    return locked(
        () -> {
          Path target = folders.archive(id);
          if (!move(folders.processing(id), target) && !move(folders.pending(id), target)) {
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
  private <T> T locked(Supplier<T> change) {
    folders.ensure();
    return lock.holding(change);
  }

  /** Deletes archived invocations finished more than {@code age} ago; returns how many. */
  public int cleanup(Duration age) {
    return cleanup(age, Integer.MAX_VALUE);
  }

  /**
   * As {@link #cleanup(Duration)}, deleting at most {@code max} files (the daemon's retention works
   * in bounded steps).
   */
  @Override
  public int cleanup(Duration age, int max) {
    long cutoff = clock.millis() - age.toMillis();
    int deleted = 0;
    for (Path file : InvocationFolders.files(folders.archive())) {
      if (deleted >= max) {
        break;
      }
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
    Path processingFile = folders.processing(id);
    Path archiveFile = folders.archive(id);
    if (Files.exists(processingFile)) {
      Invocation inv = read(processingFile);
      return new ConflictException(
          "invocation "
              + id
              + " is already being processed"
              + (inv.takenBy() == null
                  ? " by another session" // the winner is still writing its name
                  : " by " + inv.takenBy() + " since " + Instant.ofEpochMilli(inv.takenAt())));
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
    return new NotFoundException("no invocation with id " + id + " in " + root());
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
}
