package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixteen external workers, each on its own socket connection, start at the same moment on 10,000
 * queued tasks and take them in batches: the one-statement claim must hand each task to exactly one
 * of them, and every completion must land.
 */
@Tag("reliability")
class ManyClaimersTest {
  static final int TASKS = 10_000;
  static final int CLAIMERS = 16;
  static final String TYPE = "external";

  @TempDir Path dir;

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void sixteen_claimers_take_ten_thousand_tasks_each_exactly_once() throws Exception {
    Path home = dir.resolve("home");
    // The daemon has no handler for the type, so only the external claimers take these tasks.
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      createAll(daemon);

      Map<String, String> claimedBy = new ConcurrentHashMap<>();
      Set<String> twice = ConcurrentHashMap.newKeySet();
      AtomicInteger completed = new AtomicInteger();
      Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> claimers = new ArrayList<>();
      for (int i = 0; i < CLAIMERS; i++) {
        String agent = "claimer-" + i;
        int me = i;
        claimers.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      try (CoorddClient c = CoorddClient.connect(home)) {
                        c.registerAgent(
                            new AgentRegistration(agent, "worker", List.of(TYPE), null));
                        go.await();
                        while (true) {
                          List<Task> batch = c.claimTasks(agent, List.of(TYPE), 25, 0, null);
                          if (batch.isEmpty()) {
                            return; // the queue is empty: everything is claimed by someone
                          }
                          for (Task t : batch) {
                            if (claimedBy.putIfAbsent(t.id(), agent) != null) {
                              twice.add(t.id());
                            }
                            Task done =
                                c.completeTask(t.id(), agent, t.claimToken(), IntNode.valueOf(me));
                            assertThat(done.status()).isEqualTo(TaskStatus.SUCCEEDED);
                            completed.incrementAndGet();
                          }
                        }
                      } catch (Throwable e) {
                        errors.add(e);
                      }
                    }));
      }
      go.countDown();
      for (Thread t : claimers) {
        assertThat(t.join(Duration.ofSeconds(150))).as("claimer finished in time").isTrue();
      }

      assertThat(errors).isEmpty();
      assertThat(twice).as("tasks claimed by two claimers").isEmpty();
      assertThat(claimedBy).hasSize(TASKS);
      assertThat(completed).hasValue(TASKS);
      assertThat(claimedBy.values().stream().distinct().count())
          .as("the work was shared, not taken by one claimer")
          .isGreaterThan(1);
      List<Task> stored =
          daemon.service().listTasks(new TaskQuery(null, TYPE, null, TaskQuery.MAX_LIMIT));
      assertThat(stored).hasSize(TASKS);
      for (Task t : stored) {
        assertThat(t.status()).as("task %s", t.id()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(t.attempts()).as("attempts of %s", t.id()).isEqualTo(1);
        assertThat(t.result().asInt())
            .as("result of %s is from the claimer that took it", t.id())
            .isEqualTo(Integer.parseInt(claimedBy.get(t.id()).substring("claimer-".length())));
      }
    }
  }

  /** Creates the tasks from several threads, so group commit batches them into few fsyncs. */
  private static void createAll(Daemon daemon) {
    // A type needs a handler or an agent that lists it before tasks of it are accepted.
    daemon
        .service()
        .registerAgent(new AgentRegistration("claimer-0", "worker", List.of(TYPE), null));
    IntStream.range(0, TASKS)
        .parallel()
        .forEach(i -> daemon.service().createTask(NewTask.of(TYPE).withDescription("t" + i)));
    assertThat(daemon.service().stats()).isNotNull();
  }
}
