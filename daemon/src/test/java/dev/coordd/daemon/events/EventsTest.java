package dev.coordd.daemon.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.AgentStatus;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.Event;
import dev.coordd.api.EventInbox;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Subscription;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.service.LocalCoordinationService;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events against a real daemon on a temp home, with a settable clock. */
class EventsTest {
  @TempDir Path dir;
  DaemonFixture f;

  DaemonFixture start(Map<String, String> settings) {
    f = new DaemonFixture(dir, settings);
    return f;
  }

  DaemonFixture start() {
    // An hour's poll: every wake-up seen here comes from a publish, not from polling.
    return start(Map.of("pollInterval", "1h"));
  }

  @AfterEach
  void stop() {
    if (f != null) {
      f.close();
    }
  }

  CoordinationService svc() {
    return f.service();
  }

  Events events() {
    return ((LocalCoordinationService) f.daemon.service()).events();
  }

  static JsonNode json(String text) {
    return Json.read(text);
  }

  static List<Long> seqs(List<Event> events) {
    return events.stream().map(Event::seq).toList();
  }

  static List<String> topics(List<Event> events) {
    return events.stream().map(Event::topic).toList();
  }

  /** On a thread of its own: the common pool may have a single thread on a small machine. */
  static <T> CompletableFuture<T> async(Supplier<T> work) {
    return CompletableFuture.supplyAsync(work, r -> Thread.ofVirtual().start(r));
  }

  /** Every event still stored. */
  List<Long> stored() {
    return seqs(svc().awaitEvents(List.of(">"), 0, 1000, 0));
  }

  @Test
  void three_subscribers_get_every_event_and_the_offline_one_catches_up_through_its_inbox() {
    start();
    svc().subscribe("alice", "build.*");
    svc().subscribe("bob", "build.>");
    svc().subscribe("carol", "build.done"); // carol goes quiet and never reads

    Event d1 = svc().publish("build.done", json("{\"n\":1}"), "ci");
    Event d2 = svc().publish("build.done", json("{\"n\":2}"), "ci");
    Event deep = svc().publish("build.step.done", null, "ci");
    svc().publish("deploy.done", null, null); // nobody's

    assertThat(d2.seq()).isGreaterThan(d1.seq());
    assertThat(deep.data().isObject()).isTrue();
    EventInbox alice = svc().inbox("alice", 100, 0);
    assertThat(alice.known()).isTrue();
    assertThat(alice.patterns()).containsExactly("build.*");
    assertThat(seqs(alice.events())).containsExactly(d1.seq(), d2.seq());
    assertThat(alice.events().get(0).data().get("n").asInt()).isEqualTo(1);
    assertThat(alice.events().get(0).source()).isEqualTo("ci");
    assertThat(svc().ackEvents("alice", d2.seq())).isEqualTo(d2.seq());
    assertThat(svc().inbox("alice", 100, 0).events()).isEmpty();

    assertThat(seqs(svc().inbox("bob", 100, 0).events()))
        .containsExactly(d1.seq(), d2.seq(), deep.seq());

    f.advance(Duration.ofHours(2)); // carol has been silent past offlineAfter
    assertThat(svc().listAgents())
        .filteredOn(a -> a.name().equals("carol"))
        .singleElement()
        .extracting(a -> a.status())
        .isEqualTo(AgentStatus.OFFLINE);

    Event d3 = svc().publish("build.done", json("{\"n\":3}"), "ci");
    EventInbox carol = svc().inbox("carol", 100, 0);
    assertThat(carol.cursor()).isLessThan(d1.seq());
    assertThat(seqs(carol.events())).containsExactly(d1.seq(), d2.seq(), d3.seq());
    svc().ackEvents("carol", d3.seq());
    assertThat(svc().inbox("carol", 100, 0).events()).isEmpty();
    assertThat(seqs(svc().inbox("alice", 100, 0).events())).containsExactly(d3.seq());
  }

  @Test
  void a_subscription_brings_events_from_now_on_not_older_ones() {
    start();
    svc().publish("build.done", null, null);
    svc().subscribe("alice", "build.*");
    Event later = svc().publish("build.done", null, null);
    svc().publish("test.done", null, null);
    Subscription again = svc().subscribe("alice", "test.*"); // a second pattern, later
    Event test = svc().publish("test.done", null, null);
    assertThat(again.pattern()).isEqualTo("test.*");
    assertThat(seqs(svc().inbox("alice", 100, 0).events()))
        .containsExactly(later.seq(), test.seq());
    assertThat(svc().subscribe("alice", "test.*").createdAt()).isEqualTo(again.createdAt());
  }

