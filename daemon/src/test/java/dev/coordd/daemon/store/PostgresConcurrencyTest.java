package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two stores on one schema stand for two daemons on one PostgreSQL: what one writer thread made
 * atomic on SQLite must hold between two writers here.
 */
class PostgresConcurrencyTest {
  static final long LEASE_MS = 60_000;
  static PostgresTestDatabase db;

  Store a;
  Store b;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresConcurrencyTest.class);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (db != null) {
      db.drop();
    }
  }

  @BeforeEach
  void open() throws SQLException {
    a = db.open(2);
    db.truncateAll();
    b = db.open(2);
  }

  @AfterEach
  void close() {
    if (a != null) {
      a.close();
    }
    if (b != null) {
      b.close();
    }
  }

  @Test
  void two_daemons_claiming_a_capped_type_from_many_threads_never_exceed_the_cap()
      throws Exception {
    int cap = 3;
    int capped = 200;
    int free = 100;
    setCap(a, "capped", cap);
    insert(a, "capped", capped);
    insert(a, "free", free);

    AtomicInteger held = new AtomicInteger(); // capped tasks claimed and not yet completed
    AtomicInteger maxHeld = new AtomicInteger();
    AtomicInteger maxRunning = new AtomicInteger(); // as the database counts them
    AtomicInteger done = new AtomicInteger();
    ConcurrentHashMap<String, String> claimedBy = new ConcurrentHashMap<>();
    List<String> doubles = java.util.Collections.synchronizedList(new ArrayList<>());
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> workers = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    for (int i = 0; i < threads; i++) {
      Store store = i % 2 == 0 ? a : b;
      String agent = "worker-" + i;
      workers.add(
          pool.submit(
              () -> {
                TaskLeases leases = new TaskLeases(store.sql());
                TaskOutcomes outcomes = new TaskOutcomes(store.sql());
                while (done.get() < capped + free && System.nanoTime() < deadline) {
                  long now = System.currentTimeMillis();
                  List<Task> got =
                      store
                          .writer()
                          .execute(tx -> leases.claim(tx, agent, null, null, now, LEASE_MS, 2));
                  for (Task t : got) {
                    if (claimedBy.putIfAbsent(t.id(), agent) != null) {
                      doubles.add(t.id());
                    }
                    if (t.type().equals("capped")) {
                      maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                    }
                  }
                  long running = store.read(tx -> tx.count(runningCapped()));
                  maxRunning.accumulateAndGet((int) running, Math::max);
                  for (Task t : got) {
                    if (t.type().equals("capped")) {
                      held.decrementAndGet(); // before the completion commits: never overcounts
                    }
                    boolean completed =
                        store
                            .writer()
                            .execute(
                                tx -> outcomes.complete(tx, t, null, System.currentTimeMillis()));
                    assertThat(completed).isTrue();
                    done.incrementAndGet();
                  }
                  if (got.isEmpty()) {
                    Thread.sleep(1);
                  }
                }
                return null;
              }));
    }
    for (Future<?> w : workers) {
      w.get(180, TimeUnit.SECONDS);
    }
    pool.shutdown();
    System.out.printf(
        "capped claims: at most %d held by workers, %d running in the database (cap %d)%n",
        maxHeld.get(), maxRunning.get(), cap);
    assertThat(doubles).as("tasks claimed twice").isEmpty();
    assertThat(done.get()).isEqualTo(capped + free);
    assertThat(maxHeld.get()).isLessThanOrEqualTo(cap);
    assertThat(maxRunning.get()).isLessThanOrEqualTo(cap);
    long succeeded =
        a.read(tx -> tx.count("SELECT COUNT(*) FROM tasks WHERE status = 'succeeded'"));
    assertThat(succeeded).isEqualTo(capped + free);
  }

  @Test
  void a_cap_filled_by_one_daemon_leaves_nothing_for_the_other_and_a_pause_holds_for_both()
      throws Exception {
    setCap(a, "capped", 2);
    insert(a, "capped", 5);
    TaskLeases leasesA = new TaskLeases(a.sql());
    TaskLeases leasesB = new TaskLeases(b.sql());
    long now = System.currentTimeMillis();
    List<Task> first =
        a.writer().execute(tx -> leasesA.claim(tx, "on-a", null, null, now, LEASE_MS, 10));
    List<Task> second =
        b.writer().execute(tx -> leasesB.claim(tx, "on-b", null, null, now, LEASE_MS, 10));
    assertThat(first).hasSize(2).allMatch(t -> t.status() == TaskStatus.RUNNING);
    assertThat(second).isEmpty();

    QueueStore queues = new QueueStore(b.sql());
    b.writer()
        .execute(
            tx -> {
              queues.upsert(tx, "capped", true, null, false);
              return null;
            });
    TaskOutcomes outcomes = new TaskOutcomes(a.sql());
    a.writer().execute(tx -> outcomes.complete(tx, first.get(0), null, now));
    List<Task> whilePaused =
        a.writer().execute(tx -> leasesA.claim(tx, "on-a", null, null, now, LEASE_MS, 10));
    assertThat(whilePaused).as("paused by the other daemon").isEmpty();
  }

  /**
   * A real deadlock between the two writers (each holds one row and wants the other's): PostgreSQL
   * aborts one transaction with 40P01 and that writer runs it again, so both callers succeed.
   */
  @Test
  void a_deadlock_between_two_writers_is_retried_not_surfaced() throws Exception {
    insertQueueType(a, "x");
    insertQueueType(a, "y");
    CountDownLatch bothHoldOne = new CountDownLatch(2);
    AtomicInteger runs = new AtomicInteger();
    CompletableFuture<Integer> onA =
        a.writer().submit(tx -> crossUpdate(tx, "x", "y", bothHoldOne, runs));
    CompletableFuture<Integer> onB =
        b.writer().submit(tx -> crossUpdate(tx, "y", "x", bothHoldOne, runs));
    assertThat(onA.get(60, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(onB.get(60, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(runs.get())
        .as("runs of the two operations, the deadlock victim's twice")
        .isGreaterThanOrEqualTo(3);
  }

  /**
   * Readers follow events by seq: while one daemon's transaction holding an event is open, another
   * daemon's event must not commit with a higher seq (a reader would pass the first for good).
   */
  @Test
  void an_event_of_another_daemon_waits_for_an_open_transaction_holding_an_earlier_event()
      throws Exception {
    EventStore events = new EventStore();
    CountDownLatch inserted = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Long> first =
        a.writer()
            .submit(
                tx -> {
                  long seq = events.insert(tx, "t", "{}", "a", 1, false);
                  inserted.countDown();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return seq;
                });
    assertThat(inserted.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Long> second =
        b.writer().submit(tx -> events.insert(tx, "t", "{}", "b", 2, false));
    // Whatever the timing, the second cannot commit while the first is open; a reader now sees
    // neither event.
    Thread.sleep(300);
    assertThat(second).isNotDone();
    List<Long> visible =
        b.read(tx -> tx.query("SELECT seq FROM events ORDER BY seq", rs -> rs.getLong(1)));
    assertThat(visible).isEmpty();
    release.countDown();
    long seqA = first.get(30, TimeUnit.SECONDS);
    long seqB = second.get(30, TimeUnit.SECONDS);
    assertThat(seqB).isGreaterThan(seqA);
  }

  /**
   * Two daemons asking for one exclusive lock at once: the second checks for conflicts only after
   * the first committed, so it sees the first's lease and does not write its own.
   */
  @Test
  void two_daemons_acquiring_one_exclusive_lock_at_once_do_not_both_get_it() throws Exception {
    CountDownLatch checked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<Boolean> onA =
        a.writer()
            .submit(
                tx -> {
                  boolean got = acquire(tx, new LockStore("node-a"), "alice", "src/app.py");
                  checked.countDown();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return got;
                });
    assertThat(checked.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Boolean> onB =
        b.writer().submit(tx -> acquire(tx, new LockStore("node-b"), "bob", "src/app.py"));
    Thread.sleep(300); // B may run now; with the turn-taking it waits for A's commit
    release.countDown();
    assertThat(onA.get(30, TimeUnit.SECONDS)).as("alice got it").isTrue();
    assertThat(onB.get(30, TimeUnit.SECONDS)).as("bob got it too").isFalse();
    long holders = a.read(tx -> tx.count("SELECT COUNT(*) FROM locks"));
    assertThat(holders).isEqualTo(1);
  }

  /** The steps of an exclusive acquire (as the lock service runs them in one transaction). */
  private static boolean acquire(Tx tx, LockStore locks, String holder, String resource)
      throws SQLException {
    long now = System.currentTimeMillis();
    locks.purge(tx, now, now - LEASE_MS);
    if (!locks.othersThan(tx, holder, resource, false).isEmpty()) {
      return false;
    }
    locks.upsert(tx, resource, holder, false, now, now + LEASE_MS);
    return true;
  }

  private static int crossUpdate(
      Tx tx, String first, String second, CountDownLatch bothHoldOne, AtomicInteger runs)
      throws SQLException {
    runs.incrementAndGet();
    String touch = "UPDATE queue_types SET paused = NOT paused WHERE type = ?";
    tx.update(touch, first);
    bothHoldOne.countDown();
    try {
      bothHoldOne.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return tx.update(touch, second);
  }

  private static String runningCapped() {
    return "SELECT COUNT(*) FROM tasks WHERE status = 'running' AND type = 'capped'";
  }

  private static void setCap(Store store, String type, int cap) {
    QueueStore queues = new QueueStore(store.sql());
    store
        .writer()
        .execute(
            tx -> {
              queues.upsert(tx, type, null, cap, true);
              return null;
            });
  }

  private static void insertQueueType(Store store, String type) {
    setCap(store, type, 1000);
  }

  private static void insert(Store store, String type, int n) {
    TaskStore tasks = new TaskStore(store.sql());
    long now = System.currentTimeMillis() - 1_000;
    store
        .writer()
        .execute(
            tx -> {
              for (int i = 0; i < n; i++) {
                tasks.insert(
                    tx,
                    new TaskStore.NewRow(
                        type + "-" + String.format("%05d", i),
                        type,
                        "",
                        "{}",
                        TaskStatus.QUEUED,
                        0,
                        null,
                        null,
                        now,
                        3,
                        null,
                        null,
                        now,
                        null));
              }
              return null;
            });
  }
}
