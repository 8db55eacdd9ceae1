package dev.coordd.api;

/**
 * The outcome of one item of a batch call ({@link CoordinationService#createTasks}, {@link
 * CoordinationService#completeTasks}), at the same position as the item: the task, or the error
 * this item alone ran into. One item's error never undoes or stops the others.
 */
public record BatchItem(Task task, BatchError error) {

  public static BatchItem of(Task task) {
    return new BatchItem(task, null);
  }

  public static BatchItem failed(CoorddException e) {
    return new BatchItem(null, BatchError.of(e));
  }

  /** True when this item was carried out. */
  public boolean succeeded() {
    return error == null;
  }

  /** The task, or the item's error thrown as its exception. */
  public Task orThrow() {
    if (error != null) {
      throw error.toException();
    }
    return task;
  }
}
