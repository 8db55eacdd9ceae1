package dev.coordd.daemon.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.CoordinationService;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.api.TaskStatus;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file drop against a real daemon on a temp home. */
class InboxTest {
  @TempDir Path dir;
  Path home;
  Path inboxDir;
  Daemon daemon;
  CoordinationService svc;
  Inbox inbox;

  @BeforeEach
  void startDaemon() {
    home = dir.resolve("home");
    // The daemon watches the inbox of its own home; the Inbox under test gets a folder of its
    // own so that only the test's scans and watcher touch it.
    daemon = Daemon.start(ConfigLoader.load(dir.resolve("daemon-home"), Map.of(), Map.of()));
    svc = daemon.service();
    inbox = new Inbox(home, svc);
    inboxDir = home.resolve("inbox");
  }

  @AfterEach
  void stop() {
    inbox.close();
    daemon.close();
  }

  /** Writes a file the way the protocol says: a temp name, then a rename to the final one. */
  private Path put(String name, String content) throws IOException {
    Files.createDirectories(inboxDir);
    Path tmp = Files.writeString(inboxDir.resolve("." + name + ".tmp"), content);
    return Files.move(tmp, inboxDir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  private static List<String> names(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private List<Task> tasks() {
    return svc.listTasks(TaskQuery.all());
  }

  private String error(String name) throws IOException {
    return Files.readString(inboxDir.resolve("rejected").resolve(name + ".error"));
  }

  @Test
  void a_dropped_valid_file_becomes_a_task_and_moves_to_done() throws IOException {
    put(
        "review-1.json",
        """
        {"type": "review", "assignedTo": "alice", "description": "look at PR 42",
         "data": {"pr": 42}, "priority": 5, "maxAttempts": 2, "delay": "1m",
         "timeout": "30s", "createdBy": "script"}
        """);

    assertThat(inbox.scanOnce()).isEqualTo(1);

    assertThat(names(inboxDir)).containsExactlyInAnyOrder("done", "rejected");
    assertThat(names(inboxDir.resolve("done"))).containsExactly("review-1.json");
    assertThat(names(inboxDir.resolve("rejected"))).isEmpty();
    assertThat(tasks())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.type()).isEqualTo("review");
              assertThat(t.status()).isEqualTo(TaskStatus.QUEUED);
              assertThat(t.assignedTo()).isEqualTo("alice");
              assertThat(t.description()).isEqualTo("look at PR 42");
              assertThat(t.data()).isEqualTo(Json.read("{\"pr\": 42}"));
              assertThat(t.priority()).isEqualTo(5);
              assertThat(t.maxAttempts()).isEqualTo(2);
              assertThat(t.runAt() - t.createdAt()).isEqualTo(60_000);
              assertThat(t.timeoutMs()).isEqualTo(30_000L);
              assertThat(t.createdBy()).isEqualTo("script");
              assertThat(t.idempotencyKey())
                  .as("defaults to the file name")
                  .isEqualTo("inbox:review-1.json");
            });
  }

  @Test
  void a_file_with_a_type_nobody_runs_is_rejected_with_an_error_file_that_explains()
      throws IOException {
    put("mystery.json", "{\"type\": \"mystery\"}");

    assertThat(inbox.scanOnce()).isEqualTo(1);

    assertThat(names(inboxDir.resolve("rejected")))
        .containsExactly("mystery.json", "mystery.json.error");
    assertThat(error("mystery.json"))
        .startsWith("Rejected mystery.json: ")
        .contains("no handler for task type 'mystery'", "assignedTo")
        .doesNotContain("\n\n");
    assertThat(names(inboxDir.resolve("done"))).isEmpty();
    assertThat(tasks()).isEmpty();
  }

  @Test
  void malformed_json_is_rejected_with_line_and_column() throws IOException {
    put("broken.json", "{\n  \"type\": \"review\",,\n  \"assignedTo\": \"alice\"\n}\n");

    assertThat(inbox.scanOnce()).isEqualTo(1);

    assertThat(error("broken.json")).contains("not valid JSON at line 2, column ");
    assertThat(tasks()).isEmpty();
  }

