package dev.coordd.daemon.invoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.ConflictException;
import dev.coordd.api.Invocation;
import dev.coordd.api.NotFoundException;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The invocation files on their own, with no daemon: what {@code coordd check} relies on. */
class InvocationFilesTest {
  @TempDir Path home;
  InvocationFiles files;

  @BeforeEach
  void setUp() {
    files = new InvocationFiles(home, Clock.systemUTC());
  }

  @Test
  void an_invocation_moves_from_pending_to_processing_to_the_archive() {
    Invocation inv = files.create("task-1", "claude_code", "fix it", null, null);
    assertThat(files.where(inv.id())).isEqualTo(Invocation.PENDING);

    Invocation taken = files.process(inv.id(), "alice");
    assertThat(files.where(inv.id())).isEqualTo(Invocation.PROCESSING);
    assertThat(taken.takenBy()).isEqualTo("alice");
    assertThat(files.openFor("task-1"))
        .hasValueSatisfying(i -> assertThat(i.id()).isEqualTo(inv.id()));

    Invocation done = files.complete(inv.id(), Json.read("{\"ok\": true}"));
    assertThat(files.where(inv.id())).isEqualTo("archive");
    assertThat(done.status()).isEqualTo(Invocation.COMPLETED);
    assertThat(done.takenBy()).as("kept from processing").isEqualTo("alice");
    assertThat(files.archived(inv.id()))
        .hasValueSatisfying(i -> assertThat(i.result().get("ok").asBoolean()).isTrue());
    assertThat(files.openFor("task-1")).isEmpty();
  }

  @Test
  void files_are_private_to_their_owner() throws Exception {
    Invocation inv = files.create("task-1", "claude_code", "secret prompt", null, null);

    assertThat(Files.getPosixFilePermissions(home.resolve("invocations/pending")))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(
            Files.getPosixFilePermissions(
                home.resolve("invocations/pending/" + inv.id() + ".json")))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void a_loser_is_told_who_took_the_invocation() {
    Invocation inv = files.create("task-1", "claude_code", "fix it", null, null);
    files.process(inv.id(), "alice");

    assertThatThrownBy(() -> files.process(inv.id(), "bob"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("already being processed by alice since");
  }

  @Test
  void an_archived_invocation_cannot_be_finished_again() {
    Invocation inv = files.create("task-1", "claude_code", "fix it", null, null);
    files.fail(inv.id(), "could not");

    assertThatThrownBy(() -> files.complete(inv.id(), null))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("is already failed");
    assertThatThrownBy(() -> files.closePending(inv.id(), "expired", "too late"))
        .isInstanceOf(ConflictException.class);
  }

  @Test
  void an_unknown_id_is_not_found() {
    assertThatThrownBy(() -> files.get("nobody")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> files.process("nobody", "alice"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void an_unreadable_pending_file_is_skipped_not_fatal() throws Exception {
    Invocation inv = files.create("task-1", "claude_code", "fix it", null, null);
    Files.writeString(home.resolve("invocations/pending/broken.json"), "{not json");

    assertThat(files.pendingInvocations()).extracting(Invocation::id).containsExactly(inv.id());
  }

  @Test
  void of_threads_racing_to_finish_one_invocation_exactly_one_wins() throws Exception {
    Invocation inv = files.create("task-1", "claude_code", "fix it", null, null);
    files.process(inv.id(), "alice");
    int racers = 8;
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Object>> results = new ArrayList<>();
    for (int i = 0; i < racers; i++) {
      String error = "attempt " + i;
      results.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  go.await();
                  return files.fail(inv.id(), error);
                } catch (Exception e) {
                  return e;
                }
              }));
    }
    go.countDown();
    List<Object> outcomes = results.stream().map(CompletableFuture::join).toList();

    List<Invocation> winners =
        outcomes.stream().filter(Invocation.class::isInstance).map(Invocation.class::cast).toList();
    assertThat(winners).hasSize(1);
    assertThat(outcomes.stream().filter(ConflictException.class::isInstance)).hasSize(racers - 1);
    assertThat(files.get(inv.id()).error()).isEqualTo(winners.get(0).error());
  }
}
