package dev.coordd.cli.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code task claim --lease} and {@code task complete|fail --token}, run in-process against a real
 * daemon whose clock the test steps: an agent that works for minutes without beating keeps its
 * claim, and finishes it only with the token its claim printed.
 */
class TaskClaimTokenTest {
  @TempDir Path dir;
  final SteppedClock clock = new SteppedClock();
  Daemon daemon;

  /** The daemon's clock: real time when the test starts, then moved only by {@link #advance}. */
  static final class SteppedClock extends Clock {
    private final AtomicLong millis = new AtomicLong(System.currentTimeMillis());

    @Override
    public long millis() {
      return millis.get();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  Path home() {
    return dir.resolve("home");
  }

  void start(String... kv) {
    Map<String, String> settings = new HashMap<>(Map.of("pollInterval", "1h"));
    for (int i = 0; i < kv.length; i += 2) {
      settings.put(kv[i], kv[i + 1]);
    }
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), settings), clock);
  }

  /** Steps the daemon's clock, then runs one housekeeping round (the reaper among it). */
  void advance(Duration d) {
    clock.millis.addAndGet(d.toMillis());
    daemon.engine().housekeeper().tick();
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
  void a_claim_with_a_long_lease_survives_the_stale_window_and_completes_with_its_token() {
    start("leaseDuration", "30s", "heartbeatInterval", "10s");
    String id = run("task", "create", "review", "--assigned-to", "reviewer").out().strip();

    Result claimed = run("task", "claim", "--agent", "reviewer@1a2b3c", "--lease", "45m");
    assertThat(claimed.exit()).as(claimed.err()).isZero();
    String token = daemon.service().getTask(id).claimToken();
    assertThat(claimed.out())
        .containsPattern("claim: +lease 45m, expires in 4[45]m[0-9s]*, token " + token)
        .contains("coordd task complete " + id + " --agent reviewer@1a2b3c --token " + token);

    advance(Duration.ofMinutes(5)); // no beats: far past the 30 s stale window
    Result shown = run("task", "show", id);
    assertThat(shown.out())
        .contains("status:      running")
        .containsPattern("claim: +lease 45m, expires in [0-9ms]+, token " + token);

    Result noToken = run("task", "complete", id, "--agent", "reviewer@1a2b3c");
    assertThat(noToken.exit()).as("an invalid request: a usage error").isEqualTo(2);
    assertThat(noToken.err())
        .contains("task " + id + ": pass the claim token (--token / token) that task claim")
        .contains("`coordd task show " + id + "` prints it");
    Result wrong =
        run("task", "complete", id, "--agent", "reviewer@1a2b3c", "--token", "ffffffffff");
    assertThat(wrong.exit()).isEqualTo(1);
    assertThat(wrong.err()).contains("belongs to another claim by reviewer@1a2b3c");

    Result done =
        run("task", "complete", id, "--agent", "reviewer@1a2b3c", "--token", token, "--json");
    assertThat(done.exit()).as(done.err()).isZero();
    assertThat(done.json().get("status").asText()).isEqualTo("succeeded");
    assertThat(done.json().get("leaseMs").asLong()).isEqualTo(Duration.ofMinutes(45).toMillis());
  }

  @Test
  void a_default_lease_claim_of_a_stale_agent_goes_back_and_fail_needs_the_token() {
    start("leaseDuration", "10m", "heartbeatInterval", "10s");
    String id = run("task", "create", "review", "--assigned-to", "quick").out().strip();
    JsonNode claimed = run("task", "claim", "--agent", "quick", "--json").json().get(0);
    assertThat(claimed.get("leaseMs").asLong()).isEqualTo(Duration.ofMinutes(10).toMillis());
    advance(Duration.ofSeconds(20));
    advance(Duration.ofSeconds(20)); // three beats missed: stale
    JsonNode back = run("task", "show", id, "--json").json();
    assertThat(back.get("status").asText()).isEqualTo("queued");
    assertThat(back.at("/runs/0/error/kind").asText()).isEqualTo("owner_stale");

    advance(Duration.ofMinutes(10)); // past the backoff
    JsonNode again = run("task", "claim", "--agent", "quick", "--json").json().get(0);
    String token = again.get("claimToken").asText();
    assertThat(token).isNotEqualTo(claimed.get("claimToken").asText());
    Result failed =
        run("task", "fail", id, "--agent", "quick", "--token", token, "--error", "no access");
    assertThat(failed.exit()).as(failed.err()).isZero();
  }

  @Test
  void a_lease_over_a_day_is_refused_naming_the_limit() {
    start();
    run("task", "create", "review", "--assigned-to", "a");
    Result r = run("task", "claim", "--agent", "a", "--lease", "25h");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("lease must be from 1ms to 24h");
  }

  @Test
  void agents_shows_each_instance_with_its_role() {
    start();
    run("task", "claim", "--agent", "reviewer@1a2b3c");
    run("task", "claim", "--agent", "plain");
    Result agents = run("agents");
    assertThat(agents.out()).contains("ROLE");
    assertThat(agents.out().lines().filter(l -> l.startsWith("reviewer@1a2b3c")))
        .singleElement()
        .satisfies(l -> assertThat(l.split("\\s+")[1]).isEqualTo("reviewer"));
    assertThat(agents.out().lines().filter(l -> l.startsWith("plain ")))
        .singleElement()
        .satisfies(l -> assertThat(l.split("\\s+")[1]).isEqualTo("-"));
    JsonNode json = run("agents", "--json").json();
    assertThat(json.findValuesAsText("role")).contains("reviewer");
  }
}