  @Test
  void wildcards_select_topics_for_watchers() {
    start();
    svc().publish("build.done", null, null);
    svc().publish("build.step.done", null, null);
    svc().publish("test.done", null, null);
    svc().publish("build", null, null);

    assertThat(topics(svc().awaitEvents(List.of("build.*"), 0, 100, 0)))
        .containsExactly("build.done");
    assertThat(topics(svc().awaitEvents(List.of("build.>"), 0, 100, 0)))
        .containsExactly("build.done", "build.step.done");
    assertThat(topics(svc().awaitEvents(List.of("*.done"), 0, 100, 0)))
        .containsExactly("build.done", "test.done");
    assertThat(topics(svc().awaitEvents(List.of("build", "test.*"), 0, 100, 0)))
        .containsExactly("test.done", "build");
    assertThat(topics(svc().awaitEvents(List.of(">"), 0, 2, 0)))
        .as("paged with max")
        .containsExactly("build.done", "build.step.done");
    // A negative afterSeq: the newest matching events there are, oldest first.
    assertThat(topics(svc().awaitEvents(List.of("build.>"), -1, 100, 0)))
        .containsExactly("build.step.done");
    assertThat(topics(svc().awaitEvents(List.of(">"), -3, 100, 0)))
        .containsExactly("build.step.done", "test.done", "build");
    assertThat(svc().awaitEvents(List.of("nothing.*"), -5, 100, 0)).isEmpty();
    // _ is a LIKE wildcard in SQL: the store's filter escapes it, the matcher decides.
    svc().publish("under_score.x", null, null);
    svc().publish("underXscore.x", null, null);
    assertThat(topics(svc().awaitEvents(List.of("under_score.*"), 0, 100, 0)))
        .containsExactly("under_score.x");
  }

  @Test
  void direct_messages_reach_an_agent_without_a_subscription() {
    start();
    svc().registerAgent(new AgentRegistration("dave@host:1", "worker", List.of(), null));
    svc().subscribe("bob", "other");
    Event toDave = svc().publish("agent.dave@host:1", json("{\"hi\":true}"), "bob");
    Event toBob = svc().publish("agent.bob", null, "dave@host:1");
    svc().publish("agent.carol", null, "bob");

    EventInbox dave = svc().inbox("dave@host:1", 100, 0);
    assertThat(dave.known()).isTrue();
    assertThat(dave.patterns()).isEmpty();
    assertThat(seqs(dave.events())).containsExactly(toDave.seq());
    assertThat(dave.events().get(0).source()).isEqualTo("bob");
    assertThat(seqs(svc().inbox("bob", 100, 0).events())).containsExactly(toBob.seq());
  }

  @Test
  void acks_move_the_cursor_forward_only_nothing_is_shown_twice_nothing_lost() {
    start();
    svc().subscribe("alice", "job.*");
    Event a = svc().publish("job.a", null, null);
    Event b = svc().publish("job.b", null, null);
    Event c = svc().publish("job.c", null, null);

    EventInbox first = svc().inbox("alice", 2, 0);
    assertThat(seqs(first.events())).containsExactly(a.seq(), b.seq());
    assertThat(svc().ackEvents("alice", b.seq())).isEqualTo(b.seq());
    Event d = svc().publish("job.d", null, null);
    EventInbox second = svc().inbox("alice", 100, 0);
    assertThat(second.cursor()).isEqualTo(b.seq());
    assertThat(seqs(second.events())).containsExactly(c.seq(), d.seq());

    assertThat(svc().ackEvents("alice", d.seq())).isEqualTo(d.seq());
    assertThat(svc().ackEvents("alice", a.seq())).as("never backwards").isEqualTo(d.seq());
    assertThat(svc().inbox("alice", 100, 0).events()).isEmpty();

    assertThatThrownBy(() -> svc().ackEvents("alice", d.seq() + 1))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("beyond the newest");
    assertThatThrownBy(() -> svc().ackEvents("alice", -1))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(svc().inbox("alice", 100, 0).cursor()).isEqualTo(d.seq());
  }

