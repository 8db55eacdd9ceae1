package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer on a real SQLite file, with real threads. */
class StoreWriterTest {
  @TempDir Path dir;
  Store store;

  Path file() {
    return dir.resolve("store.db");
  }

  StoreWriter open(Duration busyTimeout) {
    store = StoreFactory.open(StoreSettings.sqlite(file(), "NORMAL", busyTimeout));
    store.writer().execute(tx -> tx.update("CREATE TABLE t (id INTEGER PRIMARY KEY)"));
    return store.writer();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void a_bad_operation_fails_alone_while_the_rest_of_its_batch_commits() throws Exception {
    StoreWriter writer = open(Duration.ofSeconds(5));
    List<CompletableFuture<Integer>> ops = inOneBatch(writer, 10, Set.of(4));

    assertThat(failure(ops.get(4))).hasMessage("operation 4 is bad");
    for (int i = 0; i < 10; i++) {
      if (i != 4) {
        assertThat(ops.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(1);
      }
    }
    assertThat(ids()).containsExactly(0, 1, 2, 3, 5, 6, 7, 8, 9); // 4's own insert rolled back
  }

  @Test
  void several_bad_operations_each_fail_alone_and_every_good_one_commits() throws Exception {
    StoreWriter writer = open(Duration.ofSeconds(5));
    Set<Integer> bad = Set.of(0, 5, 6, 18);
    List<CompletableFuture<Integer>> ops = inOneBatch(writer, 19, bad);

    List<Integer> committed = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (bad.contains(i)) {
        assertThat(failure(ops.get(i))).hasMessage("operation " + i + " is bad");
      } else {
        ops.get(i).get(5, TimeUnit.SECONDS);
        committed.add(i);
      }
    }
    assertThat(ids()).containsExactlyElementsOf(committed);
  }

  @Test
  void an_acknowledgement_comes_only_after_the_commit_that_holds_it() throws Exception {
    StoreWriter writer = open(Duration.ofSeconds(5));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocking = new CountDownLatch(1);
    Gate gate = hold(writer);
    CompletableFuture<Integer> first = writer.submit(tx -> tx.update("INSERT INTO t VALUES (1)"));
    CompletableFuture<Object> slow =
        writer.submit(
            tx -> {
              blocking.countDown();
              await(release);
              return null;
            });
    gate.open();
    assertThat(blocking.await(5, TimeUnit.SECONDS)).isTrue();

    // The insert has run in the open transaction, but it is not committed: no ack yet.
    Thread.sleep(200);
    assertThat(first).isNotDone();
    assertThat(ids()).isEmpty();

    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    slow.get(5, TimeUnit.SECONDS);
    assertThat(ids()).containsExactly(1);
  }

  @Test
  void a_write_waits_while_another_connection_holds_the_write_lock() throws Exception {
    StoreWriter writer = open(Duration.ofSeconds(5));
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file())) {
      execute(other, "BEGIN IMMEDIATE");
      CompletableFuture<Integer> insert =
          writer.submit(tx -> tx.update("INSERT INTO t VALUES (7)"));
      Thread.sleep(300);
      assertThat(insert).isNotDone();
      assertThat(ids()).isEmpty();
      execute(other, "COMMIT");
      assertThat(insert.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(ids()).containsExactly(7);
  }

  @Test
  void a_busy_database_is_retried_and_not_reported_to_the_caller() throws Exception {
    // A busy timeout far shorter than the hold: without the retry the write would fail.
    StoreWriter writer = open(Duration.ofMillis(20));
    try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file())) {
      execute(other, "BEGIN IMMEDIATE");
      CompletableFuture<Integer> insert =
          writer.submit(tx -> tx.update("INSERT INTO t VALUES (3)"));
      Thread.sleep(400);
      assertThat(insert).isNotDone();
      execute(other, "ROLLBACK");
      assertThat(insert.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
    assertThat(ids()).containsExactly(3);
  }

  @Test
  void a_serialization_failure_reruns_the_whole_transaction_instead_of_failing_it()
      throws Exception {
    StoreWriter writer = open(Duration.ofSeconds(5));
    AtomicInteger tries = new AtomicInteger();
    Gate gate = hold(writer);
    CompletableFuture<Integer> before = writer.submit(tx -> tx.update("INSERT INTO t VALUES (1)"));
    CompletableFuture<Integer> conflicted =
        writer.submit(
            tx -> {
              if (tries.incrementAndGet() == 1) {
                throw new SQLException("could not serialize access", "40001");
              }
              return tx.update("INSERT INTO t VALUES (2)");
            });
    gate.open();

    assertThat(conflicted.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(before.get(5, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(tries).hasValue(2);
    assertThat(ids()).containsExactly(1, 2); // the first try's insert of 1 was rolled back
  }

  @Test
  void a_null_without_a_type_is_refused_and_typed_nulls_are_stored() throws Exception {
    StoreWriter writer = open(Duration.ofSeconds(5));
    writer.execute(tx -> tx.update("CREATE TABLE n (id INTEGER, label TEXT, at INTEGER)"));
    assertThatThrownBy(
            () -> writer.execute(tx -> tx.update("INSERT INTO n VALUES (?, ?, ?)", 1, null, 2L)))
        .hasMessageContaining("parameter 2 is a null without a type");
    writer.execute(
        tx -> tx.update("INSERT INTO n VALUES (?, ?, ?)", 1, Tx.text(null), Tx.bigint(null)));
    long stored =
        store.read(tx -> tx.count("SELECT COUNT(*) FROM n WHERE label IS NULL AND at IS NULL"));
    assertThat(stored).isEqualTo(1);
  }

  @Test
  void close_commits_and_completes_everything_submitted_before_it() throws Exception {
    StoreWriter writer = open(Duration.ofSeconds(5));
    Gate gate = hold(writer);
    List<CompletableFuture<Integer>> ops = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      int id = i;
      ops.add(writer.submit(tx -> tx.update("INSERT INTO t VALUES (?)", id)));
    }
    CompletableFuture<Void> closing = CompletableFuture.runAsync(store::close);
    Thread.sleep(100); // close() is now waiting for the writer
    assertThat(closing).isNotDone();
    gate.open();
    closing.get(10, TimeUnit.SECONDS);
    store = null;

    assertThat(ops).allSatisfy(op -> assertThat(op).isCompletedWithValue(1));
    assertThatThrownBy(() -> writer.execute(tx -> tx.update("INSERT INTO t VALUES (99)")))
        .hasMessageContaining("closed");
    assertThat(ids()).hasSize(50);
  }

  /** A running operation that keeps the writer busy until opened, so what follows queues up. */
  private record Gate(CountDownLatch latch) {
    void open() {
      latch.countDown();
    }
  }

  private static Gate hold(StoreWriter writer) throws InterruptedException {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch latch = new CountDownLatch(1);
    writer.submit(
        tx -> {
          entered.countDown();
          await(latch);
          return null;
        });
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    return new Gate(latch);
  }

  /**
   * Queues {@code n} inserts behind a gate, so the writer takes them as one batch; those in {@code
   * bad} insert their row and then throw.
   */
  private static List<CompletableFuture<Integer>> inOneBatch(
      StoreWriter writer, int n, Set<Integer> bad) throws InterruptedException {
    Gate gate = hold(writer);
    List<CompletableFuture<Integer>> ops = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int id = i;
      ops.add(
          writer.submit(
              tx -> {
                int inserted = tx.update("INSERT INTO t VALUES (?)", id);
                if (bad.contains(id)) {
                  throw new IllegalStateException("operation " + id + " is bad");
                }
                return inserted;
              }));
    }
    gate.open();
    return ops;
  }

  /** Waits inside an operation, which may throw only SQLException. */
  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Throwable failure(CompletableFuture<?> op) throws InterruptedException {
    try {
      op.get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      throw new AssertionError("the operation did not finish", e);
    }
    throw new AssertionError("the operation succeeded");
  }

  /** The committed ids, read on a connection of their own. */
  private List<Integer> ids() throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM t ORDER BY id")) {
      List<Integer> ids = new ArrayList<>();
      while (rs.next()) {
        ids.add(rs.getInt(1));
      }
      return ids;
    }
  }

  private static void execute(Connection c, String statement) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(statement);
    }
  }
}
