package dev.coordd.daemon.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.cluster.PgTestSchema;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A concurrency cap set through one daemon is known to the others sharing the store, so a task of
 * that type finishing on any of them frees a slot for waiting claimers.
 */
@Tag("cluster")
class QueuesAcrossDaemonsTest {
  static PgTestSchema db;

  @TempDir Path dir;

  @BeforeAll
  static void schema() {
    db = PgTestSchema.create(QueuesAcrossDaemonsTest.class);
  }

  @AfterAll
  static void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  Daemon member(String name) {
    return Daemon.start(
        ConfigLoader.load(
            dir.resolve(name),
            Map.of(),
            Map.of(
                "name",
                name,
                "store.kind",
                "postgres",
                "store.url",
                db.url(),
                "pollInterval",
                "1h")));
  }

  @Test
  void a_cap_set_on_one_daemon_is_known_to_the_other() throws Exception {
    try (Daemon a = member("a");
        Daemon b = member("b")) {
      assertThat(b.engine().queues().capped("render")).isFalse();
      a.engine().queues().limit("render", 2);
      long end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!b.engine().queues().capped("render") && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(b.engine().queues().capped("render")).isTrue();
      a.engine().queues().limit("render", null);
      end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (b.engine().queues().capped("render") && System.nanoTime() < end) {
        Thread.sleep(10);
      }
      assertThat(b.engine().queues().capped("render")).isFalse();
    }
  }
}
