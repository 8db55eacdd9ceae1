package dev.coordd.daemon.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.coordd.api.TaskStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wire form of changes between daemons: what crosses, how it packs, what a reader refuses. */
class PgNotifierCodecTest {
  static final List<Change> EVERY_KIND =
      List.of(
          new Change.TaskAvailable("t1", "build", null),
          new Change.TaskAvailable("t2", "build", "alice"),
          new Change.TaskFinished("t3", TaskStatus.FAILED),
          new Change.TaskChanged("t4", TaskStatus.WAITING),
          new Change.AgentChanged("bob"),
          new Change.EventPublished(42, "ci.done"),
          new Change.LockFreed(null),
          new Change.LockFreed("repo/main"),
          new Change.LockTaken("repo/main", "alice"),
          new Change.InvocationChanged("i1", "t5", "processing"),
          new Change.QueuePolicyChanged("build"),
          new Change.CapacityFreed("build"));

  @Test
  void every_change_that_crosses_reads_back_as_the_same_record() {
    List<String> payloads = PgNotifierCodec.pack("me", EVERY_KIND, false);
    assertThat(payloads).hasSize(1);
    PgNotifierCodec.Received r = PgNotifierCodec.decode(payloads.get(0));
    assertThat(r.origin()).isEqualTo("me");
    assertThat(r.changes()).containsExactlyElementsOf(EVERY_KIND);
    assertThat(r.lookAgain()).isFalse();
  }

  @Test
  void time_passing_and_stopping_stay_on_their_daemon() {
    assertThat(PgNotifierCodec.crosses(new Change.TimePassed(1))).isFalse();
    assertThat(PgNotifierCodec.crosses(new Change.Stopping())).isFalse();
    EVERY_KIND.forEach(c -> assertThat(PgNotifierCodec.crosses(c)).isTrue());
  }

  @Test
  void a_burst_is_split_into_payloads_under_the_notify_limit_in_order() {
    List<Change> burst = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      burst.add(new Change.TaskAvailable("task-" + i, "type-" + (i % 7), null));
    }
    List<String> payloads = PgNotifierCodec.pack("me", burst, false);
    assertThat(payloads.size()).isGreaterThan(1);
    List<Change> back = new ArrayList<>();
    for (String p : payloads) {
      assertThat(p.getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(PgNotifierCodec.MAX_PAYLOAD_BYTES);
      back.addAll(PgNotifierCodec.decode(p).changes());
    }
    assertThat(back).containsExactlyElementsOf(burst);
  }

  @Test
  void a_change_too_big_for_one_payload_travels_as_look_again() {
    String hugeTopic = "t".repeat(10_000);
    List<String> payloads =
        PgNotifierCodec.pack(
            "me",
            List.of(new Change.EventPublished(1, hugeTopic), new Change.AgentChanged("a")),
            false);
    assertThat(payloads).hasSize(1);
    PgNotifierCodec.Received r = PgNotifierCodec.decode(payloads.get(0));
    assertThat(r.lookAgain()).isTrue();
    assertThat(r.changes()).containsExactly(new Change.AgentChanged("a"));
  }

  @Test
  void payload_sizes_count_utf8_bytes_not_characters() {
    List<Change> wide = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      wide.add(new Change.EventPublished(i, "équipe.日本.😀." + i));
    }
    List<String> payloads = PgNotifierCodec.pack("me", wide, false);
    List<Change> back = new ArrayList<>();
    for (String p : payloads) {
      assertThat(p.getBytes(StandardCharsets.UTF_8).length)
          .isLessThanOrEqualTo(PgNotifierCodec.MAX_PAYLOAD_BYTES);
      back.addAll(PgNotifierCodec.decode(p).changes());
    }
    assertThat(back).containsExactlyElementsOf(wide);
  }

  @Test
  void dropped_changes_are_announced_as_look_again() {
    PgNotifierCodec.Received r =
        PgNotifierCodec.decode(PgNotifierCodec.pack("me", List.of(), true).get(0));
    assertThat(r.lookAgain()).isTrue();
    assertThat(r.changes()).isEmpty();
  }

  @Test
  void a_payload_that_is_not_ours_is_refused_with_what_was_wrong() {
    assertThatThrownBy(() -> PgNotifierCodec.decode("hello")).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> PgNotifierCodec.decode("{\"x\":1}"))
        .hasMessageContaining("expected {\"o\"");
    assertThatThrownBy(() -> PgNotifierCodec.decode("{\"o\":\"x\",\"c\":[5]}"))
        .hasMessageContaining("non-empty array");
  }

  @Test
  void a_change_of_a_kind_unknown_here_is_read_as_look_again() {
    PgNotifierCodec.Received r = PgNotifierCodec.decode("{\"o\":\"x\",\"c\":[[\"zz\",1]]}");
    assertThat(r.lookAgain()).isTrue();
  }
}
