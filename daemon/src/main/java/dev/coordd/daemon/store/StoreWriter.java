package dev.coordd.daemon.store;

import dev.coordd.api.CoorddException;
import dev.coordd.api.UnavailableException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer: every change to the store is an operation queued here and run on a single thread,
 * which commits everything that queued up meanwhile in one transaction behind one fsync (group
 * commit). A caller's future completes only after the commit that holds its operation, so an
 * acknowledged write is durable.
 *
 * <p>Operations must touch only the database (no side effects outside it) because a batch that
 * fails is rolled back and replayed with a savepoint per operation, so one bad operation fails
 * alone. Thread-safe: any thread may submit.
 */
public final class StoreWriter implements AutoCloseable {
  static final int MAX_BATCH = 2_000;
  private static final Logger log = LoggerFactory.getLogger(StoreWriter.class);

  private record Pending<T>(SqlFunction<Tx, T> op, CompletableFuture<T> future) {}

  private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
  private final Tx tx;
  private final Thread thread;
  private final java.util.concurrent.ExecutorService acks =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          Thread.ofPlatform().name("coordd-writer-acks").daemon(true).factory());
  private volatile boolean closed;

  private final ReentrantLock closing = new ReentrantLock();

  /**
   * The connection stays in auto-commit mode and each batch opens its own transaction: the JDBC
   * driver's implicit BEGIN right after every commit would otherwise hold SQLite's write lock while
   * the writer sits idle.
   */
  StoreWriter(Connection connection) throws SQLException {
    connection.setAutoCommit(true);
    this.tx = new Tx(connection, true);
    this.thread = Thread.ofPlatform().name("coordd-writer").daemon(true).start(this::run);
  }

  /** Queues an operation; the future completes after its transaction commits. */
  public <T> CompletableFuture<T> submit(SqlFunction<Tx, T> op) {
    CompletableFuture<T> future = new CompletableFuture<>();
    closing.lock(); // against close() draining the queue between our check and our add
    try {
      if (closed) {
        future.completeExceptionally(new UnavailableException("the store is closed"));
      } else {
        queue.add(new Pending<>(op, future));
      }
    } finally {
      closing.unlock();
    }
    return future;
  }

  /**
   * Runs an operation and waits for its commit; store errors surface as {@link CoorddException}.
   */
  public <T> T execute(SqlFunction<Tx, T> op) {
    try {
      return submit(op).join();
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
        runBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (RuntimeException | Error e) {
        log.error("writer loop failed; going on", e);
        rollbackQuietly();
        batch.forEach(p -> p.future().completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
    failRemaining();
  }

  private void runBatch(List<Pending<?>> batch) {
    Object[] results = new Object[batch.size()];
    Throwable[] errors = new Throwable[batch.size()];
    try {
      statement("BEGIN IMMEDIATE");
      if (!applyAll(batch, results)) {
        statement("ROLLBACK");
        statement("BEGIN IMMEDIATE");
        replayWithSavepoints(batch, results, errors);
      }
      statement("COMMIT");
    } catch (SQLException | RuntimeException | Error e) {
      rollbackQuietly();
      UnavailableException failure =
          new UnavailableException("store commit failed: " + e.getMessage(), e);
      batch.forEach(p -> p.future().completeExceptionally(failure));
      log.error("commit of {} operations failed", batch.size(), e);
      return;
    }
    // Waking the callers is left to another thread: the writer goes straight to the next batch.
    List<Pending<?>> done = List.copyOf(batch);
    acks.execute(
        () -> {
          for (int i = 0; i < done.size(); i++) {
            complete(done.get(i), results[i], errors[i]);
          }
        });
  }

  /** Fast path: everything in one go. False when some operation threw. */
  private boolean applyAll(List<Pending<?>> batch, Object[] results) {
    for (int i = 0; i < batch.size(); i++) {
      try {
        results[i] = batch.get(i).op().apply(tx);
      } catch (Exception e) {
        return false;
      }
    }
    return true;
  }

  private void replayWithSavepoints(List<Pending<?>> batch, Object[] results, Throwable[] errors)
      throws SQLException {
    for (int i = 0; i < batch.size(); i++) {
      statement("SAVEPOINT op");
      try {
        results[i] = batch.get(i).op().apply(tx);
      } catch (Exception e) {
        statement("ROLLBACK TO op");
        errors[i] = e;
      }
      statement("RELEASE op");
    }
  }

  private void statement(String sql) throws SQLException {
    tx.update(sql);
  }

  @SuppressWarnings("unchecked")
  private static <T> void complete(Pending<T> p, Object result, Throwable error) {
    if (error != null) {
      p.future().completeExceptionally(error);
    } else {
      p.future().complete((T) result);
    }
  }

  /** Ends whatever transaction is open; none being open is fine too. */
  private void rollbackQuietly() {
    try {
      statement("ROLLBACK");
    } catch (SQLException e) {
      log.debug("rollback: {}", e.getMessage());
    }
  }

  private void failRemaining() {
    Pending<?> p;
    while ((p = queue.poll()) != null) {
      p.future().completeExceptionally(new UnavailableException("the store is closed"));
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
