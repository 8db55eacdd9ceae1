package dev.coordd.daemon.http;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
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
    List<Task> fetched;
    try {
      fetched = service.listTasks(new TaskQuery(status, type, assignedTo, limit + 1, after));
    } catch (InvalidRequestException e) {
      if (!"before".equals(e.field())) {
        throw e;
      }
      // A crafted cursor whose key is no task id: the client sent a cursor, so name that.
      throw new InvalidRequestException(
          "cursor",
          "cursor is not one this list gave out; pass the 'next' of the previous page as it is, or"
              + " leave cursor out for the first page");
    }
    return Page.cut(fetched, Task::id, KIND, limit);
  }
}
