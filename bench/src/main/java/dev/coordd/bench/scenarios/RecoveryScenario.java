package dev.coordd.bench.scenarios;

import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.bench.BenchContext;
import dev.coordd.bench.DaemonProcess;
import dev.coordd.bench.Figures;
import dev.coordd.bench.StoreKind;
import dev.coordd.bench.StoreTarget;
import dev.coordd.bench.daemon.BenchDaemon;
import dev.coordd.bench.peers.CoorddSystem;
import dev.coordd.client.CoorddClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * kill -9 of a daemon whose handlers are running tasks, then a new daemon on the same home and
 * store: the time from the kill until it answers, and until every task has started again.
 */
public final class RecoveryScenario {
  private RecoveryScenario() {}

  public static void run(BenchContext ctx, StoreKind kind) throws Exception {
    int n = ctx.options.recoveryTasks;
    ctx.results.note(
        "recovery",
        n
            + " tasks running at SIGKILL; restart_ms: kill -> new daemon answers;"
            + " rerun_ms: kill -> last task started again");
    CoorddSystem coordd = ctx.coordd();
    for (int round = 0; round < ctx.rounds(); round++) {
      ctx.progress.show("recovery " + kind.label() + " " + ctx.roundLabel(round));
      Path dir = ctx.folder("recovery");
      try (StoreTarget store = ctx.store(kind, dir, "recovery")) {
        List<String> ids = new ArrayList<>();
        long killed;
        try (DaemonProcess first = coordd.start(store, dir, 1);
            CoorddClient c = first.connect()) {
          for (int i = 0; i < n; i++) {
            ids.add(c.createTask(NewTask.of(BenchDaemon.RECOVER)).id());
          }
          long deadline = System.nanoTime() + 60_000_000_000L;
          while (!allRunning(c, ids)) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("the recovery tasks did not all start within 60 s");
            }
            Thread.sleep(20);
          }
          first.kill9();
          killed = System.nanoTime();
        }
        try (DaemonProcess second = coordd.start(store, dir, 2);
            CoorddClient c = second.connect()) {
          long ready = System.nanoTime();
          long last = 0;
          for (String id : ids) {
            Task t = c.awaitTask(id, 120_000);
            if (t.result() == null || !t.result().has(BenchDaemon.START_NANOS)) {
              throw new IllegalStateException(
                  "task " + id + " did not run again after the kill: " + t.status());
            }
            last = Math.max(last, t.result().get(BenchDaemon.START_NANOS).asLong());
          }
          if (ctx.measured(round)) {
            ctx.results.add(
                "recovery", kind, "coordd", "restart_ms", false, Figures.millis(ready - killed));
            ctx.results.add(
                "recovery", kind, "coordd", "rerun_ms", false, Figures.millis(last - killed));
          }
        }
      }
    }
  }

  private static boolean allRunning(CoorddClient c, List<String> ids) {
    for (String id : ids) {
      if (c.getTask(id).status() != TaskStatus.RUNNING) {
        return false;
      }
    }
    return true;
  }
}
