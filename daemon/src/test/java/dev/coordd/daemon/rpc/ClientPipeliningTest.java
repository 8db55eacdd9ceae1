package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.UnavailableException;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One client connection shared by many threads, and many calls in flight from one thread. */
class ClientPipeliningTest {
  @TempDir Path dir;

  @Test
  void many_threads_share_one_connection_and_each_gets_its_own_answers() throws Exception {
    Path home = dir.resolve("home");
    try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
        CoorddClient c = CoorddClient.connect(home)) {
      Set<String> ids = ConcurrentHashMap.newKeySet();
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        threads.add(
            Thread.ofPlatform()
                .start(
                    () -> {
                      for (int i = 0; i < 50; i++) {
                        String key = thread + "-" + i;
                        Task created =
                            c.createTask(
                                NewTask.of("build").withAssignedTo("w").withIdempotencyKey(key));
                        // The answer this thread got is for its own request.
                        assertThat(c.getTask(created.id()).idempotencyKey()).isEqualTo(key);
                        ids.add(created.id());
                      }
                    }));
      }
      for (Thread t : threads) {
        t.join();
      }
      assertThat(ids).hasSize(400);
    }
  }

  @Test
  void one_thread_keeps_many_calls_in_flight_with_the_async_variants() throws Exception {
    Path home = dir.resolve("home");
    try (Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
        CoorddClient c = CoorddClient.connect(home)) {
      List<CompletableFuture<Task>> calls = new ArrayList<>();
      for (int i = 0; i < 1_000; i++) {
        calls.add(c.createTaskAsync(NewTask.of("build").withAssignedTo("w").withPriority(i)));
      }
      CompletableFuture<Task> bad = c.createTaskAsync(NewTask.of("no such type"));
      for (int i = 0; i < calls.size(); i++) {
        assertThat(calls.get(i).get(30, TimeUnit.SECONDS).priority()).isEqualTo(i);
      }
      assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(InvalidRequestException.class);
      Task first = calls.getFirst().get();
      assertThat(c.getTaskAsync(first.id()).get(30, TimeUnit.SECONDS).id()).isEqualTo(first.id());
      assertThat(d.service().stats().coordination().queuedTasks()).isEqualTo(1_000);
    }
  }

  @Test
  void calls_in_flight_when_the_daemon_stops_fail_instead_of_hanging() throws Exception {
    Path home = dir.resolve("home");
    Daemon d = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
    try (CoorddClient c = CoorddClient.connect(home)) {
      Task t = c.createTask(NewTask.of("build").withAssignedTo("w"));
      CompletableFuture<Task> waiting = c.callAsync("awaitTask", params(t.id())).thenApply(x -> t);
      d.close();
      // Answered as it is by the stopping daemon, or failed: either way, not left hanging.
      assertThat(waiting.handle((task, failure) -> true).get(30, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> c.createTaskAsync(NewTask.of("build")).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(UnavailableException.class);
    } finally {
      d.close();
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode params(String id) {
    return dev.coordd.internal.Json.MAPPER
        .createObjectNode()
        .put("id", id)
        .put("timeoutMs", 60_000);
  }
}
