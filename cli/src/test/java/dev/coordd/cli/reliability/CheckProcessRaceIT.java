package dev.coordd.cli.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.Invocation;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.Launcher;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight AI sessions run {@code coordd check process ID} on the same invocation at once, each as its
 * own {@code bin/coordd} process: the atomic rename lets exactly one take it, and every other one
 * is told who has it.
 */
@Tag("reliability")
class CheckProcessRaceIT {
  static final int RACERS = 8;
  // One round: eight JVMs cost ~15 s on a small machine; the race is the same in every round.
  static final int ROUNDS = 1;

  @TempDir Path dir;
  final Launcher launcher = new Launcher();

  record Run(String agent, int exit, String out, String err) {}

  @AfterEach
  void killLeftovers() throws InterruptedException {
    launcher.close();
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void of_eight_processes_racing_check_process_exactly_one_wins() throws Exception {
    Path home = dir.resolve("home");
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      for (int round = 0; round < ROUNDS; round++) {
        Task task =
            daemon
                .service()
                .createTask(
                    NewTask.of("invoke_agent")
                        .withData(
                            Json.read(
                                "{\"agentType\":\"claude_code\",\"command\":\"race "
                                    + round
                                    + "\"}")));
        Invocation inv = awaitInvocation(daemon, task.id());

        List<Process> racers = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
          racers.add(start(home, "check", "process", inv.id(), "--agent", "session-" + i));
        }
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
          runs.add(finish("session-" + i, racers.get(i)));
        }

        List<Run> winners = runs.stream().filter(r -> r.exit() == 0).toList();
        assertThat(winners).as("winners of round %d: %s", round, runs).hasSize(1);
        String winner = winners.get(0).agent();
        assertThat(winners.get(0).out()).contains("is yours, " + winner);
        for (Run r : runs) {
          if (r != winners.get(0)) {
            assertThat(r.exit()).as("loser %s: %s", r.agent(), r.err()).isEqualTo(1);
            assertThat(r.err())
                .as("loser %s is told who has it", r.agent())
                .containsAnyOf("already being processed by " + winner, "by another session");
          }
        }

        // The one take is whole: the winner completes it and the waiting task gets the result.
        CliRun.Result done =
            CliRun.inHome(
                home, "check", "complete", inv.id(), "--result", "{\"by\":\"" + winner + "\"}");
        assertThat(done.exit()).as(done.err()).isZero();
        Task finished = daemon.service().awaitTask(task.id(), 20_000);
        assertThat(finished.status()).isEqualTo(TaskStatus.SUCCEEDED);
        assertThat(finished.result().get("by").asText()).isEqualTo(winner);
      }
    }
  }

  private static Invocation awaitInvocation(Daemon daemon, String taskId) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < until) {
      for (Invocation i : daemon.service().listInvocations()) {
        if (i.taskId().equals(taskId)) {
          return i;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("no pending invocation for task " + taskId + " within 20 s");
  }

  private Process start(Path home, String... args) throws Exception {
    return launcher.start(home, args);
  }

  private static Run finish(String agent, Process p) throws Exception {
    Launcher.Run r = Launcher.finish(p);
    return new Run(agent, r.exit(), r.out(), r.err());
  }
}
