package dev.coordd.cli.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event and inbox commands run in-process against a real daemon on a temp home. */
class EventCommandTest {
  @TempDir Path dir;
  Daemon daemon;

  Path home() {
    return dir.resolve("home");
  }

  @BeforeEach
  void startDaemon() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
  }

  @AfterEach
  void stopDaemon() {
    daemon.close();
  }

  Result run(String... args) {
    return CliRun.inHome(home(), args);
  }

  CompletableFuture<Result> runAsync(String... args) {
    return CompletableFuture.supplyAsync(() -> run(args), r -> Thread.ofVirtual().start(r));
  }

  @Test
  void publish_prints_the_seq_and_watch_prints_one_line_per_event() {
    Result first =
        run("event", "publish", "build.done", "--data", "{\"ok\":true}", "--source", "ci");
    assertThat(first.exit()).as(first.err()).isZero();
    long seq = Long.parseLong(first.out().strip());
    Result second = run("event", "publish", "build.step.done", "--json");
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.json().get("seq").asLong()).isEqualTo(seq + 1);
    assertThat(second.json().get("topic").asText()).isEqualTo("build.step.done");
    run("event", "publish", "test.done");

    Result watched = run("event", "watch", "build.>", "--after", "0", "--count", "2");
    assertThat(watched.exit()).as(watched.err()).isZero();
    assertThat(watched.lines())
        .containsExactly(seq + " build.done ci {\"ok\":true}", (seq + 1) + " build.step.done - {}");

    Result asJson = run("event", "watch", "*.done", "--after", "0", "--count", "2", "--json");
    assertThat(asJson.lines()).hasSize(2);
    assertThat(Json.read(asJson.lines().get(1)).get("topic").asText()).isEqualTo("test.done");

    Result newest = run("event", "watch", ">", "--last", "1", "--count", "1");
    assertThat(newest.lines()).singleElement().asString().endsWith("test.done - {}");
  }

  @Test
  void watch_starts_from_now_and_prints_a_publish_as_it_happens() throws Exception {
    run("event", "publish", "build.done", "--data", "{\"old\":true}");
    CompletableFuture<Result> watching = runAsync("event", "watch", "build.*", "--count", "1");
    Thread.sleep(500); // the watcher is waiting on the daemon now
    assertThat(watching).isNotDone();
    run("event", "publish", "other.topic");
    run("event", "publish", "build.done", "--data", "{\"new\":true}");
    Result watched = watching.get(10, TimeUnit.SECONDS);
    assertThat(watched.exit()).as(watched.err()).isZero();
    assertThat(watched.lines()).singleElement().asString().endsWith("build.done - {\"new\":true}");
  }

  @Test
  void an_inbox_shows_what_the_agent_missed_and_ack_marks_it_read() {
    Result sub = run("event", "subscribe", "alice", "build.*");
    assertThat(sub.exit()).as(sub.err()).isZero();
    assertThat(sub.out()).contains("alice is subscribed to build.*");
    run("event", "publish", "build.done", "--data", "{\"n\":1}");
    run("event", "publish", "build.failed", "--data", "{\"n\":2}");
    run("event", "publish", "deploy.done");
    Result sent = run("event", "send", "--from", "bob", "--to", "alice", "--data", "{\"hi\":1}");
    assertThat(sent.exit()).as(sent.err()).isZero();

    Result inbox = run("inbox", "--agent", "alice");
    assertThat(inbox.exit()).as(inbox.err()).isZero();
    assertThat(inbox.lines()).hasSize(3);
    assertThat(inbox.lines().get(0)).endsWith("build.done - {\"n\":1}");
    assertThat(inbox.lines().get(2)).endsWith("agent.alice bob {\"hi\":1}");

    Result acked = run("inbox", "--agent", "alice", "--max", "2", "--ack");
    assertThat(acked.lines()).hasSize(4).last().asString().startsWith("acknowledged up to ");
    Result rest = run("inbox", "--agent", "alice", "--json");
    assertThat(rest.json().get("known").asBoolean()).isTrue();
    assertThat(rest.json().get("events"))
        .singleElement()
        .satisfies(e -> assertThat(e.get("topic").asText()).isEqualTo("agent.alice"));
    run("inbox", "--agent", "alice", "--ack");
    Result empty = run("inbox", "--agent", "alice");
    assertThat(empty.exit()).isZero();
    assertThat(empty.out())
        .contains("no unacknowledged events for alice")
        .contains("subscribed to build.*");

    Result unsub = run("event", "unsubscribe", "alice", "build.*");
    assertThat(unsub.exit()).as(unsub.err()).isZero();
    Result again = run("event", "unsubscribe", "alice", "build.*");
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err()).contains("no subscription to 'build.*'");
  }

  @Test
  void an_unknown_agent_and_bad_input_are_said_plainly() {
    Result ghost = run("inbox", "--agent", "ghost");
    assertThat(ghost.exit()).isEqualTo(1);
    assertThat(ghost.err()).contains("no agent named ghost is known");
    assertThat(run("inbox", "--agent", "ghost", "--json").json().get("known").asBoolean())
        .isFalse();

    Result topic = run("event", "publish", "bad topic");
    assertThat(topic.exit()).isEqualTo(2);
    assertThat(topic.err()).contains("topic 'bad topic' is not a valid topic");
    Result pattern = run("event", "watch", "a.>.b", "--count", "1");
    assertThat(pattern.exit()).isEqualTo(2);
    assertThat(pattern.err()).contains("> may only be the last segment");
    Result data = run("event", "publish", "x", "--data", "[1]");
    assertThat(data.exit()).isEqualTo(2);
    assertThat(data.err()).contains("JSON object");
    Result both = run("event", "watch", "x", "--after", "0", "--last", "1");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("exclude each other");
  }
}
