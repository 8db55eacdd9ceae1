package dev.coordd.cli.locks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coordd lock …} run in-process against a real daemon on a temp home. */
class LockCommandTest {
  @TempDir Path dir;
  Daemon daemon;

  Path home() {
    return dir.resolve("home");
  }

  @BeforeEach
  void startDaemon() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  Result run(String... args) {
    return CliRun.inHome(home(), args);
  }

  @Test
  void acquire_list_refuse_and_release() {
    Result got = run("lock", "acquire", "src/**", "--agent", "alice", "--ttl", "10m");
    assertThat(got.exit()).as(got.err()).isZero();
    assertThat(got.out()).startsWith("alice holds src/** exclusive until ");

    Result refused = run("lock", "acquire", "src/Main.java", "--agent", "bob");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err())
        .contains("resource src/Main.java is held exclusively by alice on src/** until ")
        .contains("(lease expires in 9m");

    assertThat(run("lock", "acquire", "docs/*.md", "--agent", "bob", "--shared").exit()).isZero();

    Result list = run("lock", "list");
    assertThat(list.exit()).isZero();
    assertThat(list.out().lines().toList()).hasSize(3);
    assertThat(list.out().lines().findFirst().orElseThrow())
        .matches("RESOURCE +HOLDER +MODE +EXPIRES IN");
    assertThat(list.out())
        .containsPattern("docs/\\*\\.md +bob +shared +[45]m")
        .containsPattern("src/\\*\\* +alice +exclusive +(9|10)m");

    JsonNode json = run("lock", "list", "--json").json();
    assertThat(json).hasSize(2);
    assertThat(json.get(1).get("holder").asText()).isEqualTo("alice");
    assertThat(json.get(1).get("shared").asBoolean()).isFalse();
    assertThat(json.get(1).has("expiresAt")).isTrue();

    Result notHolder = run("lock", "release", "src/**", "--agent", "bob");
    assertThat(notHolder.exit()).isEqualTo(1);
    assertThat(notHolder.err()).contains("bob does not hold src/**").contains("alice");

    Result released = run("lock", "release", "src/**", "--agent", "alice");
    assertThat(released.exit()).as(released.err()).isZero();
    assertThat(released.out()).contains("alice released src/**");
    assertThat(
            run("lock", "acquire", "src/Main.java", "--agent", "bob", "--json")
                .json()
                .get("holder")
                .asText())
        .isEqualTo("bob");

    Result nobody = run("lock", "release", "nothing", "--agent", "bob");
    assertThat(nobody.exit()).isEqualTo(1);
    assertThat(nobody.err()).contains("nobody holds a lock on nothing");
  }

  @Test
  void a_waiting_acquire_gets_the_lock_once_it_is_released() throws Exception {
    assertThat(run("lock", "acquire", "deploy", "--agent", "alice").exit()).isZero();
    CompletableFuture<Result> waiting =
        CompletableFuture.supplyAsync(
            () -> run("lock", "acquire", "deploy", "--agent", "bob", "--wait", "30s"));
    Thread.sleep(200);
    assertThat(waiting).isNotDone();
    assertThat(run("lock", "release", "deploy", "--agent", "alice").exit()).isZero();
    Result got = waiting.get(10, TimeUnit.SECONDS);
    assertThat(got.exit()).as(got.err()).isZero();
    assertThat(got.out()).startsWith("bob holds deploy exclusive until ");
  }

  @Test
  void a_ttl_or_wait_out_of_range_is_refused_naming_the_flag_and_its_range() {
    Result huge = run("lock", "acquire", "r", "--agent", "alice", "--ttl", "99999999999999d");
    assertThat(huge.exit()).isEqualTo(2);
    assertThat(huge.err())
        .contains(
            "Invalid value for option '--ttl': a lease lasts from 1ms to 7d; duration"
                + " \"99999999999999d\" is longer than ten years (3650d)")
        .doesNotContain("overflow");

    Result week = run("lock", "acquire", "r", "--agent", "alice", "--ttl", "8d");
    assertThat(week.exit()).isEqualTo(2);
    assertThat(week.err())
        .contains(
            "Invalid value for option '--ttl': a lease lasts from 1ms to 7d (renew it to keep it"
                + " longer); got 8d");

    Result longWait = run("lock", "acquire", "r", "--agent", "alice", "--wait", "99999999999999d");
    assertThat(longWait.exit()).isEqualTo(2);
    assertThat(longWait.err())
        .contains(
            "Invalid value for option '--wait': duration \"99999999999999d\" is longer than ten"
                + " years (3650d)")
        .doesNotContain("overflow");

    Result negative = run("lock", "acquire", "r", "--agent", "alice", "--wait", "-PT5S");
    assertThat(negative.exit()).isEqualTo(2);
    assertThat(negative.err())
        .contains("'--wait': a wait must not be negative (0s answers at once); got -PT5S");

    assertThat(run("lock", "list").out()).isEqualTo("no locks\n");
  }

  @Test
  void bad_input_is_a_usage_error() {
    Result zero = run("lock", "acquire", "r", "--agent", "alice", "--ttl", "0s");
    assertThat(zero.exit()).isEqualTo(2);
    assertThat(zero.err()).contains("'--ttl': a lease lasts from 1ms to 7d").contains("got 0s");
    assertThat(run("lock", "acquire", "r").exit()).isEqualTo(2); // --agent is required
    Result tooMany = run("lock", "acquire", "*?".repeat(20), "--agent", "alice");
    assertThat(tooMany.exit()).isEqualTo(2);
    assertThat(tooMany.err())
        .contains("a lock pattern may have at most 32 wildcards")
        .contains("40");
    Result empty = run("lock", "list");
    assertThat(empty.exit()).isZero();
    assertThat(empty.out()).isEqualTo("no locks\n");
  }
}