  @Test
  void the_inbox_of_an_unknown_agent_says_so_at_once() {
    start();
    long t0 = System.nanoTime();
    EventInbox nobody = svc().inbox("nobody", 10, 5_000);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
    assertThat(nobody.known()).isFalse();
    assertThat(nobody.events()).isEmpty();
    assertThat(nobody.agent()).isEqualTo("nobody");
  }

  @Test
  void a_waiting_watcher_gets_a_publish_at_once() throws Exception {
    start();
    long after = svc().publish("warmup", null, null).seq();
    svc().subscribe("alice", "nothing"); // known, with a cursor at "now"
    CompletableFuture<List<Event>> watcher =
        async(() -> svc().awaitEvents(List.of("build.*"), after, 10, 30_000));
    CompletableFuture<EventInbox> reader = async(() -> svc().inbox("alice", 10, 30_000));
    DaemonFixture.sleep(200); // both are waiting now
    assertThat(watcher).isNotDone();
    assertThat(reader).isNotDone();
    long t0 = System.nanoTime();
    svc().publish("test.other", null, null); // another topic does not end the watch
    svc().publish("agent.alice", null, null);
    Event e = svc().publish("build.done", json("{\"ok\":true}"), null);
    List<Event> got = watcher.get(5, TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000);
    assertThat(seqs(got)).containsExactly(e.seq());
    assertThat(topics(reader.get(5, TimeUnit.SECONDS).events())).containsExactly("agent.alice");
  }

  @Test
  void waiters_stop_waiting_as_the_daemon_starts_stopping_not_after_its_grace_period()
      throws Exception {
    start(Map.of("pollInterval", "1h", "shutdownGrace", "1m"));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    f.daemon.registerHandler(
        "hold",
        ctx -> {
          running.countDown();
          letGo.await(); // keeps the graceful stop busy
          return null;
        });
    svc().createTask(NewTask.of("hold"));
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    svc().subscribe("bob", "x");
    CompletableFuture<List<Event>> watching =
        async(() -> svc().awaitEvents(List.of(">"), 0, 10, 60_000));
    CompletableFuture<EventInbox> reading = async(() -> svc().inbox("bob", 10, 60_000));
    DaemonFixture.sleep(200);
    Thread closing = Thread.ofVirtual().start(f.daemon::close);
    try {
      assertThat(watching.get(5, TimeUnit.SECONDS)).isEmpty();
      assertThat(reading.get(5, TimeUnit.SECONDS).events()).isEmpty();
      assertThat(closing.isAlive()).as("the daemon is still in its grace period").isTrue();
    } finally {
      letGo.countDown();
      closing.join();
    }
  }

