package dev.coordd.cli.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.coordd.api.Agent;
import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.fs.PrivateFiles;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.AggregateCompleter;
import org.jline.reader.impl.completer.ArgumentCompleter;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;

/**
 * The interactive console of a foreground daemon: {@code stats}, {@code tasks [all|STATUS]}, {@code
 * agents}, {@code help} and {@code quit}, with persistent history and tab completion.
 *
 * <p>{@link #run()} reads commands on the calling thread until {@code quit}/{@code exit}, end of
 * input (Ctrl-D) or an interrupt of that thread, then returns; the caller then stops the daemon.
 * Ctrl-C only prints a hint: while the console runs, the terminal's signal keys are read as keys
 * ({@code ISIG} off), so that Ctrl-C cannot be mistaken for an interrupt of the thread. Errors of
 * the service are printed and the console goes on.
 */
public final class DaemonConsole {
  /** The command words, as {@code help} lists them. */
  public static final List<String> COMMANDS = List.of("stats", "tasks", "agents", "help", "quit");

  /** How many tasks {@code tasks} shows at most. */
  public static final int TASK_LIMIT = 20;

  static final String PROMPT = "coordd> ";
  static final String CTRL_C_HINT = "type quit to stop the daemon";
  private static final String INTERRUPT_WIDGET = "coordd-ctrl-c";
  private static final List<TaskStatus> ACTIVE =
      List.of(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.WAITING);

  private final CoordinationService service;
  private final Terminal terminal;
  private final Path historyFile;
  private final InstantSource clock;
  private PrintWriter out;

  /** Set by the Ctrl-C key widget, so that an interrupt of the thread tells itself apart. */
  private boolean ctrlC;

  public DaemonConsole(CoordinationService service, Terminal terminal, Path historyFile) {
    this(service, terminal, historyFile, InstantSource.system());
  }

