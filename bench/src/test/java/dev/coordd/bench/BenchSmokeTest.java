package dev.coordd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.coordd.bench.scenarios.ThroughputScenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scenario at a smoke size, on SQLite and PostgreSQL, with both peers: real daemon processes,
 * real sockets, the checkout's bin/coordd for the cli scenario. Checks the summary's shape and that
 * every figure is a positive number; never a speed (this runs on busy machines). PostgreSQL missing
 * fails under CI=true and is skipped loudly otherwise (BenchMain says so).
 */
class BenchSmokeTest {
  @TempDir Path out;

  @Test
  void everyScenarioAtASmokeSizeWritesAWellFormedSummary() throws Exception {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    int code =
        BenchMain.run(
            new String[] {
              "all",
              "--json",
              "--store",
              "sqlite,postgres",
              "--runs",
              "1",
              "--warmup",
              "0",
              "--latency-tasks",
              "20",
              "--rate",
              "100",
              "--tasks",
              "100",
              "--connections",
              "2",
              "--in-flight",
              "8",
              "--batch",
              "30",
              "--claim-batch",
              "10",
              "--workers",
              "4",
              "--sizes",
              "20,50",
              "--claims",
              "5",
              "--recovery-tasks",
              "2",
              "--cli-runs",
              "1",
              "--waiters",
              "5",
              "--settle-ms",
              "100",
              "--daemon-warmup",
              "40",
              // Start-up, not speed, is what a smoke run waits on: the daemons share a class-data
              // archive (written by the first that exits) and JIT with C1 only.
              "--daemon-jvm",
              "-XX:TieredStopAtLevel=1 -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile="
                  + out.resolve("daemon.jsa"),
              "--out",
              out.toString()
            },
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(code).as("exit code (stderr has the reason)").isZero();

    ObjectMapper mapper = new ObjectMapper();
    JsonNode printed = mapper.readTree(stdout.toString(StandardCharsets.UTF_8));
    JsonNode summary = mapper.readTree(out.resolve("summary.json").toFile());
    assertThat(printed).isEqualTo(summary);

    assertThat(summary.at("/machine/cores").asInt()).isPositive();
    assertThat(summary.at("/machine/memory_bytes").asLong()).isPositive();
    assertThat(summary.at("/machine/jdk").asText()).isNotBlank();
    assertThat(summary.at("/durability/sqlite").asText()).contains("synchronous=FULL");
    assertThat(summary.at("/sizes/tasks").asInt()).isEqualTo(100);
    assertThat(summary.at("/sizes/create_batch").asInt()).isEqualTo(30);
    assertThat(summary.at("/machine/load_average_start").isNumber()).isTrue();
    assertThat(summary.at("/machine/load_average_end").isNumber()).isTrue();
    assertThat(summary.at("/systems/jobrunr").asText()).contains("JobRunr");
    assertThat(summary.at("/systems/db-scheduler").asText()).contains("db-scheduler");

    List<String> stores = new ArrayList<>(List.of("sqlite"));
    if (summary.get("skipped").isEmpty()) {
      stores.add("postgres");
    }
    JsonNode results = summary.get("results");
    for (String store : stores) {
      for (String metric : List.of("p50_ms", "p99_ms", "max_ms")) {
        for (String system : List.of("coordd", "jobrunr", "db-scheduler")) {
          assertThat(
                  results
                      .at("/latency/" + store + "/" + system + "/" + metric + "/median")
                      .asDouble())
              .as("latency %s %s %s", store, system, metric)
              .isPositive();
        }
      }
      for (String metric : List.of(ThroughputScenario.BATCH, ThroughputScenario.DAEMON_WORKERS)) {
        for (String system : List.of("coordd", "jobrunr", "db-scheduler")) {
          assertThat(
                  results
                      .at("/throughput/" + store + "/" + system + "/" + metric + "/median")
                      .asDouble())
              .as("throughput %s %s %s", store, system, metric)
              .isPositive();
        }
      }
      for (String metric : List.of(ThroughputScenario.SINGLE, ThroughputScenario.EXTERNAL)) {
        assertThat(results.at("/throughput/" + store + "/coordd/" + metric + "/median").asDouble())
            .as("throughput %s coordd %s", store, metric)
            .isPositive();
      }
      assertThat(results.at("/scale/" + store + "/coordd/claim_p50_ms_50/median").asDouble())
          .isPositive();
      assertThat(results.at("/recovery/" + store + "/coordd/rerun_ms/median").asDouble())
          .isPositive();
      assertThat(results.at("/cli/" + store + "/coordd/check_wall_ms/median").asDouble())
          .isPositive();
      assertThat(results.at("/memory/" + store + "/coordd/rss_waiting_mb/median").asDouble())
          .isPositive();
    }
    // every figure: one positive run per --runs, and its median
    for (Iterator<Map.Entry<String, JsonNode>> s = results.fields(); s.hasNext(); ) {
      s.next()
          .getValue()
          .forEach(
              byStore ->
                  byStore.forEach(
                      bySystem ->
                          bySystem.forEach(
                              figure -> {
                                assertThat(figure.get("runs")).hasSize(1);
                                assertThat(figure.get("runs").get(0).asDouble()).isPositive();
                                assertThat(figure.get("median").asDouble()).isPositive();
                              })));
    }
    assertThat(summary.get("ratios")).isNotEmpty();
    summary
        .get("ratios")
        .forEach(r -> assertThat(r.get("coordd_over_peer").asDouble()).isPositive());
    for (String scenario : Options.SCENARIOS) {
      assertThat(Files.readString(out.resolve(scenario + ".svg"))).startsWith("<svg");
    }
  }
}
