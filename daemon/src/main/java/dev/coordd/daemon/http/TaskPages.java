package dev.coordd.daemon.http;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import java.util.List;

/**
 * Pages of tasks, newest first, through the service's {@code listTasks} (ids are time-ordered, so
 * the cursor is the last id shown and the next page is the ids below it: a task created meanwhile
 * does not shift later pages). The service lists from the newest, so a deep page asks for more rows
 * each time, doubling up to {@link TaskQuery#MAX_LIMIT}; paging stops there with a clear error. A
 * {@code before} key in {@code TaskQuery} would lift that limit; the store owns it.
 */
final class TaskPages {
  static final String KIND = "tasks";

  private final CoordinationService service;

  TaskPages(CoordinationService service) {
    this.service = service;
  }

  Page<Task> page(TaskStatus status, String type, String assignedTo, String after, int limit) {
    int want = limit + 1;
    int ask = after == null ? want : Math.min(TaskQuery.MAX_LIMIT, want * 2);
    while (true) {
      List<Task> fetched = service.listTasks(new TaskQuery(status, type, assignedTo, ask));
      List<Task> rest =
          after == null
              ? fetched
              : fetched.stream().filter(t -> t.id().compareTo(after) < 0).limit(want).toList();
      boolean exhausted = fetched.size() < ask;
      if (rest.size() >= want || exhausted) {
        return Page.cut(rest, Task::id, KIND, limit);
      }
      if (ask == TaskQuery.MAX_LIMIT) {
        throw new InvalidRequestException(
            "cursor",
            "paging goes at most "
                + TaskQuery.MAX_LIMIT
                + " tasks deep from the newest; narrow the list with status, type or assignedTo");
      }
      ask = Math.min(TaskQuery.MAX_LIMIT, ask * 2);
    }
  }
}
