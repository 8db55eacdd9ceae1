package dev.coordd.daemon.store;

import dev.coordd.api.Task;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A throw-away measurement, not a test (its name keeps it out of the suite): the time of one claim
 * of 10 with 1k, 100k and 1M queued tasks of 50 types and 10 priorities, a tenth of them assigned
 * to 10 agents, for claimers of several kinds. Run it by name:
 *
 * <pre>
 * mvn -o -B test -pl daemon -am -Dtest=ClaimScaleMeasurement -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * (-Dscale.sizes=1000,100000 to choose the sizes; -Dscale.pg=false to leave PostgreSQL out.)
 */
class ClaimScaleMeasurement {
  private static final int CLAIMS = Integer.getInteger("scale.claims", 200);

  /** A claimer: its agent name, its types (JSON array or null for any). */
  private record Claimer(String label, String agent, String typesJson) {}

  private static final List<Claimer> CLAIMERS =
      List.of(
          new Claimer("any type", "x", null),
          new Claimer("types [t7]", "x", "[\"t7\"]"),
          new Claimer("types [t1,t2,t3]", "x", "[\"t1\",\"t2\",\"t3\"]"),
          new Claimer("types [none queued]", "x", "[\"nope\"]"),
          new Claimer("assigned to it, [none]", "agent3", "[\"nope\"]"));

  @Test
  void measure() throws Exception {
    long[] sizes =
        Arrays.stream(System.getProperty("scale.sizes", "1000,100000,1000000").split(","))
            .mapToLong(Long::parseLong)
            .toArray();
    Path dir = Files.createTempDirectory("claim-scale");
    for (long n : sizes) {
      Path file = dir.resolve("scale-" + n + ".db");
      try (Store store =
          StoreFactory.open(StoreSettings.sqlite(file, "FULL", Duration.ofSeconds(30)))) {
        fill(store, n, false);
        report("sqlite", n, store);
      }
    }
    if (Boolean.parseBoolean(System.getProperty("scale.pg", "true"))) {
      for (long n : sizes) {
        if (n > 100_000) {
          continue;
        }
        try (PostgresTestDatabase db = PostgresTestDatabase.create(ClaimScaleMeasurement.class);
            Store store = db.open(2)) {
          fill(store, n, true);
          store.writer().execute(tx -> tx.update("ANALYZE tasks"));
          report("postgres", n, store);
        }
      }
    }
  }

  /** n queued tasks: type t(i % 50), priority i % 10, every tenth assigned to agent(i % 100). */
  private static void fill(Store store, long n, boolean postgres) {
    long started = System.nanoTime();
    String rows =
        postgres
            ? "SELECT lpad(i::text, 12, '0'), 't' || (i % 50), '', '{}', 'queued', i % 10,"
                + " CASE WHEN i % 10 = 0 THEN 'agent' || (i % 100) END, 0, 3, 3, 0"
                + " FROM generate_series(0, ? - 1) AS i"
            : "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ? - 1)"
                + " SELECT printf('%012d', i), 't' || (i % 50), '', '{}', 'queued', i % 10,"
                + " CASE WHEN i % 10 = 0 THEN 'agent' || (i % 100) END, 0, 3, 3, 0 FROM c";
    store
        .writer()
        .execute(
            tx ->
                tx.update(
                    "INSERT INTO tasks (id, type, description, data, status, priority,"
                        + " assigned_to, run_at, max_attempts, budget, created_at) "
                        + rows,
                    n));
    System.out.printf("filled %,d queued in %d ms%n", n, (System.nanoTime() - started) / 1_000_000);
  }

  private static void report(String db, long n, Store store) {
    TaskStore tasks = new TaskStore(store.sql());
    List<Long> kept = new ArrayList<>();
    List<Long> counted = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      long s = System.nanoTime();
      store.read(tasks::countByStatus);
      kept.add((System.nanoTime() - s) / 1_000);
      s = System.nanoTime();
      store.read(tx -> tx.query("SELECT status, COUNT(*) FROM tasks GROUP BY status", rs -> 1));
      counted.add((System.nanoTime() - s) / 1_000);
    }
    kept.sort(null);
    counted.sort(null);
    System.out.printf(
        "SCALE %-8s %,9d queued  tasks by status: kept counts p50 %,7d us, COUNT(*) p50 %,9d us%n",
        db, n, kept.get(10), counted.get(10));
    TaskLeases leases = new TaskLeases(store.sql());
    for (Claimer c : CLAIMERS) {
      List<Long> micros = new ArrayList<>();
      int[] got = new int[1];
      for (int i = 0; i < CLAIMS; i++) {
        long t =
            store
                .writer()
                .execute(
                    tx -> {
                      long s = System.nanoTime();
                      List<Task> claimed =
                          leases.claim(tx, c.agent(), null, c.typesJson(), 1, 60_000, 10);
                      long took = (System.nanoTime() - s) / 1_000;
                      got[0] += claimed.size();
                      // back in the queue: every claim of a run sees the same queue
                      tx.update(
                          "UPDATE tasks SET status = 'queued', attempts = 0, lease_owner = NULL,"
                              + " lease_expires_at = NULL, lease_ms = NULL, claim_token = NULL,"
                              + " started_at = NULL WHERE status = 'running'");
                      return took;
                    });
        micros.add(t);
      }
      micros.sort(null);
      System.out.printf(
          "SCALE %-8s %,9d queued  %-24s claim of 10: p50 %,7d us  p99 %,8d us  (%d claimed)%n",
          db, n, c.label(), micros.get(CLAIMS / 2), micros.get(CLAIMS * 99 / 100), got[0]);
    }
  }
}
