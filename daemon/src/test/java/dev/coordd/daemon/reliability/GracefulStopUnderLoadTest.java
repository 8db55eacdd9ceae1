package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskRun;
import dev.coordd.api.TaskStatus;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.handler.TaskHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon is stopped gracefully while four socket clients create tasks and sixteen handlers run:
 * quick handlers finish within the grace period, slow ones are interrupted at its end and go back
 * to the queue without spending an attempt, and the next daemon runs them. Nothing acknowledged is
 * lost and no task runs to its end twice.
 */
@Tag("reliability")
class GracefulStopUnderLoadTest {
  static final Map<String, String> SETTINGS =
      Map.of("shutdownGrace", "1s", "retryBackoffBase", "10ms", "retryBackoffMax", "50ms");

  @TempDir Path dir;

  final Set<String> interrupted = ConcurrentHashMap.newKeySet();

  /** Sleeps {@code data.sleepMs}, then records {@code id attempt}; an interrupt records nothing. */
  TaskHandler handler(Path log) {
    return ctx -> {
      try {
        Thread.sleep(ctx.data().path("sleepMs").asLong(5));
      } catch (InterruptedException e) {
        interrupted.add(ctx.task().id());
        throw e;
      }
      try {
        Files.write(
            log,
            (ctx.task().id() + " " + ctx.attempt() + "\n").getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return null;
    };
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void a_graceful_stop_under_load_loses_nothing_and_requeues_running_tasks_without_an_attempt()
      throws Exception {
    Path home = dir.resolve("home");
    Path log = dir.resolve("completions.log");
    Queue<String> acked = new ConcurrentLinkedQueue<>();
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    AtomicBoolean stopping = new AtomicBoolean();

    Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), SETTINGS));
    daemon.registerHandler(CompletionLog.TYPE, handler(log));
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int me = c;
      clients.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (CoorddClient client = CoorddClient.connect(home)) {
                      for (int n = 0; !stopping.get(); n++) {
                        // one task in fifty outlasts the 1.5 s of load plus the 1 s grace (the
                        // first one always)
                        long sleep = n % 50 == 0 ? 3500 : 5 + n % 40;
                        acked.add(
                            client
                                .createTask(
                                    NewTask.of(CompletionLog.TYPE)
                                        .withCreatedBy("client-" + me)
                                        .withData(
                                            JsonNodeFactory.instance
                                                .objectNode()
                                                .put("sleepMs", sleep)))
                                .id());
                      }
                    } catch (RuntimeException e) {
                      if (!stopping.get()) {
                        unexpected.add(e);
                      }
                    }
                  }));
    }
    Thread.sleep(1500);
    stopping.set(true);
    long t0 = System.nanoTime();
    daemon.close(); // what SIGTERM does: stop claiming, grace for handlers, requeue the rest
    Duration stopTook = Duration.ofNanos(System.nanoTime() - t0);
    for (Thread t : clients) {
      assertThat(t.join(Duration.ofSeconds(30))).as("client ended").isTrue();
    }
    assertThat(unexpected).as("errors before the stop").isEmpty();
    assertThat(stopTook)
        .as("the stop keeps to its grace period")
        .isLessThan(Duration.ofSeconds(10));
    assertThat(interrupted).as("slow handlers were running at the stop").isNotEmpty();

    try (Daemon next = Daemon.start(ConfigLoader.load(home, Map.of(), SETTINGS))) {
      next.registerHandler(CompletionLog.TYPE, handler(log));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (String id : acked) {
        Task t = next.service().awaitTask(id, Math.max(1, (until - System.nanoTime()) / 1_000_000));
        assertThat(t.status())
            .as("task %s (error %s)", id, t.error())
            .isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(t.attempts()).as("attempts of %s (a stop spends none)", id).isEqualTo(1);
        // the history keeps the interrupted run, marked requeued, on the same attempt number
        TaskRun last = t.runs().get(t.runs().size() - 1);
        assertThat(last.error()).as("the last run of %s succeeded", id).isNull();
        assertThat(t.runs())
            .as("runs of %s", id)
            .hasSize(interrupted.contains(id) ? 2 : 1)
            .allSatisfy(r -> assertThat(r.attempt()).isEqualTo(1));
        if (interrupted.contains(id)) {
          assertThat(t.runs().get(0).outcome()).isEqualTo("requeued");
          assertThat(t.runs().get(0).error().kind()).isEqualTo("shutdown");
        }
      }
    }
    Map<String, Integer> done = CompletionLog.read(log);
    for (String id : acked) {
      assertThat(done.get(id + " 1")).as("completions of %s", id).isEqualTo(1);
    }
    assertThat(done.values().stream().mapToInt(Integer::intValue).sum())
        .as("no completion beyond one per task")
        .isLessThanOrEqualTo(done.size());
  }
}
