package dev.coordd.daemon.http;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import java.util.List;

/**
 * Pages of tasks, newest first, through the service's {@code listTasks}. Ids are time-ordered, so
 * the cursor is the last id shown and the next page is the tasks older than it ({@link
 * TaskQuery#before}, a keyset range in the store): one query per page at any depth, and a task
 * created meanwhile does not shift later pages.
 */
final class TaskPages {
  static final String KIND = "tasks";

  private final CoordinationService service;

  TaskPages(CoordinationService service) {
    this.service = service;
  }

  Page<Task> page(TaskStatus status, String type, String assignedTo, String after, int limit) {
    // One more than the page, to know whether there is a next one.
    List<Task> fetched =
        service.listTasks(new TaskQuery(status, type, assignedTo, limit + 1, after));
    return Page.cut(fetched, Task::id, KIND, limit);
  }
}
