package dev.coordd.daemon.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.store.Store;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention of finished tasks on a real SQLite file: 100,000 old tasks go in bounded passes while
 * other work goes on, the space comes back, and what must stay stays. The housekeeper is stopped;
 * the test steps the clock and runs the passes itself.
 */
class TaskRetentionTest {
  private static final long DAY = Duration.ofDays(1).toMillis();
  private static final int OLD = 100_000;

  @TempDir Path dir;
  private DaemonFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void a_hundred_thousand_old_tasks_go_in_batches_while_work_goes_on() throws Exception {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    f.service().registerAgent(new AgentRegistration("w", "worker", List.of("work"), null));
    Store store = f.daemon.engine().store();
    long now = f.clock.millis();
    insert(store, "old-ok-", OLD, "succeeded", now - 10 * DAY);
    insert(store, "young-ok-", 1_000, "succeeded", now - DAY);
    insert(store, "young-failed-", 1_000, "failed", now - 10 * DAY);
    insert(store, "old-failed-", 500, "failed", now - 40 * DAY);
    insert(store, "old-cancelled-", 200, "cancelled", now - 40 * DAY);
    insert(store, "upstream-", 1, "succeeded", now - 10 * DAY);
    store
        .writer()
        .execute(
            tx -> {
              tx.update(
                  "INSERT INTO tasks (id, type, description, data, status, priority, run_at,"
                      + " max_attempts, budget, created_at, waiting_for) VALUES ('downstream',"
                      + " 'work', '', '{}', 'waiting', 0, ?, 3, 3, ?, 'dependencies')",
                  now,
                  now);
              return tx.update(
                  "INSERT INTO task_deps (task_id, depends_on) VALUES ('downstream', 'upstream-0')");
            });
    long pagesBefore = pragma(store, "page_count");

    // Work from another thread all along: every create, claim and complete must succeed.
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger completed = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread work = Thread.ofPlatform().start(() -> work(done, completed, failure));

    long started = System.nanoTime();
    int passes = 0;
    int deleted = 0;
    for (int n = -1; n != 0; passes++) {
      n = f.daemon.retention().runPass().tasks();
      deleted += n;
      f.clock.step(Duration.ofMillis(RetentionRunner.PAUSE_MS));
    }
    long tookMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
    done.set(true);
    work.join();
    System.out.printf(
        "retention: %d tasks deleted in %d passes, %d ms (%.0f tasks/s); %d tasks completed"
            + " by the other thread meanwhile%n",
        deleted, passes, tookMs, deleted * 1000.0 / Math.max(1, tookMs), completed.get());

    assertThat(failure.get()).as("creates, claims and completes meanwhile").isNull();
    assertThat(completed.get()).isPositive();
    assertThat(deleted).isEqualTo(OLD + 500 + 200);
    assertThat(count(store, "SELECT COUNT(*) FROM tasks WHERE id LIKE 'old-%'")).isZero();
    assertThat(count(store, "SELECT COUNT(*) FROM tasks WHERE id LIKE 'young-%'")).isEqualTo(2000);
    assertThat(count(store, "SELECT COUNT(*) FROM tasks WHERE id IN ('upstream-0', 'downstream')"))
        .as("a finished task an unfinished one depends on stays, and so does the link")
        .isEqualTo(2);
    assertThat(count(store, "SELECT COUNT(*) FROM task_deps")).isEqualTo(1);
    assertThat(
            count(
                store,
                "SELECT COUNT(*) FROM task_runs r WHERE NOT EXISTS"
                    + " (SELECT 1 FROM tasks t WHERE t.id = r.task_id)"))
        .as("runs of deleted tasks")
        .isZero();
    assertThat(count(store, "SELECT COUNT(*) FROM task_runs WHERE task_id LIKE 'young-%'"))
        .isEqualTo(2000);

    long pagesAfter = pragma(store, "page_count");
    long free = pragma(store, "freelist_count");
    System.out.printf(
        "retention: pages %d -> %d, %d free pages left%n", pagesBefore, pagesAfter, free);
    assertThat(pragma(store, "auto_vacuum")).as("incremental auto-vacuum").isEqualTo(2);
    assertThat(pagesAfter).as("the file gave the space back").isLessThan(pagesBefore / 2);
    assertThat(free).isZero();
  }

  @Test
  void the_plan_reads_the_finished_index() {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    Store store = f.daemon.engine().store();
    String plan =
        store.read(
            tx ->
                String.join(
                    "; ",
                    tx.query(
                        "EXPLAIN QUERY PLAN SELECT t.id FROM tasks t WHERE t.status = 'succeeded'"
                            + " AND t.finished_at IS NOT NULL AND t.finished_at < 5"
                            + " ORDER BY t.finished_at LIMIT 500",
                        rs -> rs.getString("detail"))));
    assertThat(plan).contains("tasks_finished").doesNotContain("TEMP B-TREE");
  }

  /** Creates, claims and completes tasks one at a time until told to stop. */
  private void work(
      AtomicBoolean done, AtomicInteger completed, AtomicReference<Throwable> failure) {
    try {
      while (!done.get()) {
        String id = f.service().createTask(NewTask.of("work")).id();
        List<Task> claimed = f.service().claimTasks("w", List.of("work"), 1, 0, null);
        assertThat(claimed).extracting(Task::id).containsExactly(id);
        Task t = f.service().completeTask(id, "w", claimed.get(0).claimToken(), null);
        assertThat(t.status()).isEqualTo(TaskStatus.SUCCEEDED);
        completed.incrementAndGet();
      }
    } catch (Throwable e) {
      failure.set(e);
    }
  }

  /** Finished tasks with one run each, straight into the store: one transaction per 20,000. */
  static void insert(Store store, String prefix, int n, String status, long finishedAt) {
    for (int from = 0; from < n; from += 20_000) {
      int start = from;
      int end = Math.min(n, from + 20_000);
      store
          .writer()
          .execute(
              tx -> {
                try (PreparedStatement task =
                        tx.connection()
                            .prepareStatement(
                                "INSERT INTO tasks (id, type, description, data, status, priority,"
                                    + " run_at, attempts, max_attempts, budget, created_at,"
                                    + " started_at, finished_at, result) VALUES"
                                    + " (?, 'work', 'old work', '{}', ?, 0, ?, 1, 3, 3, ?, ?, ?,"
                                    + " '{\"ok\":true}')");
                    PreparedStatement run =
                        tx.connection()
                            .prepareStatement(
                                "INSERT INTO task_runs (task_id, attempt, worker, started_at,"
                                    + " finished_at, outcome) VALUES (?, 1, 'w', ?, ?, ?)")) {
                  for (int i = start; i < end; i++) {
                    long at = finishedAt + i; // distinct, so "oldest first" has an order
                    task.setString(1, prefix + i);
                    task.setString(2, status);
                    task.setLong(3, at - 1000);
                    task.setLong(4, at - 1000);
                    task.setLong(5, at - 10);
                    task.setLong(6, at);
                    task.addBatch();
                    run.setString(1, prefix + i);
                    run.setLong(2, at - 10);
                    run.setLong(3, at);
                    run.setString(4, status);
                    run.addBatch();
                  }
                  task.executeBatch();
                  run.executeBatch();
                }
                return null;
              });
    }
  }

  static long pragma(Store store, String name) {
    return store.writer().execute(tx -> tx.count("PRAGMA " + name));
  }

  static long count(Store store, String sql) {
    return store.read(tx -> tx.count(sql));
  }
}