  @Test
  void an_interrupted_waiter_returns_and_so_does_every_waiter_when_the_daemon_stops()
      throws Exception {
    start();
    AtomicReference<List<Event>> got = new AtomicReference<>();
    Thread t =
        Thread.ofVirtual().start(() -> got.set(svc().awaitEvents(List.of(">"), 0, 10, 60_000)));
    DaemonFixture.sleep(200);
    assertThat(t.isAlive()).isTrue();
    t.interrupt();
    assertThat(t.join(Duration.ofSeconds(5))).as("the waiter returned").isTrue();
    assertThat(got.get()).isEmpty();

    svc().subscribe("bob", "x");
    CompletableFuture<List<Event>> watching =
        async(() -> svc().awaitEvents(List.of(">"), 0, 10, 60_000));
    CompletableFuture<EventInbox> reading = async(() -> svc().inbox("bob", 10, 60_000));
    DaemonFixture.sleep(200);
    long t0 = System.nanoTime();
    f.daemon.close();
    assertThat(watching.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(reading.get(5, TimeUnit.SECONDS).events()).isEmpty();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(5_000);
  }

  @Test
  void
      retention_keeps_what_an_active_subscriber_has_not_acknowledged_but_offline_ones_pin_nothing() {
    start(Map.of("pollInterval", "1h", "eventRetention", "10m", "offlineAfter", "1h"));
    for (String agent : List.of("alice", "bob", "carol")) {
      svc().subscribe(agent, "job.*");
    }
    Event e1 = svc().publish("job.done", json("{\"n\":1}"), null);
    Event e2 = svc().publish("job.done", json("{\"n\":2}"), null);
    Event e3 = svc().publish("job.done", json("{\"n\":3}"), null);
    Event noise = svc().publish("noise.x", null, null); // nobody receives it
    Event newest = svc().publish("tick.tock", null, null);
    svc().ackEvents("alice", newest.seq());

    events().prune();
    assertThat(stored())
        .as("nothing is older than the retention yet")
        .containsExactly(e1.seq(), e2.seq(), e3.seq(), noise.seq(), newest.seq());

    f.advance(Duration.ofMinutes(50));
    svc().ackEvents("bob", e1.seq()); // also a sign of life; carol stays silent
    events().prune();
    assertThat(stored())
        .as("carol (active) has acknowledged nothing")
        .containsExactly(e1.seq(), e2.seq(), e3.seq(), newest.seq());

    f.advance(Duration.ofMinutes(11)); // carol: silent for 61 minutes, offline; bob: active
    assertThat(svc().listAgents())
        .filteredOn(a -> a.name().equals("carol"))
        .singleElement()
        .extracting(a -> a.status())
        .isEqualTo(AgentStatus.OFFLINE);
    events().prune();
    assertThat(stored())
        .as("bob has not acknowledged e2 and e3; carol is offline")
        .containsExactly(e2.seq(), e3.seq(), newest.seq());

    svc().ackEvents("bob", e3.seq());
    f.advance(Duration.ofMinutes(11));
    events().prune();
    assertThat(stored())
        .as("the newest event stays, so the sequence never goes back")
        .containsExactly(newest.seq());
    assertThat(svc().publish("job.done", null, null).seq()).isGreaterThan(newest.seq());
    assertThat(svc().inbox("bob", 100, 0).events()).hasSize(1);
  }

  @Test
  void rules_make_one_task_per_subscriber_once_and_a_bad_rule_does_not_fail_the_publish() {
    start();
    List<EventRule> rules =
        EventRules.parseRules(
            json(
                """
        [{"topic": "review.requested", "assignTo": "*subscribers",
          "task": {"type": "review", "data": {"kind": "pr"}, "priority": 3}},
         {"topic": "review.>", "task": {"type": "no_such_type"}},
         {"topic": "review.requested", "assignTo": ["lead"], "task": {"type": "approve"}}]
        """));
    Events withRules = new Events(f.daemon.engine(), Duration.ofDays(7), rules, svc()::createTask);
    svc().subscribe("alice", "review.*");
    svc().subscribe("bob", "review.>");
    svc().subscribe("carol", "other.*");

    Event e = withRules.publish("review.requested", json("{\"pr\":17}"), "ci");

    List<Task> reviews = svc().listTasks(new TaskQuery(null, "review", null, 100));
    assertThat(reviews).extracting(Task::assignedTo).containsExactlyInAnyOrder("alice", "bob");
    Task alices =
        reviews.stream().filter(t -> t.assignedTo().equals("alice")).findFirst().orElseThrow();
    assertThat(alices.idempotencyKey()).isEqualTo("event:" + e.seq() + ":rule:0:alice");
    assertThat(alices.priority()).isEqualTo(3);
    assertThat(alices.createdBy()).isEqualTo("ci");
    assertThat(alices.data().get("kind").asText()).isEqualTo("pr");
    assertThat(alices.data().at("/event/seq").asLong()).isEqualTo(e.seq());
    assertThat(alices.data().at("/event/topic").asText()).isEqualTo("review.requested");
    assertThat(alices.data().at("/event/data/pr").asInt()).isEqualTo(17);
    assertThat(alices.data().at("/event/source").asText()).isEqualTo("ci");
    assertThat(svc().listTasks(new TaskQuery(null, "approve", null, 100)))
        .singleElement()
        .extracting(Task::assignedTo)
        .isEqualTo("lead");
    assertThat(svc().listTasks(new TaskQuery(null, "no_such_type", null, 100))).isEmpty();

    // A daemon that died between an event's commit and its tasks runs the rules again: here one
    // event whose tasks were made (the keys dedupe; dave subscribed after it, so gets none) and
    // one whose tasks were never made.
    svc().subscribe("dave", "review.*");
    var writer = f.daemon.engine().store().writer();
    writer.execute(tx -> tx.update("UPDATE events SET rules_pending = 1 WHERE seq = ?", e.seq()));
    long now = f.clock.millis();
    long crashed =
        writer.execute(
            tx ->
                tx.queryOne(
                    "INSERT INTO events (topic, data, source,"
                        + " created_at, rules_pending) VALUES ('review.requested', '{}', 'ci', ?, 1)"
                        + " RETURNING seq",
                    rs -> rs.getLong(1),
                    now));
    f.clock.step(Duration.ofMinutes(2));
    withRules.prune();
    List<Task> after = svc().listTasks(new TaskQuery(null, "review", null, 100));
    assertThat(after)
        .filteredOn(t -> t.data().at("/event/seq").asLong() == e.seq())
        .extracting(Task::assignedTo)
        .containsExactlyInAnyOrder("alice", "bob");
    assertThat(after)
        .filteredOn(t -> t.data().at("/event/seq").asLong() == crashed)
        .extracting(Task::assignedTo)
        .containsExactlyInAnyOrder("alice", "bob", "dave");
    assertThat(svc().listTasks(new TaskQuery(null, "approve", null, 100))).hasSize(2);
    long pending =
        f.daemon
            .engine()
            .store()
            .read(tx -> tx.count("SELECT COUNT(*) FROM events WHERE rules_pending = 1"));
    assertThat(pending).isZero();

    writer.execute(tx -> tx.update("UPDATE events SET rules_pending = 1"));
    f.clock.step(Duration.ofMinutes(2));
    withRules.prune();
    assertThat(svc().listTasks(new TaskQuery(null, "review", null, 100)))
        .as("never doubled")
        .hasSize(5);
    assertThat(svc().listTasks(new TaskQuery(null, "approve", null, 100))).hasSize(2);
  }

  @Test
  void bad_input_is_a_clear_error_naming_the_field() {
    start(Map.of("maxPayloadBytes", "1024"));
    assertThatThrownBy(() -> svc().publish("build done", null, null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("topic 'build done' is not a valid topic")
        .hasMessageContaining("a space");
    assertThatThrownBy(() -> svc().publish("a..b", null, null))
        .hasMessageContaining("empty segment");
    assertThatThrownBy(() -> svc().publish("a/b", null, null)).hasMessageContaining("'/'");
    assertThatThrownBy(() -> svc().publish("build.*", null, null))
        .hasMessageContaining("wildcards");
    assertThatThrownBy(() -> svc().subscribe("alice", "a.>.b"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("pattern 'a.>.b'")
        .hasMessageContaining("> may only be the last");
    assertThatThrownBy(() -> svc().subscribe("not a name", "a"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("agent 'not a name'");
    assertThatThrownBy(() -> svc().publish("x", json("[1,2]"), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("JSON object");
    assertThatThrownBy(() -> svc().publish("x", json("{\"s\":\"" + "x".repeat(2000) + "\"}"), null))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("the limit is 1024 (maxPayloadBytes)")
        .satisfies(ex -> assertThat(((InvalidRequestException) ex).field()).isEqualTo("data"));
    assertThatThrownBy(() -> svc().publish("x", null, "a source")).hasMessageContaining("source");
    assertThatThrownBy(() -> svc().awaitEvents(List.of(), 0, 10, 0))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("at least one");
    assertThatThrownBy(() -> svc().awaitEvents(List.of("ok", "bad pattern"), 0, 10, 0))
        .hasMessageContaining("patterns[1]");
    assertThatThrownBy(() -> svc().awaitEvents(List.of("ok"), 0, 0, 0))
        .hasMessageContaining("max must be between 1 and 1000");
    assertThatThrownBy(() -> svc().inbox("alice", 1001, 0))
        .hasMessageContaining("max must be between 1 and 1000");
    assertThatThrownBy(() -> svc().inbox("alice", 10, -1)).hasMessageContaining("waitMs");
    assertThatThrownBy(() -> svc().unsubscribe("alice", "never.subscribed"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("never.subscribed");
    svc().subscribe("alice", "a.*");
    svc().unsubscribe("alice", "a.*");
    assertThat(svc().inbox("alice", 10, 0).patterns()).isEmpty();
    assertThat(svc().publish("x", null, null).seq()).as("the daemon goes on").isPositive();
  }

  @Test
  void a_direct_message_sent_before_the_first_subscribe_is_still_delivered() {
    start();
    svc().registerAgent(dev.coordd.api.AgentRegistration.of("bob"));
    svc().publish("build.before", null, null); // before the subscription: not bob's
    svc().publish("agent.bob", json("{\"hi\":1}"), "alice");
    svc().subscribe("bob", "build.*");
    assertThat(topics(svc().inbox("bob", 10, 0).events())).containsExactly("agent.bob");
  }
}
