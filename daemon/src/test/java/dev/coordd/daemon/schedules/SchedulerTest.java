package dev.coordd.daemon.schedules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Schedule;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Task;
import dev.coordd.api.TaskQuery;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.daemon.service.LocalCoordinationService;
import dev.coordd.internal.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules on a real daemon with a settable clock (it starts at 2026-01-01T00:00:00Z). The
 * housekeeping round fires them; tests step the clock and run a round, they never sleep for a slot.
 */
class SchedulerTest {
  static final long T0 = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
  static final long HOUR = Duration.ofHours(1).toMillis();

  @TempDir Path dir;
  DaemonFixture fx;

  @BeforeEach
  void start() {
    fx = new DaemonFixture(dir, Map.of("pollInterval", "1h"));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  CoordinationService service() {
    return fx.service();
  }

  Scheduler scheduler() {
    return ((LocalCoordinationService) fx.daemon.service()).scheduler();
  }

  static NewTask review() {
    return NewTask.of("review").withAssignedTo("alice");
  }

  static ScheduleSpec cron(String name, String cron, String misfire) {
    return new ScheduleSpec(name, cron, null, null, review(), misfire);
  }

  static ScheduleSpec every(String name, Duration every, String misfire) {
    return new ScheduleSpec(name, null, every.toMillis(), null, review(), misfire);
  }

  /** The tasks a schedule created, oldest first. */
  List<Task> tasksOf(String schedule) {
    return service().listTasks(new TaskQuery(null, null, null, 1000)).stream()
        .filter(t -> ("schedule:" + schedule).equals(t.createdBy()))
        .sorted(Comparator.comparing(Task::createdAt).thenComparing(Task::id))
        .toList();
  }

  List<String> keysOf(String schedule) {
    return tasksOf(schedule).stream().map(Task::idempotencyKey).toList();
  }

  static String key(String schedule, long slot) {
    return "schedule:" + schedule + ":" + slot;
  }

  Schedule shown(String name) {
    return service().listSchedules().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Stops the daemon, lets {@code down} pass, starts it again (its start runs one round). */
  void downFor(Duration down) {
    fx.daemon.close();
    fx.clock.step(down);
    fx.daemon = Daemon.start(fx.config, fx.clock);
  }

  @Test
  void a_cron_slot_fires_exactly_once_including_across_a_restart() {
    Schedule added = service().addSchedule(cron("hourly", "0 * * * *", null));
    assertThat(added.nextRunAt()).isEqualTo(T0 + HOUR);
    assertThat(added.misfire()).isEqualTo("skip");
    assertThat(added.zone()).isEqualTo("UTC");
    assertThat(added.source()).isEqualTo("api");

    fx.advance(Duration.ofMinutes(59));
    assertThat(tasksOf("hourly")).isEmpty();
    fx.advance(Duration.ofMinutes(1));
    assertThat(keysOf("hourly")).containsExactly(key("hourly", T0 + HOUR));
    fx.advance(Duration.ofSeconds(30));
    assertThat(keysOf("hourly")).hasSize(1);

    fx.restart();
    fx.advance(Duration.ofSeconds(10));
    assertThat(keysOf("hourly")).containsExactly(key("hourly", T0 + HOUR));
    Schedule s = shown("hourly");
    assertThat(s.nextRunAt()).isEqualTo(T0 + 2 * HOUR);
    assertThat(s.lastTaskId()).isEqualTo(tasksOf("hourly").get(0).id());
    assertThat(s.lastRunAt()).isEqualTo(T0 + HOUR);

    fx.advance(Duration.ofMinutes(59).plusSeconds(20));
    assertThat(keysOf("hourly"))
        .containsExactly(key("hourly", T0 + HOUR), key("hourly", T0 + 2 * HOUR));
  }

  @Test
  void a_slot_whose_task_exists_already_is_not_created_again() {
    // What a second daemon, or a crash between creating the task and moving the schedule on,
    // leaves behind: the slot's task exists and the schedule still points at the slot.
    service().addSchedule(cron("hourly", "0 * * * *", null));
    Task first =
        service()
            .createTask(
                review()
                    .withIdempotencyKey(key("hourly", T0 + HOUR))
                    .withCreatedBy("schedule:hourly"));
    fx.advance(Duration.ofHours(1));
    assertThat(tasksOf("hourly")).extracting(Task::id).containsExactly(first.id());
    assertThat(shown("hourly").lastTaskId()).isEqualTo(first.id());

    fx.daemon
        .engine()
        .store()
        .writer()
        .execute(
            tx ->
                tx.update("UPDATE schedules SET next_run_at = ? WHERE name = 'hourly'", T0 + HOUR));
    fx.advance(Duration.ofSeconds(1));
    scheduler().fireDue(); // and a second round on top: nothing new either
    assertThat(tasksOf("hourly")).extracting(Task::id).containsExactly(first.id());
    assertThat(shown("hourly").nextRunAt()).isEqualTo(T0 + 2 * HOUR);
  }

  @Test
  void every_fires_at_created_at_plus_multiples_of_the_interval() {
    fx.clock.step(Duration.ofSeconds(7)); // an anchor off the round minute
    long created = fx.clock.millis();
    long ten = Duration.ofMinutes(10).toMillis();
    Schedule s = service().addSchedule(every("tick", Duration.ofMinutes(10), null));
    assertThat(s.everyMs()).isEqualTo(ten);
    assertThat(s.cron()).isNull();
    assertThat(s.nextRunAt()).isEqualTo(created + ten);

    fx.advance(Duration.ofMinutes(10));
    assertThat(keysOf("tick")).containsExactly(key("tick", created + ten));
    fx.advance(Duration.ofMinutes(5));
    assertThat(keysOf("tick")).hasSize(1);
    fx.advance(Duration.ofMinutes(5).plusSeconds(3));
    assertThat(keysOf("tick"))
        .containsExactly(key("tick", created + ten), key("tick", created + 2 * ten));
    assertThat(shown("tick").nextRunAt()).isEqualTo(created + 3 * ten);
  }

  @Test
  void missed_slots_after_downtime_skip_creates_nothing_and_run_once_creates_one() {
    service().addSchedule(cron("skipper", "0 * * * *", "skip"));
    service().addSchedule(cron("catcher", "0 * * * *", "run_once"));
    service().addSchedule(every("ticker", Duration.ofHours(1), "run_once"));
    fx.advance(Duration.ofHours(1));
    assertThat(tasksOf("skipper")).hasSize(1);
    assertThat(tasksOf("catcher")).hasSize(1);
    assertThat(tasksOf("ticker")).hasSize(1);

    downFor(Duration.ofHours(3).plusMinutes(30)); // 02:00, 03:00 and 04:00 pass; back at 04:30

    assertThat(keysOf("skipper")).containsExactly(key("skipper", T0 + HOUR));
    assertThat(keysOf("catcher"))
        .containsExactly(key("catcher", T0 + HOUR), key("catcher", T0 + 4 * HOUR));
    assertThat(keysOf("ticker"))
        .containsExactly(key("ticker", T0 + HOUR), key("ticker", T0 + 4 * HOUR));
    for (String name : List.of("skipper", "catcher", "ticker")) {
      assertThat(shown(name).nextRunAt()).as(name).isEqualTo(T0 + 5 * HOUR); // no burst
    }

    fx.advance(Duration.ofMinutes(30)); // 05:00: on time again
    assertThat(tasksOf("skipper")).hasSize(2);
    assertThat(tasksOf("catcher")).hasSize(3);
    assertThat(tasksOf("ticker")).hasSize(3);
  }

  @Test
  void a_slot_missed_by_less_than_the_grace_still_fires_under_skip() {
    service().addSchedule(cron("skipper", "0 * * * *", "skip"));
    fx.advance(Duration.ofMinutes(59).plusSeconds(50));
    downFor(Duration.ofSeconds(40)); // restarted 30 s after 01:00
    assertThat(keysOf("skipper")).containsExactly(key("skipper", T0 + HOUR));
  }

  @Test
  void pause_stops_firing_and_resume_starts_at_the_next_slot_without_a_burst() {
    service().addSchedule(every("tick", Duration.ofHours(1), "run_once"));
    Schedule paused = service().pauseSchedule("tick");
    assertThat(paused.paused()).isTrue();
    assertThat(paused.nextRunAt()).isNull();
    assertThat(service().pauseSchedule("tick").paused()).isTrue(); // again: no change

    fx.advance(Duration.ofHours(3).plusMinutes(20));
    assertThat(tasksOf("tick")).isEmpty();

    Schedule resumed = service().resumeSchedule("tick");
    assertThat(resumed.paused()).isFalse();
    assertThat(resumed.nextRunAt()).isEqualTo(T0 + 4 * HOUR); // still anchored at creation
    fx.advance(Duration.ofSeconds(1));
    assertThat(tasksOf("tick")).isEmpty();
    assertThat(service().resumeSchedule("tick").nextRunAt()).isEqualTo(T0 + 4 * HOUR);

    fx.advance(Duration.ofMinutes(40));
    assertThat(keysOf("tick")).containsExactly(key("tick", T0 + 4 * HOUR));

    fx.restart(); // the pause flag is stored
    service().pauseSchedule("tick");
    fx.restart();
    assertThat(shown("tick").paused()).isTrue();
  }

  @Test
  void remove_deletes_and_unknown_names_are_not_found() {
    service().addSchedule(cron("hourly", "0 * * * *", null));
    service().removeSchedule("hourly");
    assertThat(service().listSchedules()).isEmpty();
    fx.advance(Duration.ofHours(2));
    assertThat(tasksOf("hourly")).isEmpty();

    assertThatThrownBy(() -> service().removeSchedule("hourly"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no schedule named 'hourly'");
    assertThatThrownBy(() -> service().pauseSchedule("nope")).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> service().resumeSchedule("nope"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void a_taken_name_is_a_conflict() {
    service().addSchedule(cron("hourly", "0 * * * *", null));
    assertThatThrownBy(() -> service().addSchedule(every("hourly", Duration.ofMinutes(5), null)))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("a schedule named 'hourly' already exists");
    assertThat(shown("hourly").cron()).isEqualTo("0 * * * *");
  }

  @Test
  void invalid_specs_are_refused_naming_the_field() {
    assertInvalid(cron("x", "61 * * * *", null), "cron", "minute field '61': allowed 0-59");
    assertInvalid(cron("x", "0 0 30 2 *", null), "cron", "never matches");
    assertInvalid(cron("x", "@reboot", null), "cron", "unknown cron macro");
    assertInvalid(
        new ScheduleSpec("x", "0 * * * *", null, "Mars/Olympus", review(), null),
        "zone",
        "'Mars/Olympus' is not a known time zone");
    assertInvalid(
        new ScheduleSpec("x", "0 * * * *", null, null, NewTask.of(null), null),
        "task.type",
        "task.type is required");
    assertInvalid(
        new ScheduleSpec("x", "0 * * * *", null, null, null, null), "task", "task is required");
    assertInvalid(
        new ScheduleSpec("x", "0 * * * *", 60_000L, null, review(), null),
        "cron",
        "exactly one of them");
    assertInvalid(
        new ScheduleSpec("x", null, null, null, review(), null),
        "cron",
        "cron or every is required");
    assertInvalid(every("x", Duration.ofMillis(500), null), "everyMs", "at least 1000 ms");
    assertInvalid(cron("x", "0 * * * *", "later"), "misfire", "use skip");
    assertInvalid(cron("bad name", "0 * * * *", null), "name", "not a valid schedule name");
    assertInvalid(cron("-x", "0 * * * *", null), "name", "not a valid schedule name");
    assertInvalid(cron("x".repeat(65), "0 * * * *", null), "name", "use 1-64");
    assertInvalid(
        new ScheduleSpec(
            "x", "0 * * * *", null, null, review().withData(Json.MAPPER.createArrayNode()), null),
        "task.data",
        "JSON object");
    assertInvalid(
        new ScheduleSpec("x", "0 * * * *", null, null, review().withPriority(-1), null),
        "task.priority",
        "between 0");
    assertInvalid(
        new ScheduleSpec("x", "0 * * * *", null, null, review().withIdempotencyKey("k"), null),
        "task.idempotencyKey",
        "set by the scheduler");
    assertThat(service().listSchedules()).isEmpty();
  }

  private void assertInvalid(ScheduleSpec spec, String field, String message) {
    assertThatThrownBy(() -> service().addSchedule(spec))
        .isInstanceOfSatisfying(
            InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(message);
  }

  @Test
  void the_created_task_carries_the_template() {
    JsonNode data = Json.parse("data", "{\"pr\":17,\"repo\":\"coordd\"}");
    NewTask template =
        NewTask.of("review")
            .withAssignedTo("alice")
            .withData(data)
            .withDescription("weekly review")
            .withPriority(5)
            .withMaxAttempts(2)
            .withTimeoutMs(60_000);
    service()
        .addSchedule(
            new ScheduleSpec("weekly", "0 9 * * MON", null, "Europe/Berlin", template, null));
    // 2026-01-05 is the first Monday; 09:00 in Berlin is 08:00Z.
    long slot = Instant.parse("2026-01-05T08:00:00Z").toEpochMilli();
    assertThat(shown("weekly").nextRunAt()).isEqualTo(slot);
    fx.advance(Duration.ofMillis(slot - fx.clock.millis()));
    List<Task> tasks = tasksOf("weekly");
    assertThat(tasks).hasSize(1);
    Task t = service().getTask(tasks.get(0).id());
    assertThat(t.type()).isEqualTo("review");
    assertThat(t.assignedTo()).isEqualTo("alice");
    assertThat(t.data()).isEqualTo(data);
    assertThat(t.description()).isEqualTo("weekly review");
    assertThat(t.priority()).isEqualTo(5);
    assertThat(t.maxAttempts()).isEqualTo(2);
    assertThat(t.timeoutMs()).isEqualTo(60_000L);
    assertThat(t.createdBy()).isEqualTo("schedule:weekly");
    assertThat(t.idempotencyKey()).isEqualTo(key("weekly", slot));
    assertThat(shown("weekly").task()).isEqualTo(template);
  }

  @Test
  void list_shows_every_schedule_with_its_next_run_in_its_zone() {
    service()
        .addSchedule(
            new ScheduleSpec("ny-morning", "0 9 * * *", null, "America/New_York", review(), null));
    service().addSchedule(every("tick", Duration.ofMinutes(5), null));
    List<Schedule> all = service().listSchedules();
    assertThat(all).extracting(Schedule::name).containsExactly("ny-morning", "tick");
    assertThat(all.get(0).nextRunAt()) // 09:00 EST = 14:00Z
        .isEqualTo(Instant.parse("2026-01-01T14:00:00Z").toEpochMilli());
    assertThat(all.get(0).zone()).isEqualTo("America/New_York");
    assertThat(all.get(1).nextRunAt()).isEqualTo(T0 + Duration.ofMinutes(5).toMillis());
    assertThat(all.get(1).lastRunAt()).isNull();
  }

  @Test
  void a_slot_whose_task_cannot_be_created_is_recorded_and_the_schedule_goes_on() {
    // Nobody runs this type and it is not assigned: creation refuses it, at every slot.
    service()
        .addSchedule(
            new ScheduleSpec(
                "orphan", "0 * * * *", null, null, NewTask.of("nobody_runs_this"), null));
    fx.advance(Duration.ofHours(1));
    assertThat(tasksOf("orphan")).isEmpty();
    assertThat(scheduler().lastError("orphan")).contains("no handler for task type");
    Schedule s = shown("orphan");
    assertThat(s.nextRunAt()).isEqualTo(T0 + 2 * HOUR);
    assertThat(s.lastRunAt()).isNull();

    // Once an agent can run the type, the next slot works and the error is cleared.
    service()
        .registerAgent(
            new dev.coordd.api.AgentRegistration(
                "bob", "worker", List.of("nobody_runs_this"), null));
    fx.advance(Duration.ofHours(1));
    assertThat(keysOf("orphan")).containsExactly(key("orphan", T0 + 2 * HOUR));
    assertThat(scheduler().lastError("orphan")).isNull();
  }

  @Test
  void config_schedules_are_upserted_keep_their_state_and_go_when_the_config_drops_them() {
    Map<String, ScheduleSpec> config =
        Scheduler.parseConfig(
            Json.parse(
                "config",
                "{\"nightly\": {\"cron\": \"0 2 * * *\", \"zone\": \"Europe/Berlin\","
                    + " \"task\": {\"type\": \"review\", \"assignedTo\": \"alice\","
                    + " \"data\": {\"scope\": \"all\"}, \"timeout\": \"5m\"}},"
                    + " \"tick\": {\"every\": \"30m\", \"misfire\": \"run_once\","
                    + " \"task\": {\"type\": \"review\", \"assignedTo\": \"alice\"}}}"));
    service().addSchedule(every("tick", Duration.ofHours(1), null)); // config takes it over
    service().addSchedule(every("mine", Duration.ofHours(1), null)); // an API one stays

    Scheduler first = new Scheduler(fx.daemon.engine(), config, service()::createTask);
    Map<String, Schedule> byName = byName(first.list());
    assertThat(byName).containsOnlyKeys("nightly", "tick", "mine");
    assertThat(byName.get("nightly").source()).isEqualTo("config");
    assertThat(byName.get("nightly").nextRunAt()) // 02:00 CET = 01:00Z
        .isEqualTo(T0 + HOUR);
    assertThat(byName.get("nightly").task().timeoutMs()).isEqualTo(300_000L);
    assertThat(byName.get("tick").source()).isEqualTo("config");
    assertThat(byName.get("tick").everyMs()).isEqualTo(Duration.ofMinutes(30).toMillis());
    assertThat(byName.get("mine").source()).isEqualTo("api");

    assertThatThrownBy(() -> first.remove("nightly"))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("configuration file");
    first.pause("nightly");
    fx.advance(Duration.ofMinutes(30));
    first.fireDue();
    Schedule ticked = byName(first.list()).get("tick");
    assertThat(ticked.lastTaskId()).isNotNull();

    // Built again from the same config (a restart): the pause and the last run stay.
    Scheduler again = new Scheduler(fx.daemon.engine(), config, service()::createTask);
    byName = byName(again.list());
    assertThat(byName.get("nightly").paused()).isTrue();
    assertThat(byName.get("tick").lastTaskId()).isEqualTo(ticked.lastTaskId());
    assertThat(byName.get("tick").nextRunAt()).isEqualTo(ticked.nextRunAt());

    // A config without nightly deletes it; API schedules are not the config's to delete.
    Scheduler dropped =
        new Scheduler(
            fx.daemon.engine(), Map.of("tick", config.get("tick")), service()::createTask);
    assertThat(byName(dropped.list())).containsOnlyKeys("tick", "mine");
  }

  private static Map<String, Schedule> byName(List<Schedule> list) {
    return list.stream().collect(java.util.stream.Collectors.toMap(Schedule::name, s -> s));
  }

  @Test
  void parse_config_names_the_schedule_and_field_of_each_problem() {
    assertThat(Scheduler.parseConfig(null)).isEmpty();
    assertConfigError("[]", "schedules must be an object");
    assertConfigError(
        "{\"n\": {\"cron\": \"61 * * * *\", \"task\": {\"type\": \"x\"}}}",
        "schedules.n.cron '61 * * * *' is invalid: minute field '61': allowed 0-59");
    assertConfigError(
        "{\"n\": {\"every\": \"soon\", \"task\": {\"type\": \"x\"}}}",
        "schedules.n.every invalid duration \"soon\"");
    assertConfigError(
        "{\"n\": {\"every\": \"500ms\", \"task\": {\"type\": \"x\"}}}",
        "schedules.n.every must be at least 1000 ms");
    assertConfigError(
        "{\"n\": {\"cron\": \"@daily\", \"task\": {\"description\": \"d\"}}}",
        "schedules.n.task.type is required");
    assertConfigError("{\"n\": {\"cron\": \"@daily\"}}", "schedules.n.task is required");
    assertConfigError(
        "{\"n\": {\"cron\": \"@daily\", \"zone\": \"Nowhere\"," + " \"task\": {\"type\": \"x\"}}}",
        "schedules.n.zone 'Nowhere' is not a known time zone");
    assertConfigError(
        "{\"n\": {\"cron\": \"@daily\", \"misfire\": \"twice\"," + " \"task\": {\"type\": \"x\"}}}",
        "schedules.n.misfire 'twice' is not a misfire policy");
    assertConfigError(
        "{\"n\": {\"cron\": \"@daily\", \"crn\": 1, \"task\": {\"type\": \"x\"}}}",
        "schedules.n.crn is not a known key");
    assertConfigError(
        "{\"n\": {\"cron\": \"@daily\", \"task\": {\"type\": \"x\"," + " \"timeout\": \"-\"}}}",
        "schedules.n.task.timeout invalid duration");
    assertConfigError(
        "{\"n\": {\"cron\": \"@daily\", \"task\": {\"type\": \"x\"," + " \"priority\": \"high\"}}}",
        "schedules.n.task.priority must be a whole number, got a string \"high\"");
    assertConfigError(
        "{\"n\": {\"cron\": \"@daily\", \"task\": {\"type\": \"x\","
            + " \"idempotencyKey\": \"k\"}}}",
        "schedules.n.task.idempotencyKey is not a known field; allowed: type, description");
    assertConfigError(
        "{\"bad name\": {\"cron\": \"@daily\", \"task\": {\"type\": \"x\"}}}",
        "schedules.bad name 'bad name' is not a valid schedule name");
    assertConfigError("{\"n\": \"@daily\"}", "schedules.n must be an object");

    Map<String, ScheduleSpec> ok =
        Scheduler.parseConfig(
            Json.parse(
                "c",
                "{\"n\": {\"every\": 90000, \"task\": {\"type\": \"x\", \"maxAttempts\": 2}}}"));
    assertThat(ok.get("n"))
        .isEqualTo(
            new ScheduleSpec("n", null, 90_000L, null, NewTask.of("x").withMaxAttempts(2), null));
  }

  private static void assertConfigError(String json, String message) {
    assertThatThrownBy(() -> Scheduler.parseConfig(Json.parse("c", json)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
