package dev.coordd.daemon.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Killing a process with everything it started: a script's children would otherwise outlive it and
 * keep working.
 */
public final class ProcessTree {
  /** How often a kill checks whether the tree has exited during the grace period. */
  private static final Duration KILL_POLL = Duration.ofMillis(20);

  private ProcessTree() {}

  /**
   * SIGTERM to the process and every descendant, SIGKILL to whatever is left after {@code grace}.
   * The tree is snapshotted before anything is killed because once a parent dies its children are
   * re-parented and no longer show up as its descendants. Keeps the thread's interrupt status; an
   * interrupt cuts the grace short but the killing goes on.
   */
  public static void kill(ProcessHandle root, Duration grace) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    tree.forEach(ProcessHandle::destroy);
    boolean interrupted = awaitAll(tree, grace);
    Set<ProcessHandle> survivors = new LinkedHashSet<>();
    for (ProcessHandle handle : tree) {
      if (!exited(handle)) {
        handle.descendants().forEach(survivors::add); // Forked during the grace period.
        survivors.add(handle);
      }
    }
    survivors.forEach(ProcessHandle::destroyForcibly);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Whether a process has exited. Not {@code isAlive}: an orphan that has exited stays "alive" as a
   * zombie until init reaps it (which can take a second or more), and the JDK's {@code onExit} of a
   * process that is not our child waits for that reaping too. A zombie has closed its pipes and
   * needs no signal, so on Linux its state in {@code /proc} counts as exited.
   */
  static boolean exited(ProcessHandle handle) {
    if (handle.onExit().isDone()) {
      return true;
    }
    try {
      // "pid (comm) S ...": comm may hold spaces and parentheses, so look after the last ')'.
      String stat = Files.readString(Path.of("/proc", Long.toString(handle.pid()), "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
    } catch (NoSuchFileException e) {
      return Files.isDirectory(Path.of("/proc/self")); // gone from a working /proc: reaped
    } catch (IOException | RuntimeException e) {
      return false; // no /proc: trust onExit alone
    }
  }

  /** Returns whether the wait was interrupted, which cuts the grace short. */
  private static boolean awaitAll(List<ProcessHandle> handles, Duration grace) {
    long deadline = System.nanoTime() + Nanos.saturated(grace);
    while (true) {
      if (handles.stream().allMatch(ProcessTree::exited)) {
        return false;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(left, KILL_POLL.toNanos())));
      } catch (InterruptedException e) {
        return true;
      }
    }
  }
}
