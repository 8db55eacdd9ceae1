package dev.coordd.daemon.store;

import dev.coordd.api.Task;

/**
 * The caller's test that a worker still holds a task it completes or renews (the right owner, the
 * right claim token, still running), run inside the writer's transaction on the task as it is
 * there. It throws the error its caller gets; the operation then changes nothing.
 */
@FunctionalInterface
public interface HoldCheck {
  /**
   * @param current the task as the transaction sees it; null when no task has the id
   */
  void check(Task current);
}