  @Test
  void an_unknown_field_is_rejected_naming_it() throws IOException {
    put("typo.json", "{\"type\": \"review\", \"assignedTo\": \"alice\", \"asignee\": \"bob\"}");

    assertThat(inbox.scanOnce()).isEqualTo(1);

    assertThat(error("typo.json"))
        .contains("asignee is not a known field; allowed: type", "assignedTo");
    assertThat(tasks()).isEmpty();
  }

  @Test
  void a_file_over_two_mebibytes_is_rejected() throws IOException {
    String big =
        "{\"type\": \"review\", \"assignedTo\": \"alice\", \"description\": \""
            + "x".repeat(2 * 1024 * 1024)
            + "\"}";
    put("big.json", big);

    assertThat(inbox.scanOnce()).isEqualTo(1);

    assertThat(error("big.json")).contains("the limit for an inbox file is 2097152 bytes");
    assertThat(tasks()).isEmpty();
  }

  @Test
  void temp_names_dotfiles_and_other_extensions_are_ignored() throws IOException {
    Files.createDirectories(inboxDir);
    String task = "{\"type\": \"review\", \"assignedTo\": \"alice\"}";
    for (String name : List.of(".abc.tmp", "x.json.tmp", ".hidden.json", "notes.txt", "x.JSON")) {
      Files.writeString(inboxDir.resolve(name), task);
    }

    assertThat(inbox.scanOnce()).isZero();

    assertThat(names(inboxDir))
        .containsExactlyInAnyOrder(
            ".abc.tmp", "x.json.tmp", ".hidden.json", "notes.txt", "x.JSON", "done", "rejected");
    assertThat(tasks()).isEmpty();
  }

  @Test
  void a_half_written_file_is_left_for_later_and_rejected_once_it_stays_broken()
      throws IOException {
    // A writer that ignored the rename protocol and is still busy.
    Files.createDirectories(inboxDir);
    Path file = Files.writeString(inboxDir.resolve("slow.json"), "{\"type\": \"rev");

    assertThat(inbox.scanOnce()).isZero();
    assertThat(file).exists();

    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
    assertThat(inbox.scanOnce()).isEqualTo(1);
    assertThat(error("slow.json")).contains("not valid JSON");
  }

