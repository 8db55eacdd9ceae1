package dev.coordd.daemon.notify;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One caller's wait for one task to finish. Made by {@link Notifier#awaitTask} before the caller
 * reads the task, so a finish between the read and the wait is not missed; close it when done.
 * Thread-safe.
 */
public final class TaskWait implements AutoCloseable {
  private final String taskId;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final Consumer<TaskWait> onClose;

  TaskWait(String taskId, Consumer<TaskWait> onClose) {
    this.taskId = taskId;
    this.onClose = onClose;
  }

  public String taskId() {
    return taskId;
  }

  /** True if the task finished (or the notifier closed) within {@code nanos}. */
  public boolean await(long nanos) throws InterruptedException {
    try {
      done.get(nanos, TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e); // never completed exceptionally
    }
  }

  void release() {
    done.complete(null);
  }

  @Override
  public void close() {
    onClose.accept(this);
  }
}
