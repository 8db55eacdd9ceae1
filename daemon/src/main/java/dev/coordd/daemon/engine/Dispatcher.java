package dev.coordd.daemon.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.coordd.api.Agent;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.handler.AwaitExternal;
import dev.coordd.daemon.handler.HandlerRegistry;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.daemon.metrics.TaskMetrics;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.Latch;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.store.SqlFunction;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.TaskLeases;
import dev.coordd.daemon.store.TaskStore;
import dev.coordd.daemon.store.Tx;
import dev.coordd.daemon.watch.Watchdog;
import dev.coordd.internal.Json;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The daemon's own worker pool: claims tasks for the daemon's agent name in batches (as many as
 * there are free slots), runs each handler on a virtual thread, and records the outcome.
 *
 * <p>A worker does not wait for its outcome's commit: it hands the outcome to the store writer and
 * frees its slot at once, so the next claim can share that commit, and the notifications follow the
 * commit. Until then the task stays {@code running} under this daemon's lease, which the
 * housekeeper keeps renewing ({@link #inFlight}), so no one else can claim it meanwhile.
 *
 * <p>Each running attempt is settled exactly once, by whoever gets there first: the worker with the
 * handler's result, or {@link #enforceTimeouts}, {@link #cancelRunning} and {@link #stop} which
 * record the outcome and free the slot at once, then interrupt the handler. A handler that ignores
 * the interrupt keeps its virtual thread but no longer holds a slot or the task. Thread-safe.
 */
public final class Dispatcher {
  static final int MAX_CLAIM_BATCH = 256;
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final class Running {
    final Task task;
    final long deadline;
    final AtomicBoolean settled = new AtomicBoolean();
    volatile Thread thread;

    Running(Task task, long deadline) {
      this.task = task;
      this.deadline = deadline;
    }
  }

  private record Context(Task task, Clock clock, long deadline, CoordinationService service)
      implements TaskContext {}

  private final String self;
  private final DaemonConfig config;
  private final Store store;
  private final TaskStore tasks;
  private final TaskLeases leases;
  private final HandlerRegistry handlers;
  private final Outcomes outcomes;
  private final Barriers barriers;
  private final Clock clock;
  private final TaskMetrics metrics;
  private final Latch wakeup;
  private final Watchdog watchdog = Watchdog.start("the dispatcher", Watchdog.DEFAULT_LIMIT);
  private final Semaphore slots;
  private final Map<String, Running> inFlight = new ConcurrentHashMap<>();

  /** Outcomes handed to the writer and not yet committed and announced, by attempt. */
  private final Map<String, CompletableFuture<?>> recording = new ConcurrentHashMap<>();

  /** Claims handed to the writer by {@link #claimPipelined} whose tasks have not launched yet. */
  private final AtomicInteger claimsOut = new AtomicInteger();

  /** The last claim came back full: there is more to claim (see {@link #claimPipelined}). */
  private volatile boolean backlog;

  /** A pipelined claim in the writer's queue that has not started: it takes slots freed since. */
  private final AtomicReference<Object> claimQueued = new AtomicReference<>();

  private volatile CoordinationService service;
  private volatile boolean claiming;
  private Thread loop;

  Dispatcher(
      DaemonConfig config,
      Store store,
      TaskStore tasks,
      TaskLeases leases,
      HandlerRegistry handlers,
      Outcomes outcomes,
      Barriers barriers,
      Clock clock,
      Notifier notifier,
      TaskMetrics metrics) {
    this.metrics = metrics;
    this.self = config.name();
    this.config = config;
    this.store = store;
    this.tasks = tasks;
    this.leases = leases;
    this.handlers = handlers;
    this.outcomes = outcomes;
    this.barriers = barriers;
    this.clock = clock;
    this.wakeup = notifier.latch(this::wakesOn);
    this.slots = new Semaphore(config.concurrency());
  }

  void start(CoordinationService service) {
    this.service = service;
    claiming = true;
    loop = Thread.ofVirtual().name("coordd-dispatcher").start(this::run);
  }

  /** Claim now rather than at the next poll: a task this daemon can run was just created. */
  public void wake() {
    wakeup.signal();
  }

  /** Ids of the tasks whose handlers run here now, or whose outcomes are still being recorded. */
  public Set<String> inFlight() {
    Set<String> ids = new HashSet<>();
    inFlight.values().forEach(r -> ids.add(r.task.id()));
    recording.keySet().forEach(k -> ids.add(k.substring(0, k.lastIndexOf('#'))));
    return ids;
  }

  /** Slots no handler or claim holds now (a claim takes every free slot while it runs). */
  public int freeSlots() {
    return slots.availablePermits();
  }

  /** Keyed by attempt, not task: a retry can be claimed while the last attempt winds down. */
  private static String key(Task task) {
    return task.id() + "#" + task.attempts();
  }

  public boolean canRun(Task task) {
    return canRun(task.type(), task.assignedTo());
  }

  private boolean canRun(String type, String assignedTo) {
    return self.equals(assignedTo)
        || (assignedTo != null && assignedTo.equals(Agent.roleOf(self)))
        || (assignedTo == null && handlers.handles(type));
  }

  /**
   * Whether a change may give this daemon's workers something to claim: a task they could run
   * became available (no wasted claims under a flood of work for others), or the queue moved.
   * External claimers are woken more narrowly, by the notifier's claim waiters.
   */
  private boolean wakesOn(Change change) {
    return switch (change) {
      case Change.TaskAvailable t -> canRun(t.type(), t.assignedTo());
      case Change.TaskChanged t -> t.status() != TaskStatus.RUNNING; // frees nothing
      case Change.QueuePolicyChanged q -> true;
      case Change.TimePassed t -> false; // due tasks are announced as TaskAvailable
      case Change.Stopping s -> true;
      case Change.TaskFinished t -> true; // a slot under a concurrency cap may be free
      case Change.CapacityFreed c -> true;
      case Change.AgentChanged a -> false;
      case Change.EventPublished e -> false;
      case Change.LockFreed l -> false;
      case Change.LockTaken l -> false;
      case Change.InvocationChanged i -> false;
    };
  }

  private void run() {
    while (claiming) {
      try {
        int claimed;
        watchdog.begin("claiming and starting tasks");
        try {
          claimed = backlog ? claimPipelined() : claimOnce();
        } finally {
          watchdog.end();
        }
        if (claimed == 0) {
          // Every slot busy, or a claim under way: a release or the claim's landing signals, and
          // no read is needed to know that.
          boolean busy = backlog || slots.availablePermits() == 0;
          wakeup.await(busy ? config.pollInterval().toMillis() : idleWait());
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        if (!claiming) {
          // stop() interrupted a read: on a virtual thread that closes a PostgreSQL socket
          return;
        }
        log.error("claiming failed; trying again shortly", e);
        pause();
      }
    }
  }

  /** Claims as many due tasks as there are free slots and starts them; returns how many. */
  public int claimOnce() {
    int wanted = acquire();
    if (wanted == 0) {
      return 0;
    }
    List<Task> claimed;
    long began = System.nanoTime(); // real time for the metric; leases use the clock
    try {
      claimed = store.writer().execute(claim(wanted));
    } catch (RuntimeException e) {
      slots.release(wanted);
      throw e;
    }
    return launchAll(claimed, wanted, began);
  }

  /**
   * Claims for the free slots without waiting for the commit: the tasks launch when it lands, and
   * slots freed meanwhile claim again, in the same commit as their outcomes, rather than one commit
   * later. Only while the last claim came back full: one that comes back short ends it, so that an
   * empty queue is found by a claim the loop waits for, before it sleeps (no lost wake-up, no
   * claiming in circles). Returns the slots it claims for.
   */
  private int claimPipelined() {
    Object token = new Object();
    if (claimQueued.get() != null) {
      return 0; // the claim still queued will take the slots freed meanwhile
    }
    int wanted = acquire();
    if (wanted == 0) {
      return 0;
    }
    claimQueued.set(token);
    long began = System.nanoTime();
    int[] max = {0}; // fixed on the first run: the writer may run an operation again
    claimsOut.incrementAndGet();
    store
        .writer()
        .submit(
            tx -> {
              if (max[0] == 0) {
                claimQueued.compareAndSet(token, null);
                max[0] = wanted + acquire(MAX_CLAIM_BATCH - wanted);
              }
              return claim(max[0]).apply(tx);
            })
        .whenComplete(
            (claimed, error) -> {
              claimQueued.compareAndSet(token, null);
              int held = max[0] == 0 ? wanted : max[0];
              try {
                if (error != null) {
                  backlog = false; // the loop's next claim waits, and pauses if it fails too
                  slots.release(held);
                  log.warn("claiming failed; trying again", error);
                } else {
                  launchAll(claimed, held, began);
                }
              } finally {
                claimsOut.decrementAndGet();
                wakeup.signal();
              }
            });
    return wanted;
  }

  /** Takes the free slots, up to a claim's most; none once stopping. */
  private int acquire() {
    return acquire(MAX_CLAIM_BATCH);
  }

  private int acquire(int most) {
    int wanted = 0;
    while (claiming && wanted < most && slots.tryAcquire()) {
      wanted++;
    }
    return wanted;
  }

  private SqlFunction<Tx, List<Task>> claim(int max) {
    long now = clock.millis();
    long leaseMs = config.leaseDuration().toMillis();
    String types = handlers.typesJson();
    return tx -> leases.claim(tx, self, Agent.roleOf(self), types, now, leaseMs, max);
  }

  /** Starts the claimed tasks and frees the slots claimed for in vain; returns how many. */
  private int launchAll(List<Task> claimed, int wanted, long began) {
    backlog = claimed.size() == wanted;
    return start(claimed, wanted, began);
  }

  private int start(List<Task> claimed, int wanted, long began) {
    metrics.claimTime(true, System.nanoTime() - began);
    metrics.claimed(claimed);
    slots.release(wanted - claimed.size());
    claimed.forEach(this::launch);
    return claimed.size();
  }

  /**
   * A free slot taken for a task being created that this daemon could run, so that a claim for it
   * rides in the create's own transaction: one commit (one fsync) from create to handler start,
   * where a claim after the create's commit makes two. Null when this daemon could not run the
   * task, is stopping, or has no slot free; otherwise exactly one of {@link HandOff#started} and
   * {@link HandOff#abandoned} must follow.
   */
  public HandOff handOff(String type, String assignedTo) {
    if (!canRun(type, assignedTo) || acquire(1) == 0) {
      return null;
    }
    claimsOut.incrementAndGet(); // stop() waits for it to start what it claims
    return new HandOff(claim(1));
  }

  /**
   * One slot's claim, run inside another operation's transaction. It is the dispatcher's usual
   * claim (best task first, queue caps and pauses), so it may take another task than the new one.
   */
  public final class HandOff {
    private final SqlFunction<Tx, List<Task>> claim;
    private final long began = System.nanoTime();

    private HandOff(SqlFunction<Tx, List<Task>> claim) {
      this.claim = claim;
    }

    /** In the operation's transaction; may run again if the writer retries it. */
    public List<Task> claimIn(Tx tx) throws SQLException {
      return claim.apply(tx);
    }

    /** After the commit: starts what was claimed, or frees the slot. */
    public void started(List<Task> claimed) {
      try {
        start(claimed, 1, began);
      } finally {
        claimsOut.decrementAndGet();
      }
    }

    /** The operation failed: the slot is free again. */
    public void abandoned() {
      slots.release();
      claimsOut.decrementAndGet();
      wakeup.signal();
    }
  }

  /** Until the next delayed task is due, but never longer than the safety-net poll. */
  private long idleWait() {
    long poll = config.pollInterval().toMillis();
    long now = clock.millis();
    Long next = store.read(tx -> tasks.nextRunAt(tx, now));
    return next == null ? poll : Math.max(1, Math.min(poll, next - now));
  }

  private void launch(Task task) {
    long timeout = task.timeoutMs() != null ? task.timeoutMs() : config.defaultTimeout().toMillis();
    Running r = new Running(task, clock.millis() + timeout);
    inFlight.put(key(task), r);
    r.thread = Thread.ofVirtual().name("task-" + task.id()).unstarted(() -> work(r));
    r.thread.start();
  }

  private void work(Running r) {
    Task task = r.task;
    CompletableFuture<Task> outcome = null;
    // Every line logged while the handler runs names its task, in the log file as fields.
    MDC.put("taskId", task.id());
    MDC.put("taskType", task.type());
    MDC.put("agent", self);
    try {
      TaskHandler handler = handlers.get(task.type());
      if (handler == null) {
        throw TaskFailure.permanent(
            "no_handler",
            "daemon '"
                + self
                + "' has no handler for task type '"
                + task.type()
                + "'; it handles "
                + handlers.types());
      }
      JsonNode result = timed(handler, task, r);
      String json = resultJson(result);
      if (settle(r)) {
        outcome =
            outcomes.succeedLater(task, result == null ? NullNode.getInstance() : result, json);
      }
    } catch (InterruptedException e) {
      // Whoever interrupted settled the attempt already.
      if (settle(r)) {
        outcome = outcomes.failLater(task, "handler was interrupted", "interrupted", false);
      }
    } catch (AwaitExternal wait) {
      // waits for its commit: settling a barrier reads and writes, which the writer's
      // acknowledging thread (where a recorded outcome's follow-up runs) must not do
      if (settle(r)) {
        barriers.parked(outcomes.park(task, wait.waitingFor(), wait.untilMillis()));
      }
    } catch (TaskFailure f) {
      if (settle(r)) {
        outcome = outcomes.failLater(task, f.getMessage(), f.kind(), f.permanent());
      }
    } catch (Throwable e) {
      if (settle(r)) {
        log.warn("handler for task {} ({}) threw", task.id(), task.type(), e);
        outcome = outcomes.failLater(task, describe(e), "exception", false);
      } else {
        log.error("could not record the outcome of task {}", task.id(), e);
      }
    } finally {
      if (outcome != null) {
        recorded(r, outcome); // before the slot is freed, so stop() cannot miss it
      }
      release(r);
      MDC.clear();
    }
  }

  /** Tracks an outcome handed to the writer until it has committed and been announced. */
  private void recorded(Running r, CompletableFuture<Task> outcome) {
    String key = key(r.task);
    String id = r.task.id();
    CompletableFuture<Task> done = new CompletableFuture<>();
    recording.put(key, done);
    outcome.whenComplete(
        (task, error) -> {
          if (error != null) {
            // Recording failed (store unavailable). The task is no longer in hand, so its lease
            // is not renewed: it expires and the task runs again.
            log.error("could not record the outcome of task {}", id, error);
          }
          recording.remove(key, done);
          done.complete(task);
        });
  }

  /** Runs the handler, timing it for the metrics; a hand-off to an agent is not a run. */
  private JsonNode timed(TaskHandler handler, Task task, Running r) throws Exception {
    long began = System.nanoTime(); // real time for the metric; the deadline uses the clock
    try {
      JsonNode result = handler.handle(new Context(task, clock, r.deadline, service));
      metrics.handlerTime(task.type(), true, System.nanoTime() - began);
      return result;
    } catch (AwaitExternal parked) {
      throw parked;
    } catch (Exception | Error e) {
      metrics.handlerTime(task.type(), false, System.nanoTime() - began);
      throw e;
    }
  }

  private String resultJson(JsonNode result) throws TaskFailure {
    String json;
    try {
      json = Json.write(result == null ? NullNode.getInstance() : result);
    } catch (RuntimeException e) {
      throw TaskFailure.retryable(
          "invalid_result", "handler returned a result that is not JSON: " + e.getMessage());
    }
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > config.maxPayloadBytes()) {
      throw TaskFailure.retryable(
          "invalid_result",
          "result is "
              + size
              + " bytes; the limit is "
              + config.maxPayloadBytes()
              + " (maxPayloadBytes)");
    }
    return json;
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** True for exactly one caller per attempt. */
  private boolean settle(Running r) {
    return r.settled.compareAndSet(false, true);
  }

  /** Frees the slot once, after the attempt was settled by anyone. */
  private void release(Running r) {
    if (inFlight.remove(key(r.task), r)) {
      slots.release();
      wakeup.signal();
    }
  }

  /** Fails every attempt past its deadline by the injected clock, then interrupts it. */
  public void enforceTimeouts() {
    long now = clock.millis();
    for (Running r : inFlight.values()) {
      if (now >= r.deadline && settle(r)) {
        try {
          outcomes.fail(
              r.task,
              "timed out after "
                  + Durations.format(Duration.ofMillis(r.deadline - r.task.startedAt())),
              "timeout",
              false);
        } catch (RuntimeException e) {
          log.warn(
              "could not record the timeout of task {}; its lease will expire", r.task.id(), e);
        } finally {
          interrupt(r); // the slot is freed whatever happened to the record
        }
      }
    }
  }

  /** Interrupts the handler of a task whose cancellation was just committed. */
  public boolean cancelRunning(String taskId) {
    boolean any = false;
    for (Running r : inFlight.values()) {
      if (r.task.id().equals(taskId) && settle(r)) {
        interrupt(r);
        any = true;
      }
    }
    return any;
  }

  private void interrupt(Running r) {
    release(r);
    Thread t = r.thread;
    if (t != null) {
      t.interrupt();
    }
  }

  /**
   * Stops claiming, lets running handlers finish for up to {@code grace}, then interrupts the rest
   * and puts their tasks back in the queue without spending an attempt. Returns once every outcome
   * handed to the writer has committed and been announced (or could not be), so the store may close
   * after it.
   */
  public void stop(Duration grace) {
    claiming = false;
    if (loop != null) {
      // Wake it rather than interrupt it: an interrupt that lands in a store read closes a
      // PostgreSQL connection under the pool (socket I/O on a virtual thread is interruptible).
      wakeup.signal();
      try {
        loop.join(5_000); // a claim in progress must launch its tasks before we count them
        if (loop.isAlive()) {
          loop.interrupt();
          loop.join(1_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    watchdog.close();
    awaitClaims(); // their tasks launch, to finish within the grace like the others
    long until = System.nanoTime() + grace.toNanos();
    while (!inFlight.isEmpty() && System.nanoTime() < until) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (Running r : inFlight.values()) {
      if (settle(r)) {
        try {
          outcomes.requeue(r.task, "daemon stopped before the handler finished", "shutdown");
        } catch (RuntimeException e) {
          log.warn("could not requeue task {} at shutdown; its lease will expire", r.task.id(), e);
        }
        interrupt(r);
      }
    }
    awaitRecorded();
  }

  /** Waits for the pipelined claims in the writer's queue to launch their tasks. */
  private void awaitClaims() {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (claimsOut.get() > 0 && System.nanoTime() < until) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Waits for the outcomes handed to the writer, which commits or fails each in bounded time. A
   * worker that settled its attempt just as the grace ran out is still in flight for a moment
   * before its outcome is tracked: wait for it too.
   */
  private void awaitRecorded() {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try {
      while (System.nanoTime() < until) {
        CompletableFuture<?>[] pending = recording.values().toArray(CompletableFuture<?>[]::new);
        if (pending.length > 0) {
          CompletableFuture.allOf(pending).get(until - System.nanoTime(), TimeUnit.NANOSECONDS);
        } else if (inFlight.isEmpty()) {
          return;
        } else {
          Thread.sleep(5);
        }
      }
      log.warn("task outcomes were still being recorded at shutdown: {}", inFlight());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("task outcomes were still being recorded at shutdown: {}", inFlight(), e);
    }
  }

  private static void pause() {
    try {
      Thread.sleep(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
