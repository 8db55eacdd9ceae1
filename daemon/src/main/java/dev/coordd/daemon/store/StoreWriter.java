package dev.coordd.daemon.store;

import dev.coordd.api.CoorddException;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.watch.Watchdog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer: every change to the store is an operation queued here and run on a single thread,
 * which commits everything that queued up meanwhile in one transaction behind one fsync (group
 * commit). A caller's future completes only after the commit that holds its operation, so an
 * acknowledged write is durable.
 *
 * <p>When an operation of a batch fails, the batch is rolled back and split in halves, each run in
 * its own transaction, recursively, until every failing operation fails alone and all the others
 * commit. (Not a savepoint per operation: PostgreSQL slows down past 64 subtransactions in one
 * transaction.) A transaction the database asks to retry ({@link SqlDialect#retryable}: busy,
 * serialization failure, deadlock) is rolled back and run again after a short backoff, a bounded
 * number of times, instead of failing its callers. So is one whose connection the database dropped
 * (where the store can open another, {@link Reconnect}), on a new connection, unless the drop came
 * during the COMMIT: then whether it was saved is unknown and its callers are told so. All of these
 * rerun operations, so they must touch only the database (no side effects outside it). Thread-safe:
 * any thread may submit.
 *
 * <p>Adjacent {@link Batched} operations of one kind run together, as a few set-based statements
 * (where a statement is a network round trip, that is what bounds a group commit). One that fails
 * on its own there is told so and the rest of the batch commits without a bisection; a failure of
 * the group's statements bisects like any other.
 */
public final class StoreWriter implements AutoCloseable {
  static final int MAX_BATCH = 2_000;

  /** Tries of one transaction the database keeps asking to retry, before its callers fail. */
  static final int MAX_TRIES = 10;

  private static final long FIRST_BACKOFF_MS = 10;
  private static final long MAX_BACKOFF_MS = 1_000;
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);

  /** An operation and its caller's future; {@code settled} is read and written by the writer. */
  private static final class Pending<T> {
    final SqlFunction<Tx, T> op;
    final CompletableFuture<T> future = new CompletableFuture<>();
    boolean settled;

    Pending(SqlFunction<Tx, T> op) {
      this.op = op;
    }

    @SuppressWarnings("unchecked")
    void complete(Object result, Throwable error) {
      if (error != null) {
        future.completeExceptionally(error);
      } else {
        future.complete((T) result);
      }
    }
  }

  /** An operation failed with an error the database says is worth retrying the whole of. */
  private static final class RetryableOperation extends Exception {
    RetryableOperation(Exception cause) {
      super(cause);
    }
  }

  /** Opens a fresh writer connection, configured like the first; for databases over a network. */
  @FunctionalInterface
  interface Reconnect {
    Connection open() throws SQLException;
  }

  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final SqlDialect sql;
  private final Reconnect reconnect;
  private Tx tx; // replaced, on the writer's thread only, when the connection is lost
  private final Thread thread;
  private final ExecutorService acks =
      Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("coordd-writer-acks").daemon(true).factory());
  private volatile boolean closed;

  /** Warns, with the writer's stack, when one batch holds the writer (and every write) over 1 s. */
  private final Watchdog watchdog = Watchdog.start("the store writer", Watchdog.DEFAULT_LIMIT);

  private final ReentrantLock closing = new ReentrantLock();

  /**
   * Told, on the writer's thread, of each commit: its operations and nanoseconds. Keep it cheap.
   */
  public interface CommitListener {
    void committed(int operations, long nanos);
  }

  private volatile CommitListener commitListener = (operations, nanos) -> {};

  // What ran, for tests that must see operations coalesced (no timing): statements sent by the
  // writer, groups of Batched operations run, and operations in them.
  private final LongAdder statements = new LongAdder();
  private final LongAdder groups = new LongAdder();
  private final LongAdder grouped = new LongAdder();

  /**
   * Statements the writer has run through its {@link Tx} (a BEGIN or COMMIT it sends itself
   * included; the driver's own on PostgreSQL not).
   */
  long statementsRun() {
    return statements.sum();
  }

  /** Groups of {@link Batched} operations run, retries and bisections included. */
  long groupsRun() {
    return groups.sum();
  }

  /** {@link Batched} operations run in those groups. */
  long operationsGrouped() {
    return grouped.sum();
  }

  /** Operations submitted and not yet taken into a batch. */
  int queued() {
    return queue.size();
  }

  /** Replaces the commit listener (the daemon's metrics). */
  public void onCommit(CommitListener listener) {
    commitListener = listener;
  }

  /**
   * On SQLite the connection stays in auto-commit mode and each batch opens its own transaction:
   * the JDBC driver's implicit BEGIN right after every commit would otherwise hold SQLite's write
   * lock while the writer sits idle. Where the dialect says {@link SqlDialect#driverTransactions}
   * (PostgreSQL, whose driver sends BEGIN with a transaction's first statement, saving a round
   * trip) auto-commit is off and the driver commits.
   */
  StoreWriter(Connection connection, SqlDialect sql) throws SQLException {
    this(connection, sql, null);
  }

  /**
   * @param reconnect opens a new connection when the database drops this one (a server restart, a
   *     failover, {@code pg_terminate_backend}); null where the connection cannot be lost (a file)
   */
  StoreWriter(Connection connection, SqlDialect sql, Reconnect reconnect) throws SQLException {
    connection.setAutoCommit(!sql.driverTransactions());
    this.sql = sql;
    this.reconnect = reconnect;
    this.tx = new Tx(connection, sql, true, statements);
    this.thread = Thread.ofPlatform().name("coordd-writer").daemon(true).start(this::run);
  }

  /** Queues an operation; the future completes after its transaction commits. */
  public <T> CompletableFuture<T> submit(SqlFunction<Tx, T> op) {
    Pending<T> pending = new Pending<>(op);
    closing.lock(); // against close() draining the queue between our check and our add
    try {
      if (closed) {
        pending.future.completeExceptionally(new UnavailableException("the store is closed"));
      } else {
        queue.add(pending);
      }
    } finally {
      closing.unlock();
    }
    return pending.future;
  }

  /**
   * Runs an operation and waits for its commit; store errors surface as {@link CoorddException}.
   */
  public <T> T execute(SqlFunction<Tx, T> op) {
    return await(submit(op));
  }

  /**
   * Waits for a {@link #submit submitted} operation's commit (uninterruptibly: the operation runs
   * to its end either way); store errors surface as {@link CoorddException}.
   */
  public static <T> T await(CompletableFuture<T> submitted) {
    try {
      return submitted.join();
    } catch (CompletionException e) {
      throw unwrap(e.getCause());
    }
  }

  static RuntimeException unwrap(Throwable cause) {
    if (cause instanceof RuntimeException re) {
      return re;
    }
    return new UnavailableException("store write failed: " + cause.getMessage(), cause);
  }

  private void run() {
    List<Pending<?>> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        watchdog.begin("a batch of " + batch.size() + " operations");
        settle(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        log.error("writer loop failed; going on", e);
        rollbackQuietly();
        List<Pending<?>> unsettled = batch.stream().filter(p -> !p.settled).toList();
        acknowledge(unsettled, new Object[unsettled.size()], e);
      } finally {
        watchdog.end();
        batch.clear();
      }
    }
    failRemaining();
  }

  /**
   * Commits the operations in one transaction or, when one of them fails, bisects: each half in its
   * own transaction, recursively, until the failing operations fail alone. Halves run in order, so
   * operations still commit in the order they were submitted.
   */
  private void settle(List<Pending<?>> ops) {
    Object[] results = new Object[ops.size()];
    RuntimeException[] errors = new RuntimeException[ops.size()];
    Exception failed;
    long began = System.nanoTime(); // real time for the commit metric; the clock is task time
    try {
      failed = transaction(ops, results, errors);
    } catch (SQLException e) {
      log.error("commit of {} operations failed", ops.size(), e);
      acknowledge(
          ops, results, new UnavailableException("store commit failed: " + e.getMessage(), e));
      return;
    }
    if (failed == null) {
      acknowledge(ops, results, errors);
      commitListener.committed(ops.size(), System.nanoTime() - began); // after: callers are safe
    } else if (ops.size() == 1) {
      acknowledge(ops, results, failed);
    } else {
      int half = ops.size() / 2;
      settle(ops.subList(0, half));
      settle(ops.subList(half, ops.size()));
    }
  }

  /**
   * Runs the operations in one transaction: null when it committed; otherwise the first operation's
   * error, with the transaction rolled back. Throws when the transaction itself could not begin or
   * commit, or stayed busy past {@link #MAX_TRIES}.
   */
  private Exception transaction(List<Pending<?>> ops, Object[] results, RuntimeException[] errors)
      throws SQLException {
    for (int tries = 1; ; tries++) {
      boolean committing = false;
      try {
        begin();
        for (int i = 0; i < ops.size(); ) {
          int end = i + 1;
          try {
            if (ops.get(i).op instanceof Batched<?> first) {
              end = groupEnd(ops, i, first.kind());
              runGroup(first.kind(), ops.subList(i, end), i, results, errors);
            } else {
              results[i] = ops.get(i).op.apply(tx);
              errors[i] = null;
            }
          } catch (Exception e) {
            if (retryable(e) || lost(e)) {
              throw new RetryableOperation(e);
            }
            rollback();
            return e;
          }
          i = end;
        }
        committing = true;
        commit();
        return null;
      } catch (SQLException | RetryableOperation e) {
        Throwable cause = e instanceof RetryableOperation ? e.getCause() : e;
        if (lost(e)) {
          // The server rolled back what it had; only a COMMIT sent but not answered is in doubt.
          reopen(cause);
          if (committing) {
            throw new SQLException(
                "the connection to the database was lost while committing, so whether these"
                    + " changes were saved is unknown; read them back before trying again: "
                    + cause.getMessage(),
                cause);
          }
        } else {
          rollbackQuietly();
        }
        if (e instanceof SQLException s && !retryable(s) && !lost(s)) {
          throw s;
        }
        if (tries >= MAX_TRIES) {
          String state = lost(e) ? "could not be reached" : "stayed busy";
          throw new SQLException(
              "the database " + state + " after " + tries + " tries: " + cause.getMessage(), cause);
        }
        log.debug("transaction of {} operations busy (try {}): {}", ops.size(), tries, cause);
        backoff(tries);
      }
    }
  }

  /** Where the run of adjacent operations of {@code kind} that starts at {@code from} ends. */
  private static int groupEnd(List<Pending<?>> ops, int from, Batched.Kind<?> kind) {
    int end = from + 1;
    while (end < ops.size() && ops.get(end).op instanceof Batched<?> next && next.kind() == kind) {
      end++;
    }
    return end;
  }

  /** Runs a group through its kind; each operation's value or own error lands at its index. */
  @SuppressWarnings("unchecked")
  private void runGroup(
      Batched.Kind<?> kind,
      List<Pending<?>> group,
      int offset,
      Object[] results,
      RuntimeException[] errors)
      throws SQLException {
    List<Batched<?>> batched = new ArrayList<>(group.size());
    group.forEach(p -> batched.add((Batched<?>) p.op));
    List<Batched.Outcome> outcomes = ((Batched.Kind<Batched<?>>) kind).runAll(tx, batched);
    if (outcomes.size() != group.size()) {
      throw new IllegalStateException(
          kind + " returned " + outcomes.size() + " outcomes for " + group.size() + " operations");
    }
    groups.increment();
    grouped.add(group.size());
    for (int k = 0; k < outcomes.size(); k++) {
      results[offset + k] = outcomes.get(k).value();
      errors[offset + k] = outcomes.get(k).error();
    }
  }

  /** The one place errors are sorted into "run the transaction again" and the rest. */
  private boolean retryable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && sql.retryable(s)) {
        return true;
      }
    }
    return false;
  }

  /** The database dropped the connection: worth a new one, where the store can open one. */
  private boolean lost(Throwable e) {
    if (reconnect == null) {
      return false;
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && sql.connectionLost(s)) {
        return true;
      }
    }
    try {
      return tx.connection().isClosed();
    } catch (SQLException closed) {
      return true;
    }
  }

  /**
   * Swaps in a new connection (and an empty statement cache). A failure to open one is logged and
   * left for the next try: the transaction is retried after a backoff, and a connection that stays
   * away fails its callers after {@link #MAX_TRIES}.
   */
  private void reopen(Throwable cause) {
    log.warn("the store's writer connection was lost ({}); reconnecting", cause.getMessage());
    tx.closeStatements();
    try {
      tx.connection().close();
    } catch (SQLException ignored) {
      // it is gone already
    }
    try {
      Connection fresh = reconnect.open();
      fresh.setAutoCommit(!sql.driverTransactions());
      tx = new Tx(fresh, sql, true, statements);
      log.info("the store's writer reconnected");
    } catch (SQLException | RuntimeException e) {
      log.warn("reconnecting the store's writer failed: {}", e.getMessage());
    }
  }

  /** Doubling from 10 ms up to 1 s, with jitter so two contending writers fall out of step. */
  private static void backoff(int tries) throws SQLException {
    long ms = Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS << Math.min(tries - 1, 20));
    try {
      Thread.sleep(ms + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting to retry a busy transaction", e);
    }
  }

  /** With driver transactions the driver sends BEGIN along with the first statement. */
  private void begin() throws SQLException {
    if (!sql.driverTransactions()) {
      tx.update(sql.begin());
    }
  }

  private void commit() throws SQLException {
    if (sql.driverTransactions()) {
      tx.connection().commit();
    } else {
      tx.update(sql.commit());
    }
  }

  private void rollback() throws SQLException {
    if (sql.driverTransactions()) {
      tx.connection().rollback();
    } else {
      tx.update(sql.rollback());
    }
  }

  /**
   * Settles the operations: with their results, or all with {@code error}. Waking the callers is
   * left to another thread, so the writer goes straight on.
   */
  private void acknowledge(List<Pending<?>> ops, Object[] results, Throwable error) {
    Throwable[] errors = new Throwable[ops.size()];
    Arrays.fill(errors, error);
    acknowledge(ops, results, errors);
  }

  /** As above, each operation with its own error or none (an operation of a group). */
  private void acknowledge(List<Pending<?>> ops, Object[] results, Throwable[] errors) {
    List<Pending<?>> done = List.copyOf(ops);
    done.forEach(p -> p.settled = true);
    acks.execute(
        () -> {
          for (int i = 0; i < done.size(); i++) {
            done.get(i).complete(results[i], errors[i]);
          }
        });
  }

  /** Ends whatever transaction is open; none being open is fine too. */
  private void rollbackQuietly() {
    try {
      rollback();
    } catch (SQLException e) {
      log.debug("rollback: {}", e.getMessage());
    }
  }

  private void failRemaining() {
    Pending<?> p;
    while ((p = queue.poll()) != null) {
      p.future.completeExceptionally(new UnavailableException("the store is closed"));
    }
  }

  /** Stops taking work, commits what is queued, and closes the connection. */
  @Override
  public void close() {
    closing.lock();
    try {
      closed = true;
    } finally {
      closing.unlock();
    }
    watchdog.close();
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.error("the writer did not finish within 30 s; leaving its connection open");
      return;
    }
    acks.shutdown();
    try {
      acks.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    tx.closeStatements();
    try {
      tx.connection().close();
    } catch (SQLException e) {
      log.warn("closing the writer connection failed", e);
    }
  }
}
