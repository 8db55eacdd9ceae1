package dev.coordd.daemon.process;

import static dev.coordd.daemon.process.ProcessRunnerTest.assertAllGone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void killLeftovers() {
    started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    started.forEach(Process::destroyForcibly);
  }

  @Test
  void kill_ends_the_root_and_every_descendant() throws Exception {
    List<ProcessHandle> tree = startTree("");

    ProcessTree.kill(tree.get(tree.size() - 1), Duration.ofSeconds(2));

    assertAllGone(tree);
  }

  @Test
  void a_tree_that_ignores_sigterm_gets_sigkill_after_the_grace() throws Exception {
    List<ProcessHandle> tree = startTree("trap '' TERM;");
    long before = System.nanoTime();

    ProcessTree.kill(tree.get(tree.size() - 1), Duration.ofMillis(300));

    assertThat(Duration.ofNanos(System.nanoTime() - before))
        .as("it waited out the grace")
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertAllGone(tree);
  }

  @Test
  void an_interrupt_cuts_the_grace_short_but_the_kill_goes_on() throws Exception {
    List<ProcessHandle> tree = startTree("trap '' TERM;");
    Thread.currentThread().interrupt();
    long before = System.nanoTime();

    try {
      ProcessTree.kill(tree.get(tree.size() - 1), Duration.ofSeconds(30));

      assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
    assertAllGone(tree);
  }

  /** A shell waiting on a background and a foreground sleep: the two children, then the shell. */
  private List<ProcessHandle> startTree(String prelude) throws Exception {
    Process shell =
        new ProcessBuilder("/bin/sh", "-c", prelude + " sleep 1000 & sleep 1000; exit 0").start();
    started.add(shell);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      List<ProcessHandle> tree = new ArrayList<>(shell.descendants().toList());
      if (tree.size() >= 2) {
        tree.add(shell.toHandle());
        return tree;
      }
      Thread.sleep(10);
    }
    return fail("the process tree did not start");
  }
}
