package dev.coordd.daemon.engine;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Callers blocked until a task finishes (request–response). Whoever makes a task terminal calls
 * {@link #finished(String)} after the commit. Thread-safe.
 */
public final class TaskWaiters {
  private final Map<String, List<CompletableFuture<Void>>> waiting = new ConcurrentHashMap<>();

  /** Register before reading the task, so a finish between the read and the wait is not missed. */
  public CompletableFuture<Void> register(String taskId) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    // add inside compute: an unregister racing with us must not drop the list we add to
    waiting.compute(
        taskId,
        (k, list) -> {
          List<CompletableFuture<Void>> l = list == null ? new CopyOnWriteArrayList<>() : list;
          l.add(f);
          return l;
        });
    return f;
  }

  public void unregister(String taskId, CompletableFuture<Void> f) {
    waiting.computeIfPresent(
        taskId,
        (k, list) -> {
          list.remove(f);
          return list.isEmpty() ? null : list;
        });
  }

  public void finished(String taskId) {
    List<CompletableFuture<Void>> list = waiting.remove(taskId);
    if (list != null) {
      list.forEach(f -> f.complete(null));
    }
  }

  /** Wakes everyone, e.g. at shutdown, so no caller waits on a daemon that is gone. */
  public void releaseAll() {
    waiting.keySet().forEach(this::finished);
  }
}
