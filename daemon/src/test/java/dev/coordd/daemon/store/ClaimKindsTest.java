package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.SettableClock;
import dev.coordd.daemon.config.ConfigLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The claim takes the best of several index ranges (V11: assigned to the agent, to its role,
 * unassigned of any type, unassigned of each listed type): whatever range a task comes from, a
 * claim hands out the highest priorities first, then the oldest, never more than asked, and never a
 * task it may not take. On the store a subclass names.
 */
abstract class ClaimKindsTest {
  @TempDir Path dir;
  final SettableClock clock = SettableClock.atSomeMoment();
  Daemon daemon;

  abstract StoreSettings storeSettings(Path dir);

  void start() {
    var config = ConfigLoader.load(dir.resolve("home"), Map.of(), Map.of("pollInterval", "1h"));
    daemon = Daemon.start(config, clock, storeSettings(dir));
    daemon
        .service()
        .registerAgent(
            new AgentRegistration("w", "worker", List.of("work", "build", "other"), null));
  }

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void a_claim_takes_the_best_tasks_of_every_kind_it_may_take_in_claim_order() {
    start();
    var svc = daemon.service();
    Task mine = svc.createTask(NewTask.of("other").withAssignedTo("rev@1").withPriority(1));
    Task role = svc.createTask(NewTask.of("other").withAssignedTo("rev").withPriority(4));
    Task work = svc.createTask(NewTask.of("work").withPriority(5));
    Task build = svc.createTask(NewTask.of("build").withPriority(3));
    Task work2 = svc.createTask(NewTask.of("work").withPriority(3));
    svc.createTask(NewTask.of("other").withPriority(9)); // a type it does not list
    svc.createTask(NewTask.of("work").withAssignedTo("someone-else").withPriority(9));

    List<Task> first = svc.claimTasks("rev@1", List.of("work", "build"), 3, 0, null);
    assertThat(first).extracting(Task::id).containsExactly(work.id(), role.id(), build.id());
    List<Task> rest = svc.claimTasks("rev@1", List.of("work", "build"), 10, 0, null);
    assertThat(rest).extracting(Task::id).containsExactly(work2.id(), mine.id());

    // any type: the unassigned task of a type nobody listed, not the one assigned elsewhere
    List<Task> any = svc.claimTasks("rev@1", List.of(), 10, 0, null);
    assertThat(any).extracting(Task::type).containsExactly("other");
  }

  @Test
  void a_paused_type_is_left_in_the_queue_by_claims_of_any_type_and_of_listed_types() {
    start();
    var svc = daemon.service();
    Task held = svc.createTask(NewTask.of("build").withPriority(9));
    Task open = svc.createTask(NewTask.of("work").withPriority(1));
    svc.pauseQueue("build");
    assertThat(svc.claimTasks("w", List.of("work", "build"), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(open.id());
    assertThat(svc.claimTasks("w", List.of(), 10, 0, null)).isEmpty();
    svc.resumeQueue("build");
    assertThat(svc.claimTasks("w", List.of(), 10, 0, null))
        .extracting(Task::id)
        .containsExactly(held.id());
  }
}
