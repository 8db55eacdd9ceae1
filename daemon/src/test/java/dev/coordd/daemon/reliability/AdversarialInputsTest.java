package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.Event;
import dev.coordd.api.NewTask;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs crafted to make the daemon work without bound: a lock glob built for catastrophic
 * backtracking, an event nested as deep as the parser admits. Whatever they do to their own caller,
 * creates from others must keep flowing and every reader must get an answer.
 */
@Tag("reliability")
class AdversarialInputsTest {
  @TempDir Path dir;
  Path home;
  Daemon daemon;

  @BeforeEach
  void start() {
    home = dir.resolve("home");
    daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
  }

  /** Bounded: a writer stuck on a pattern must fail this test, not hang the whole suite. */
  @AfterEach
  void stop() throws InterruptedException {
    Thread closing = Thread.ofPlatform().daemon().start(daemon::close);
    assertThat(closing.join(Duration.ofSeconds(30))).as("the daemon stopped within 30 s").isTrue();
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void an_adversarial_lock_glob_does_not_stop_creates() throws Exception {
    try (CoorddClient holder = CoorddClient.connect(home);
        CoorddClient attacker = CoorddClient.connect(home);
        CoorddClient creator = CoorddClient.connect(home)) {
      holder.acquireLock(
          "a".repeat(200) + "/" + "a".repeat(200) + "c", "holder", 600_000, false, 0);
      // its answer does not matter (granted or refused); it must not hold up anyone else
      CompletableFuture<?> glob =
          CompletableFuture.runAsync(
              () -> {
                try {
                  attacker.acquireLock(
                      "**a**a**a**a**a**a**a**a**b", "attacker", 600_000, false, 0);
                } catch (RuntimeException refused) {
                  // refused is fine
                }
              });
      creator.registerAgent(AgentRegistration.of("bystander"));
      assertCreatesFlow(creator);
      glob.get(30, TimeUnit.SECONDS);
      assertCreatesFlow(creator);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void a_deeply_nested_event_is_answered_to_its_watchers_and_creates_keep_flowing()
      throws Exception {
    try (CoorddClient publisher = CoorddClient.connect(home);
        CoorddClient watcher = CoorddClient.connect(home);
        CoorddClient creator = CoorddClient.connect(home)) {
      // the deepest data the door accepts: an answer that wraps it goes deeper still
      boolean any = false;
      for (int depth = 520; depth > 480 && !any; depth--) {
        JsonNode deep = nested(depth);
        CompletableFuture<Boolean> published =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    publisher.publish("deep.one", deep, "attacker");
                    return true;
                  } catch (RuntimeException refused) {
                    return false; // too deep for the door; one level less
                  }
                });
        any = published.get(10, TimeUnit.SECONDS); // no answer at all fails here
      }
      assertThat(any).as("data nested just within the door's limit is accepted").isTrue();
      CompletableFuture<List<Event>> watched =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return watcher.awaitEvents(List.of("deep.*"), 0, 10, 2_000);
                } catch (RuntimeException e) {
                  return List.of(); // an error answer is an answer
                }
              });
      assertThat(watched.get(10, TimeUnit.SECONDS)).as("the watcher got an answer").isNotNull();
      creator.registerAgent(AgentRegistration.of("bystander"));
      assertCreatesFlow(creator);
    }
  }

  /** {"a":{"a":…1…}} built node by node: parsing it would meet the reader's own limit. */
  static JsonNode nested(int depth) {
    JsonNode node = Json.MAPPER.getNodeFactory().numberNode(1);
    for (int i = 0; i < depth; i++) {
      node = Json.MAPPER.createObjectNode().set("a", node);
    }
    return node;
  }

  /** Ten creates, each acknowledged within two seconds. */
  static void assertCreatesFlow(CoorddClient creator) throws Exception {
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      CompletableFuture<String> id =
          CompletableFuture.supplyAsync(
              () -> creator.createTask(NewTask.of("later").withAssignedTo("bystander")).id());
      assertThat(id.get(10, TimeUnit.SECONDS)).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - t0))
          .as("create %d acknowledged promptly", i)
          .isLessThan(Duration.ofSeconds(2));
    }
  }
}