  DaemonConsole(
      CoordinationService service, Terminal terminal, Path historyFile, InstantSource clock) {
    this.service = Objects.requireNonNull(service, "service");
    this.terminal = Objects.requireNonNull(terminal, "terminal");
    this.historyFile = Objects.requireNonNull(historyFile, "historyFile");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Reads and runs commands until {@code quit}/{@code exit}, end of input or an interrupt; an
   * interrupt is passed on (the thread's interrupt flag is set again when this returns).
   */
  public void run() {
    out = terminal.writer();
    LineReader reader = newReader();
    Attributes saved = terminal.getAttributes();
    Attributes keysAsKeys = new Attributes(saved);
    keysAsKeys.setLocalFlag(Attributes.LocalFlag.ISIG, false);
    terminal.setAttributes(keysAsKeys);
    boolean interrupted = false;
    try {
      out.println("coordd console: type help for the commands, quit to stop the daemon");
      out.flush();
      while (true) {
        if (Thread.interrupted()) {
          interrupted = true;
          break;
        }
        String line;
        ctrlC = false;
        try {
          line = reader.readLine(PROMPT);
        } catch (UserInterruptException e) {
          if (!ctrlC) { // not the key: the thread was interrupted while it waited for input
            interrupted = true;
            break;
          }
          String partial = e.getPartialLine();
          if (partial == null || partial.isBlank()) {
            say(CTRL_C_HINT);
          }
          continue;
        } catch (EndOfFileException e) {
          break;
        }
        if (!execute(line)) {
          break;
        }
      }
    } finally {
      terminal.setAttributes(saved);
      try {
        reader.getHistory().save();
      } catch (IOException | RuntimeException e) {
        say("cannot save the history to " + historyFile + ": " + e.getMessage());
      }
      out.flush();
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private LineReader newReader() {
    Path parent = historyFile.toAbsolutePath().getParent();
    try {
      if (parent != null && !Files.isDirectory(parent)) {
        PrivateFiles.ensureDirectory(parent);
      }
      // JLine appends to the file with the umask's mode: it is created 0600 first.
      PrivateFiles.ensureFile(historyFile);
    } catch (IOException e) {
      say("cannot create the history file " + historyFile + ": " + e.getMessage());
    }
    LineReader reader =
        LineReaderBuilder.builder()
            .terminal(terminal)
            .appName("coordd")
            .completer(completer())
            .variable(LineReader.HISTORY_FILE, historyFile)
            .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
            .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
            .build();
    reader
        .getWidgets()
        .put(
            INTERRUPT_WIDGET,
            () -> {
              ctrlC = true;
              throw new UserInterruptException(reader.getBuffer().toString());
            });
    // MAIN is EMACS, or on a dumb terminal (no completion, no history keys) the DUMB map
    for (String map :
        List.of(LineReader.MAIN, LineReader.EMACS, LineReader.VIINS, LineReader.VICMD)) {
      KeyMap<Binding> keys = reader.getKeyMaps().get(map);
      if (keys != null) {
        keys.bind(new Reference(INTERRUPT_WIDGET), KeyMap.ctrl('C'));
      }
    }
    return reader;
  }

  /** Completes the command words, and {@code all} or a status after {@code tasks}. */
  static Completer completer() {
    List<String> statuses = new ArrayList<>();
    statuses.add("all");
    Arrays.stream(TaskStatus.values()).map(TaskStatus::wire).forEach(statuses::add);
    return new AggregateCompleter(
        new ArgumentCompleter(
            new StringsCompleter("tasks"), new StringsCompleter(statuses), NullCompleter.INSTANCE),
        new ArgumentCompleter(
            new StringsCompleter("stats", "agents", "help", "quit", "exit"),
            NullCompleter.INSTANCE));
  }

  /** Runs one command line; false when the console should stop. */
  boolean execute(String line) {
    String[] words = line.trim().split("\\s+");
    if (words[0].isEmpty()) {
      return true;
    }
    String command = words[0].toLowerCase(Locale.ROOT);
    List<String> args = Arrays.asList(words).subList(1, words.length);
    try {
      switch (command) {
        case "quit", "exit" -> {
          say("stopping the daemon…");
          return false;
        }
        case "stats" -> stats();
        case "tasks" -> tasks(args);
        case "agents" -> agents();
        case "help", "?" -> help();
        default -> say("unknown command '" + words[0] + "'; type help");
      }
    } catch (CoorddException e) {
      say("error: " + e.getMessage());
    } catch (RuntimeException e) { // a bug must not take the console, and so the daemon, down
      say("error: " + e);
    }
    return true;
  }

  private void stats() {
    try {
      say(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(service.stats()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the stats as JSON", e);
    }
  }

  private void tasks(List<String> args) {
    if (args.size() > 1) {
      say("usage: tasks [all|STATUS]; statuses: " + TaskStatus.allowed());
      return;
    }
    String filter = args.isEmpty() ? null : args.get(0).toLowerCase(Locale.ROOT);
    List<Task> tasks;
    String what;
    if (filter == null) {
      tasks =
          ACTIVE.stream()
              .flatMap(s -> service.listTasks(new TaskQuery(s, null, null, TASK_LIMIT)).stream())
              .sorted(Comparator.comparingLong(Task::createdAt).thenComparing(Task::id).reversed())
              .limit(TASK_LIMIT)
              .toList();
      what = "queued, running or waiting tasks";
    } else if (filter.equals("all")) {
      tasks = service.listTasks(new TaskQuery(null, null, null, TASK_LIMIT));
      what = "tasks";
    } else {
      TaskStatus status =
          Stream.of(TaskStatus.values())
              .filter(s -> s.wire().equals(filter))
              .findFirst()
              .orElse(null);
      if (status == null) {
        say("unknown status '" + args.get(0) + "'; allowed: all, " + TaskStatus.allowed());
        return;
      }
      tasks = service.listTasks(new TaskQuery(status, null, null, TASK_LIMIT));
      what = status.wire() + " tasks";
    }
    if (tasks.isEmpty()) {
      say("no " + what + (filter == null ? " (tasks all shows every task)" : ""));
      return;
    }
    long now = clock.millis();
    List<List<String>> rows =
        tasks.stream()
            .map(
                t ->
                    List.of(
                        t.id(),
                        t.type(),
                        t.status().wire(),
                        Integer.toString(t.priority()),
                        t.assignedTo() == null ? "-" : t.assignedTo(),
                        t.attempts() + "/" + t.maxAttempts(),
                        Tables.ago(t.createdAt(), now)))
            .toList();
    out.print(
        Tables.render(List.of("ID", "TYPE", "STATUS", "PRI", "ASSIGNED", "ATTEMPTS", "AGE"), rows));
    if (tasks.size() == TASK_LIMIT) {
      say("(the newest " + TASK_LIMIT + " " + what + ")");
    }
    out.flush();
  }

  private void agents() {
    List<Agent> agents = service.listAgents();
    if (agents.isEmpty()) {
      say("no agents");
      return;
    }
    long now = clock.millis();
    List<List<String>> rows =
        agents.stream()
            .map(
                a ->
                    List.of(
                        a.name(),
                        a.kind() == null ? "-" : a.kind(),
                        a.status() == null ? "-" : a.status().wire(),
                        Tables.ago(a.lastHeartbeat(), now),
                        a.capabilities() == null || a.capabilities().isEmpty()
                            ? "-"
                            : String.join(", ", a.capabilities())))
            .toList();
    out.print(Tables.render(List.of("NAME", "KIND", "STATUS", "LAST BEAT", "CAPABILITIES"), rows));
    out.flush();
  }

  private void help() {
    say(
        Stream.of(
                "stats            daemon, agent and task counts as JSON",
                "tasks [STATUS]   the newest "
                    + TASK_LIMIT
                    + " queued, running and waiting tasks; 'tasks all' or a status filters",
                "agents           known agents, their status and last heartbeat",
                "help             this list",
                "quit             stop the daemon gracefully (also exit or Ctrl-D)")
            .collect(Collectors.joining("\n")));
  }

  private void say(String text) {
    out.println(text);
    out.flush();
  }
}
