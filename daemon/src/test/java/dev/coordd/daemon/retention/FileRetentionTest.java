package dev.coordd.daemon.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.api.AgentRegistration;
import dev.coordd.api.Invocation;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.invoke.InvocationFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inbox done/rejected files and archived invocations past retention, by the daemon's clock. */
class FileRetentionTest {
  private static final long DAY = Duration.ofDays(1).toMillis();

  @TempDir Path dir;
  private DaemonFixture f;

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  @Test
  void old_inbox_files_and_their_notes_go_young_ones_stay() throws IOException {
    f = DaemonFixture.wokenOnlyByNotifications(dir, "retention.inbox", "2d");
    Path inbox = f.home.resolve("inbox");
    long now = f.clock.millis();
    Path oldDone = file(inbox.resolve("done/old.json"), now - 3 * DAY);
    Path youngDone = file(inbox.resolve("done/young.json"), now - DAY);
    Path oldRejected = file(inbox.resolve("rejected/bad.json"), now - 3 * DAY);
    Path oldNote = file(inbox.resolve("rejected/bad.json.error"), now - 3 * DAY);
    Path youngRejected = file(inbox.resolve("rejected/worse.json"), now - DAY);
    Path youngNote = file(inbox.resolve("rejected/worse.json.error"), now - DAY);
    // someone's upload in progress (the inbox leaves dotfiles alone, and so does retention)
    Path waiting = file(inbox.resolve(".upload.json.tmp"), now - 30 * DAY);

    assertThat(f.daemon.retention().runPass().inboxFiles()).isEqualTo(3);
    assertThat(oldDone).doesNotExist();
    assertThat(oldRejected).doesNotExist();
    assertThat(oldNote).doesNotExist();
    assertThat(youngDone).exists();
    assertThat(youngRejected).exists();
    assertThat(youngNote).exists();
    assertThat(waiting).as("only done/ and rejected/ are retention's").exists();

    f.clock.step(Duration.ofDays(2));
    assertThat(f.daemon.retention().runPass().inboxFiles()).isEqualTo(3);
    assertThat(youngDone).doesNotExist();
    assertThat(youngNote).doesNotExist();
  }

  @Test
  void the_inbox_ages_a_processed_file_from_its_move_not_from_its_writing() throws IOException {
    f = DaemonFixture.wokenOnlyByNotifications(dir);
    f.service().registerAgent(new AgentRegistration("w", "worker", List.of("work"), null));
    long longAgo = System.currentTimeMillis() - 30 * DAY;
    Path dropped = f.home.resolve("inbox/late.json");
    Path temp = f.home.resolve("inbox/.late.tmp");
    Files.writeString(temp, "{\"type\": \"work\"}");
    Files.setLastModifiedTime(temp, FileTime.fromMillis(longAgo));
    Files.move(temp, dropped);
    Path done = f.home.resolve("inbox/done/late.json");
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(done) && System.nanoTime() < until) {
      DaemonFixture.sleep(10);
    }
    assertThat(done).exists();
    assertThat(Files.getLastModifiedTime(done).toMillis()).isGreaterThan(longAgo + DAY);
  }

  @Test
  void a_pass_deletes_a_bounded_number_of_files() throws IOException {
    f = DaemonFixture.wokenOnlyByNotifications(dir, "retention.inbox", "1d");
    Path done = f.home.resolve("inbox/done");
    int n = RetentionRunner.MAX_FILES + 10;
    for (int i = 0; i < n; i++) {
      file(done.resolve("t" + i + ".json"), f.clock.millis() - 2 * DAY);
    }
    assertThat(f.daemon.retention().runPass().inboxFiles()).isEqualTo(RetentionRunner.MAX_FILES);
    assertThat(f.daemon.retention().runPass().inboxFiles()).isEqualTo(10);
  }

  @Test
  void archived_invocations_past_retention_go() {
    f = DaemonFixture.wokenOnlyByNotifications(dir, "retention.invocations", "7d");
    InvocationFiles files = new InvocationFiles(f.home, f.clock);
    Invocation old = files.create("t1", "claude_code", "a", null, null);
    files.complete(old.id(), null);
    f.clock.step(Duration.ofDays(5));
    Invocation young = files.create("t2", "claude_code", "b", null, null);
    files.fail(young.id(), "no");
    f.clock.step(Duration.ofDays(3));
    Path archive = f.home.resolve("invocations/archive");

    assertThat(f.daemon.retention().runPass().invocations()).isEqualTo(1);
    assertThat(archive.resolve(old.id() + ".json")).doesNotExist();
    assertThat(archive.resolve(young.id() + ".json")).exists();
  }

  private static Path file(Path p, long modifiedAt) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, "{}");
    Files.setLastModifiedTime(p, FileTime.fromMillis(modifiedAt));
    return p;
  }
}