  @Test
  void files_present_before_start_are_ingested_at_start() throws IOException {
    put("b.json", "{\"type\": \"review\", \"assignedTo\": \"alice\", \"description\": \"b\"}");
    put("a.json", "{\"type\": \"review\", \"assignedTo\": \"alice\", \"description\": \"a\"}");

    inbox.start();

    assertThat(names(inboxDir.resolve("done"))).containsExactly("a.json", "b.json");
    assertThat(tasks()).extracting(Task::description).containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void a_file_renamed_in_while_running_is_picked_up_by_the_watcher() throws Exception {
    // An hour between safety-net rescans: only the watcher can find the file in time.
    inbox = new Inbox(home, svc, Duration.ofHours(1));
    inbox.start();

    put("late.json", "{\"type\": \"review\", \"assignedTo\": \"alice\"}");

    Path done = inboxDir.resolve("done").resolve("late.json");
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(done) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(done).exists();
    assertThat(tasks())
        .singleElement()
        .satisfies(t -> assertThat(t.idempotencyKey()).isEqualTo("inbox:late.json"));
  }

  @Test
  void seeing_an_ingested_file_again_does_not_create_a_second_task() throws IOException {
    put("once.json", "{\"type\": \"review\", \"assignedTo\": \"alice\"}");
    assertThat(inbox.scanOnce()).isEqualTo(1);
    String id = tasks().get(0).id();

    // As after a crash between the create and the move: the same file in the inbox again.
    Files.copy(inboxDir.resolve("done").resolve("once.json"), inboxDir.resolve("once.json"));
    assertThat(inbox.scanOnce()).isEqualTo(1);

    assertThat(tasks()).extracting(Task::id).containsExactly(id);
    assertThat(names(inboxDir.resolve("done"))).containsExactly("once-1.json", "once.json");
  }

  @Test
  void a_file_stays_in_the_inbox_while_the_store_is_unavailable() throws IOException {
    put("wait.json", "{\"type\": \"review\", \"assignedTo\": \"alice\"}");
    daemon.close();

    assertThat(inbox.scanOnce()).isZero();

    assertThat(inboxDir.resolve("wait.json")).exists();
    assertThat(names(inboxDir.resolve("rejected"))).isEmpty();
  }

  @Test
  void drop_writes_a_file_that_a_scan_ingests_with_all_fields_intact() throws IOException {
    NewTask request =
        NewTask.of("review")
            .withAssignedTo("alice")
            .withDescription("look at PR 42")
            .withData(Json.read("{\"pr\": 42, \"files\": [\"a.java\"]}"))
            .withPriority(7)
            .withDelayMs(5_000)
            .withMaxAttempts(2)
            .withTimeoutMs(60_000)
            .withIdempotencyKey("pr-42")
            .withCreatedBy("cli");

    Path file = InboxDrop.drop(home, request);

    assertThat(file.getParent()).isEqualTo(inboxDir);
    assertThat(file.getFileName().toString()).matches("\\d{13}-[0-9a-f]{8}\\.json");
    assertThat(names(inboxDir))
        .as("no temp file left")
        .containsExactly(file.getFileName().toString());
    assertThat(Json.read(Files.readString(file)).has("delayMs")).isTrue();

    assertThat(inbox.scanOnce()).isEqualTo(1);

    Task t = tasks().get(0);
    assertThat(
            new NewTask(
                t.type(),
                t.description(),
                t.data(),
                t.assignedTo(),
                t.priority(),
                t.runAt() - t.createdAt(),
                t.maxAttempts(),
                t.timeoutMs(),
                t.idempotencyKey(),
                t.createdBy(),
                null))
        .isEqualTo(request);
  }

  @Test
  void drop_without_a_daemon_creates_an_owner_only_inbox_and_names_sort_in_drop_order()
      throws IOException {
    Path elsewhere = dir.resolve("no-daemon-yet");
    NewTask task = NewTask.of("review").withAssignedTo("alice");

    Path first = InboxDrop.drop(elsewhere, task.withDescription("first"));
    Path second = InboxDrop.drop(elsewhere, task.withDescription("second"));

    assertThat(Files.getPosixFilePermissions(elsewhere.resolve("inbox")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(first.getFileName().toString()).isLessThan(second.getFileName().toString());
    assertThat(Files.readString(first)).doesNotContain("null");
  }

  @Test
  void a_file_name_used_before_for_other_work_is_rejected_not_dropped() throws IOException {
    put("job.json", "{\"type\": \"review\", \"assignedTo\": \"alice\", \"data\": {\"pr\": 1}}");
    assertThat(inbox.scanOnce()).isEqualTo(1);
    Task first = tasks().get(0);

    put("job.json", "{\"type\": \"review\", \"assignedTo\": \"alice\", \"data\": {\"pr\": 2}}");
    assertThat(inbox.scanOnce()).isEqualTo(1);

    assertThat(tasks()).singleElement().extracting(Task::id).isEqualTo(first.id());
    assertThat(names(inboxDir.resolve("rejected"))).containsExactly("job.json", "job.json.error");
    assertThat(error("job.json"))
        .contains("the idempotency key 'inbox:job.json' already belongs to task " + first.id())
        .contains("give the file a name not used before, or an idempotencyKey of its own");
  }

  @Test
  void the_same_file_dropped_again_is_the_same_task() throws IOException {
    String content = "{\"type\": \"review\", \"assignedTo\": \"alice\", \"data\": {\"pr\": 1}}";
    put("job.json", content);
    inbox.scanOnce();
    put("job.json", content);
    inbox.scanOnce();

    assertThat(tasks()).hasSize(1);
    assertThat(names(inboxDir.resolve("rejected"))).isEmpty();
    assertThat(names(inboxDir.resolve("done"))).hasSize(2);
  }

  @Test
  void two_names_that_are_not_utf8_do_not_share_an_idempotency_key() throws Exception {
    Files.createDirectories(inboxDir);
    // Java cannot spell these names (each bad byte reads back as U+FFFD), so the shell writes them.
    String content = "{\"type\": \"review\", \"assignedTo\": \"alice\"}";
    Process p =
        new ProcessBuilder(
                "sh",
                "-c",
                "printf '%s' \"$0\" > \"$(printf 'a\\377.json')\";"
                    + " printf '%s' \"$0\" > \"$(printf 'a\\376.json')\"",
                content)
            .directory(inboxDir.toFile())
            .start();
    assertThat(p.waitFor()).isZero();

    assertThat(inbox.scanOnce()).isEqualTo(2);
    assertThat(tasks()).hasSize(2);
  }
}
