package dev.coordd.cli.dashboard;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Task;
import java.util.List;

/** A daemon's worth of everything the dashboard shows, made through the service, for pictures. */
final class DashboardScenery {
  private DashboardScenery() {}

  static void populate(CoordinationService service) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    service.registerAgent(
        new AgentRegistration("reviewer@1a2b3c", "claude-code", List.of("review"), null));
    service.registerAgent(new AgentRegistration("builder", "worker", List.of("build"), null));
    for (int i = 0; i < 14; i++) {
      ObjectNode data =
          json.objectNode().put("file", "src/Parser" + i + ".java").put("line", i * 7);
      service.createTask(
          NewTask.of(i % 3 == 0 ? "build" : "review")
              .withDescription("check Parser" + i + " for off-by-one errors")
              .withData(data));
    }
    List<Task> claimed = service.claimTasks("reviewer@1a2b3c", List.of("review"), 5, 0, null);
    for (int i = 0; i < claimed.size(); i++) {
      Task t = claimed.get(i);
      if (i < 3) {
        service.completeTask(
            t.id(), "reviewer@1a2b3c", t.claimToken(), json.objectNode().put("verdict", "fine"));
      } else if (i == 3) {
        service.failTask(t.id(), "reviewer@1a2b3c", t.claimToken(), "compiler crashed: exit 137");
      }
    }
    service.claimTasks("builder", List.of("build"), 1, 0, null);
    service.acquireLock("src/parser/**", "builder", 600_000, false, 0);
    service.acquireLock("docs/README.md", "reviewer@1a2b3c", 60_000, true, 0);
    service.addSchedule(
        new ScheduleSpec(
            "nightly-build",
            "0 3 * * *",
            null,
            null,
            NewTask.of("build").withDescription("nightly"),
            null));
    service.addSchedule(
        new ScheduleSpec("tidy", null, 3_600_000L, null, NewTask.of("review"), null));
    for (int i = 0; i < 4; i++) {
      service.publish("build.done", json.objectNode().put("n", i), "builder");
    }
    service.pauseQueue("build");
  }
}
