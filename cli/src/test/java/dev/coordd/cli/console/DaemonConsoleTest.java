package dev.coordd.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.impl.DumbTerminal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Drives the console through a dumb terminal on in-memory streams against a real daemon. */
@Timeout(60)
class DaemonConsoleTest {
  private static final Duration BOUND = Duration.ofSeconds(10);

  @TempDir static Path dir;
  static Daemon daemon;
  static CoordinationService service;

  @BeforeAll
  static void startDaemon() {
    daemon = Daemon.start(ConfigLoader.load(dir.resolve("home"), Map.of(), Map.of()));
    service = daemon.service();
  }

  @AfterAll
  static void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
  }

  @Test
  void statsPrintsPrettyJson() throws Exception {
    String out = session("stats\nquit\n");
    assertThat(out)
        .contains("\"knownAgents\"")
        .contains("\"coordination\"")
        .contains("\"queuedTasks\"");
    // pretty: one field a line, indented
    assertThat(out).containsPattern("\n\\s+\"knownAgents\" : \\d+");
  }

  @Test
  void tasksListsQueuedTasksByDefault() throws Exception {
    Task task = service.createTask(NewTask.of("review").withAssignedTo("alice").withPriority(7));
    String out = session("tasks\nquit\n");
    assertThat(out)
        .contains("ID")
        .contains("TYPE")
        .contains("STATUS")
        .contains("PRI")
        .contains("ASSIGNED")
        .contains("ATTEMPTS")
        .contains("AGE");
    String row = lineWith(out, task.id());
    assertThat(row)
        .contains("review")
        .contains("queued")
        .contains("7")
        .contains("alice")
        .contains("0/3");
  }

  @Test
  void tasksFiltersByStatus() throws Exception {
    service.registerAgent(AgentRegistration.of("bob"));
    Task done = service.createTask(NewTask.of("review").withAssignedTo("bob"));
    List<Task> claimed = service.claimTasks("bob", List.of(), 10, 0, null);
    assertThat(claimed).extracting(Task::id).contains(done.id());
    for (Task t : claimed) {
      JsonNode result = Json.parse("result", "{\"ok\":true}");
      service.completeTask(t.id(), "bob", t.claimToken(), result);
    }
    Task queued = service.createTask(NewTask.of("review").withAssignedTo("carol"));

    String succeeded = session("tasks succeeded\nquit\n");
    String active = session("tasks\nquit\n");
    String all = session("tasks all\nquit\n");
    assertThat(succeeded).contains(done.id()).contains("succeeded").doesNotContain(queued.id());
    assertThat(active).contains(queued.id()).doesNotContain(done.id());
    assertThat(all).contains(queued.id()).contains(done.id());
    assertThat(service.getTask(done.id()).status()).isEqualTo(TaskStatus.SUCCEEDED);
  }

  @Test
  void unknownStatusListsTheAllowedOnes() throws Exception {
    String out = session("tasks bogus\nquit\n");
    assertThat(out)
        .contains("unknown status 'bogus'")
        .contains("all, queued, running, waiting, succeeded, failed, cancelled");
  }

  @Test
  void agentsShowsTheDaemonAsActive() throws Exception {
    String out = session("agents\nquit\n");
    assertThat(out)
        .contains("NAME")
        .contains("KIND")
        .contains("STATUS")
        .contains("LAST BEAT")
        .contains("CAPABILITIES");
    String row = lineWith(out, "daemon ");
    assertThat(row).startsWith("daemon").contains("active").contains("file_operation");
    assertThat(row).containsPattern("just now|\\d+s ago");
  }

  @Test
  void helpListsAllFiveCommands() throws Exception {
    String out = session("help\nquit\n");
    for (String command : DaemonConsole.COMMANDS) {
      assertThat(out).containsPattern("(?m)^(" + DaemonConsole.PROMPT + ")?" + command + "\\b.+");
    }
  }

  @Test
  void unknownCommandGivesAHintAndEmptyLinesDoNothing() throws Exception {
    String out = session("\n   \nfrobnicate now\nquit\n");
    assertThat(out).contains("unknown command 'frobnicate'; type help");
    assertThat(out).doesNotContain("unknown command ''");
  }

  @Test
  void quitEndsRunWhileInputStaysOpen() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread thread = start(in, out, dir.resolve("quit-history"), new AtomicBoolean());
    keys.write("stats\n".getBytes(StandardCharsets.UTF_8));
    keys.flush();
    awaitOutput(out, "knownAgents");
    assertThat(thread.isAlive()).isTrue();
    keys.write("quit\n".getBytes(StandardCharsets.UTF_8));
    keys.flush();
    thread.join(BOUND);
    assertThat(thread.isAlive()).as("console still running after quit").isFalse();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("stopping the daemon");
    keys.close();
  }

  @Test
  void exitIsQuitToo() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread thread = start(in, out, dir.resolve("exit-history"), new AtomicBoolean());
    keys.write("exit\n".getBytes(StandardCharsets.UTF_8));
    keys.flush();
    thread.join(BOUND);
    assertThat(thread.isAlive()).isFalse();
    keys.close();
  }

  @Test
  void endOfInputEndsRun() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread thread = start(in, out, dir.resolve("eof-history"), new AtomicBoolean());
    keys.write("help\n".getBytes(StandardCharsets.UTF_8));
    keys.flush();
    awaitOutput(out, "this list");
    assertThat(thread.isAlive()).isTrue();
    keys.close();
    thread.join(BOUND);
    assertThat(thread.isAlive()).as("console still running after EOF").isFalse();
  }

  @Test
  void interruptEndsRunAndKeepsTheFlag() throws Exception {
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    AtomicBoolean flagAfterRun = new AtomicBoolean();
    Thread thread = start(in, out, dir.resolve("interrupt-history"), flagAfterRun);
    awaitOutput(out, DaemonConsole.PROMPT);
    Thread.sleep(100); // let it block in the read
    thread.interrupt();
    thread.join(BOUND);
    assertThat(thread.isAlive()).as("console still running after an interrupt").isFalse();
    assertThat(flagAfterRun).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain(DaemonConsole.CTRL_C_HINT);
    keys.close();
  }

  @Test
  void ctrlCOnAnEmptyLinePrintsAHintAndGoesOn() throws Exception {
    String out = session("\u0003stats\nquit\n");
    assertThat(out)
        .contains(DaemonConsole.CTRL_C_HINT)
        .contains("knownAgents")
        .contains("stopping the daemon");
  }

  @Test
  void tabCompletesCommandsAndStatuses() throws Exception {
    String out = session("sta\t\ntasks can\t\nquit\n", dir.resolve("history"), "ansi");
    assertThat(out).contains("knownAgents").contains("no cancelled tasks");
  }

  @Test
  void historyIsWrittenToTheFile() throws Exception {
    Path history = dir.resolve("histories").resolve("console_history");
    session("stats\nagents\nquit\n", history);
    assertThat(history).exists();
    assertThat(Files.readString(history)).contains("stats").contains("agents").contains("quit");

    // a new console sees it: Ctrl-P (up) twice recalls the command before the last (quit)
    String out = session("\u0010\u0010\nquit\n", history, "ansi");
    assertThat(out).contains("LAST BEAT");
  }

  @Test
  void theHistoryFileAndItsNewFolderAreOwnerOnly() throws Exception {
    Path history = dir.resolve("new-home").resolve("console_history");
    session("stats\nquit\n", history);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(history.getParent())))
        .isEqualTo("rwx------");
  }

  // --- helpers ---

  private static String session(String input) throws Exception {
    return session(input, dir.resolve("history"));
  }

  private static String session(String input, Path history) throws Exception {
    return session(input, history, Terminal.TYPE_DUMB);
  }

  /** Runs a console on the input to its end; a dumb terminal has no completion nor history keys. */
  private static String session(String input, Path history, String type) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread thread =
        start(
            new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            out,
            history,
            new AtomicBoolean(),
            type);
    thread.join(BOUND);
    assertThat(thread.isAlive()).as("console still running; output:%n%s", out).isFalse();
    return out.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
  }

  private static Thread start(
      InputStream in, ByteArrayOutputStream out, Path history, AtomicBoolean flagAfterRun)
      throws IOException {
    return start(in, out, history, flagAfterRun, Terminal.TYPE_DUMB);
  }

  private static Thread start(
      InputStream in,
      ByteArrayOutputStream out,
      Path history,
      AtomicBoolean flagAfterRun,
      String type)
      throws IOException {
    // A DumbTerminal reads its stream only when asked; an ExternalTerminal (what TerminalBuilder
    // makes of plain streams) pumps it ahead and drops what is unread once the input ends.
    Terminal terminal = new DumbTerminal("console-test", type, in, out, StandardCharsets.UTF_8);
    terminal.setSize(new Size(160, 50));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread thread =
        new Thread(
            () -> {
              try (terminal) {
                new DaemonConsole(service, terminal, history).run();
                flagAfterRun.set(Thread.currentThread().isInterrupted());
              } catch (Throwable e) {
                failure.set(e);
                e.printStackTrace();
              }
            },
            "console-under-test");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static void awaitOutput(ByteArrayOutputStream out, String text)
      throws InterruptedException {
    long until = System.nanoTime() + BOUND.toNanos();
    while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
      assertThat(System.nanoTime()).as("waiting for '%s' in:%n%s", text, out).isLessThan(until);
      Thread.sleep(10);
    }
  }

  private static String lineWith(String out, String text) {
    return out.lines()
        .filter(l -> l.contains(text))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line with '" + text + "' in:\n" + out));
  }
}
