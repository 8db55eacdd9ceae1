package dev.coordd.daemon.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.ConflictException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.Schedule;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.api.Task;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.schedules.ScheduleSpecs.Plan;
import dev.coordd.daemon.store.ScheduleStore;
import dev.coordd.daemon.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cron and interval schedules, one task per slot.
 *
 * <p><b>Slots.</b> A cron schedule's slots are the minutes its {@link CronExpression} matches in
 * its zone; an interval schedule's are {@code createdAt + k * everyMs} for k ≥ 1. A slot's task is
 * created through the service (so it is validated, announced and woken like any other) with the
 * idempotency key {@code schedule:<name>:<slot epoch millis>} and {@code createdBy
 * schedule:<name>}: a restart between creating the task and moving the schedule on, or a second
 * daemon on the same store, finds the existing task instead of creating another.
 *
 * <p><b>Firing.</b> {@link #fireDue()} runs in every housekeeping round (every 250 ms). For each
 * unpaused schedule whose next run is due it picks the latest due slot and
 *
 * <ul>
 *   <li>fires it when it is on time: at most {@link #MISFIRE_GRACE} late (Quartz's default misfire
 *       threshold; a running daemon is never more than a round late, so only a daemon that was
 *       down, suspended or stalled is later);
 *   <li>otherwise the slots were missed, and the schedule's misfire policy decides: {@code skip}
 *       creates nothing (the schedule resumes at its next slot), {@code run_once} creates exactly
 *       one task, for the latest missed slot, however many were missed.
 * </ul>
 *
 * Either way the schedule then moves to its first slot after now, so a long outage never causes a
 * burst. A task that cannot be created (its type has no handler any more, its data fails the
 * handler's schema…) is logged at WARN and kept as the schedule's last error, and the schedule
 * still moves on. The template is checked for shape when the schedule is added (see {@link
 * ScheduleSpecs}); whether someone can run the type is judged when a slot fires, because agents and
 * handlers come and go.
 *
 * <p><b>Config schedules</b> are upserted when the scheduler is built (source {@code config}): they
 * keep their pause flag, last run and next run across restarts (the next run is recomputed only
 * when the timing changed), take over an API schedule of the same name, and are deleted when the
 * configuration no longer names them. {@link #remove} refuses them (they would come back at the
 * next start): pause them, or edit the configuration.
 *
 * <p>Thread-safe: changes go through the store's writer; firing rounds never overlap.
 */
public final class Scheduler {
  /** How late a slot may fire and still count as on time rather than missed. */
  public static final Duration MISFIRE_GRACE = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final Store store;
  private final Clock clock;
  private final ScheduleStore schedules = new ScheduleStore();
  private final Function<NewTask, Task> createTask;
  private final Map<String, CronExpression> crons = new ConcurrentHashMap<>();
  private final ReentrantLock round = new ReentrantLock();

  /**
   * @param fromConfig schedules from the configuration file, upserted at start (source config)
   * @param createTask creates a task through the service (validation, wake-ups, idempotency)
   * @throws InvalidRequestException when a configured schedule is invalid
   */
  public Scheduler(
      Engine engine, Map<String, ScheduleSpec> fromConfig, Function<NewTask, Task> createTask) {
    this.store = engine.store();
    this.clock = engine.clock();
    this.createTask = Objects.requireNonNull(createTask, "createTask");
    syncConfig(fromConfig == null ? Map.of() : fromConfig);
  }

  public Schedule add(ScheduleSpec spec) {
    Plan p = ScheduleSpecs.plan(spec);
    long now = clock.millis();
    Schedule s =
        new Schedule(
            p.name(),
            p.cronText(),
            p.everyMs(),
            p.zone().getId(),
            p.task(),
            p.misfire(),
            false,
            slotAfter(p.cron(), p.everyMs(), p.zone(), now, now),
            null,
            null,
            "api",
            now);
    Schedule added = store.writer().execute(tx -> schedules.insert(tx, s));
    if (added == null) {
      throw new ConflictException(
          "a schedule named '"
              + p.name()
              + "' already exists; remove it"
              + " first or choose another name");
    }
    log.info(
        "schedule {} added ({}); next run {}",
        added.name(),
        when(added),
        Instant.ofEpochMilli(added.nextRunAt()));
    return added;
  }

  /** Every schedule by name, with its next run (null while paused). */
  public List<Schedule> list() {
    return store.read(schedules::list);
  }

  /** The schedule by name, or not-found. */
  public Schedule get(String name) {
    String n = existingName(name);
    Schedule s = store.read(tx -> schedules.get(tx, n));
    if (s == null) {
      throw notFound(n);
    }
    return s;
  }

  /** The error of the schedule's last firing round (its task could not be created), or null. */
  public String lastError(String name) {
    String n = existingName(name);
    return store.read(tx -> schedules.lastError(tx, n));
  }

  public void remove(String name) {
    String n = existingName(name);
    Schedule found =
        store
            .writer()
            .execute(
                tx -> {
                  Schedule s = schedules.get(tx, n);
                  if (s != null && !"config".equals(s.source())) {
                    schedules.delete(tx, n);
                  }
                  return s;
                });
    if (found == null) {
      throw notFound(n);
    }
    if ("config".equals(found.source())) {
      throw new ConflictException(
          "schedule '"
              + n
              + "' comes from the configuration file and"
              + " would come back at the next start; remove it there, or pause it");
    }
    log.info("schedule {} removed", n);
  }

  /** Stops a schedule from firing; pausing a paused schedule changes nothing. */
  public Schedule pause(String name) {
    String n = existingName(name);
    boolean[] changed = {false};
    Schedule s =
        store
            .writer()
            .execute(
                tx -> {
                  Schedule current = schedules.get(tx, n);
                  changed[0] = current != null && !current.paused();
                  return changed[0] ? schedules.setPaused(tx, n, true, null) : current;
                });
    if (s == null) {
      throw notFound(n);
    }
    if (changed[0]) {
      log.info("schedule {} paused", n);
    }
    return s;
  }

  /**
   * Lets a paused schedule fire again from its first slot after now: the slots that passed while it
   * was paused are not made up. Resuming a running schedule changes nothing.
   */
  public Schedule resume(String name) {
    String n = existingName(name);
    long now = clock.millis();
    boolean[] changed = {false};
    Schedule s =
        store
            .writer()
            .execute(
                tx -> {
                  Schedule current = schedules.get(tx, n);
                  changed[0] = current != null && (current.paused() || current.nextRunAt() == null);
                  return changed[0]
                      ? schedules.setPaused(tx, n, false, slotAfter(current, now))
                      : current;
                });
    if (s == null) {
      throw notFound(n);
    }
    if (changed[0]) {
      log.info("schedule {} resumed; next run {}", n, Instant.ofEpochMilli(s.nextRunAt()));
    }
    return s;
  }

  /** Housekeeping chore: creates the tasks of every slot that came due, once per slot. */
  public void fireDue() {
    round.lock();
    try {
      long now = clock.millis();
      for (Schedule s : store.read(tx -> schedules.due(tx, now))) {
        try {
          fire(s, now);
        } catch (RuntimeException e) {
          log.error("schedule {}: firing round failed; it is tried again next round", s.name(), e);
        }
      }
    } finally {
      round.unlock();
    }
  }

  private void fire(Schedule s, long now) {
    long slot;
    long next;
    try {
      slot = latestSlot(s, now);
      next = slotAfter(s, now);
    } catch (RuntimeException e) {
      // E.g. a zone this JDK no longer knows. Park the schedule (no next run) rather than fail
      // every round; re-adding or resuming it once fixed computes a fresh next run.
      log.error(
          "schedule {}: cannot compute its slots; it stops firing: {}", s.name(), e.getMessage());
      store
          .writer()
          .execute(
              tx ->
                  schedules.advance(
                      tx,
                      s.name(),
                      s.nextRunAt(),
                      null,
                      null,
                      null,
                      "cannot compute the next slot: " + e.getMessage()));
      return;
    }
    long late = now - slot;
    String taskId = null;
    Long ranAt = null;
    String error = null;
    if (late <= MISFIRE_GRACE.toMillis() || "run_once".equals(s.misfire())) {
      NewTask task =
          s.task()
              .withIdempotencyKey("schedule:" + s.name() + ":" + slot)
              .withCreatedBy("schedule:" + s.name());
      try {
        Task created = createTask.apply(task);
        taskId = created.id();
        ranAt = now;
        if (late > MISFIRE_GRACE.toMillis()) {
          log.info(
              "schedule {}: slot(s) missed up to {}; created one task {} for them (misfire"
                  + " run_once)",
              s.name(),
              Instant.ofEpochMilli(slot),
              taskId);
        } else {
          log.debug(
              "schedule {}: slot {} created task {}", s.name(), Instant.ofEpochMilli(slot), taskId);
        }
      } catch (UnavailableException e) {
        throw e; // the store, not the task: leave the slot due and try again next round
      } catch (RuntimeException e) {
        error = "slot " + Instant.ofEpochMilli(slot) + ": " + e.getMessage();
        log.warn(
            "schedule {}: creating the task of slot {} failed: {}; the schedule goes on",
            s.name(),
            Instant.ofEpochMilli(slot),
            e.getMessage());
      }
    } else {
      log.info(
          "schedule {}: skipped the slot(s) missed from {} to {} (misfire skip); next run {}",
          s.name(),
          Instant.ofEpochMilli(s.nextRunAt()),
          Instant.ofEpochMilli(slot),
          Instant.ofEpochMilli(next));
    }
    String id = taskId;
    Long at = ranAt;
    String err = error;
    store.writer().execute(tx -> schedules.advance(tx, s.name(), s.nextRunAt(), next, at, id, err));
  }

  /** The latest slot at or before {@code now}, given that {@code s.nextRunAt()} is one. */
  private long latestSlot(Schedule s, long now) {
    long first = s.nextRunAt();
    if (s.everyMs() != null) {
      long k = Math.floorDiv(now - s.createdAt(), s.everyMs());
      return Math.max(first, s.createdAt() + k * s.everyMs());
    }
    CronExpression cron = cron(s.cron());
    ZoneId zone = ZoneId.of(s.zone());
    long latest = first;
    // After a long outage, start a day back rather than walk every missed minute.
    long recent =
        cron.next(Instant.ofEpochMilli(now - Duration.ofDays(1).toMillis()), zone).toEpochMilli();
    if (recent <= now && recent > latest) {
      latest = recent;
    }
    for (long n = cron.next(Instant.ofEpochMilli(latest), zone).toEpochMilli();
        n <= now;
        n = cron.next(Instant.ofEpochMilli(n), zone).toEpochMilli()) {
      latest = n;
    }
    return latest;
  }

  private long slotAfter(Schedule s, long t) {
    return slotAfter(
        s.cron() == null ? null : cron(s.cron()),
        s.everyMs(),
        ZoneId.of(s.zone()),
        s.createdAt(),
        t);
  }

  /** The first slot strictly after {@code t}. */
  private static long slotAfter(
      CronExpression cron, Long everyMs, ZoneId zone, long createdAt, long t) {
    if (cron != null) {
      return cron.next(Instant.ofEpochMilli(t), zone).toEpochMilli();
    }
    long k = Math.max(1, Math.floorDiv(t - createdAt, everyMs) + 1);
    return createdAt + k * everyMs;
  }

  private CronExpression cron(String text) {
    return crons.computeIfAbsent(text, CronExpression::parse);
  }

  // --- configuration ---

  private void syncConfig(Map<String, ScheduleSpec> fromConfig) {
    Map<String, Plan> plans = new LinkedHashMap<>();
    // The configuration's key is the name, whatever the spec says.
    fromConfig.forEach(
        (name, spec) ->
            plans.put(
                name,
                ScheduleSpecs.plan(
                    new ScheduleSpec(
                        name,
                        spec.cron(),
                        spec.everyMs(),
                        spec.zone(),
                        spec.task(),
                        spec.misfire()))));
    long now = clock.millis();
    List<String> changes =
        store
            .writer()
            .execute(
                tx -> {
                  List<String> done = new ArrayList<>();
                  for (Schedule s : schedules.list(tx)) {
                    if ("config".equals(s.source()) && !plans.containsKey(s.name())) {
                      schedules.delete(tx, s.name());
                      done.add(s.name() + " removed (no longer in the configuration)");
                    }
                  }
                  for (Plan p : plans.values()) {
                    Schedule old = schedules.get(tx, p.name());
                    if (old == null) {
                      schedules.insert(
                          tx,
                          new Schedule(
                              p.name(),
                              p.cronText(),
                              p.everyMs(),
                              p.zone().getId(),
                              p.task(),
                              p.misfire(),
                              false,
                              slotAfter(p.cron(), p.everyMs(), p.zone(), now, now),
                              null,
                              null,
                              "config",
                              now));
                      done.add(p.name() + " added");
                      continue;
                    }
                    boolean sameTiming =
                        Objects.equals(old.cron(), p.cronText())
                            && Objects.equals(old.everyMs(), p.everyMs())
                            && old.zone().equals(p.zone().getId());
                    Long next =
                        old.paused()
                            ? null
                            : sameTiming && old.nextRunAt() != null
                                ? old.nextRunAt()
                                : slotAfter(p.cron(), p.everyMs(), p.zone(), old.createdAt(), now);
                    Schedule updated =
                        new Schedule(
                            p.name(),
                            p.cronText(),
                            p.everyMs(),
                            p.zone().getId(),
                            p.task(),
                            p.misfire(),
                            old.paused(),
                            next,
                            old.lastRunAt(),
                            old.lastTaskId(),
                            "config",
                            old.createdAt());
                    if (!updated.equals(old)) {
                      schedules.replace(tx, updated);
                      done.add(
                          p.name()
                              + ("config".equals(old.source())
                                  ? " updated"
                                  : " taken over from the API by the configuration"));
                    }
                  }
                  return done;
                });
    changes.forEach(c -> log.info("config schedule {}", c));
  }

  /**
   * Parses and checks the {@code schedules} setting; see {@link ScheduleSpecs#parseConfig}.
   *
   * @return the schedules by name, in the order given; empty for null
   * @throws IllegalArgumentException naming {@code schedules.<name>.<field>}, the value and what is
   *     allowed
   */
  public static Map<String, ScheduleSpec> parseConfig(JsonNode node) {
    return ScheduleSpecs.parseConfig(node);
  }

  private static String existingName(String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidRequestException("name", "a schedule name is required");
    }
    return name.strip();
  }

  private static NotFoundException notFound(String name) {
    return new NotFoundException("no schedule named '" + name + "'; see coordd schedule list");
  }

  private static String when(Schedule s) {
    return s.cron() != null
        ? "cron '" + s.cron() + "' in " + s.zone()
        : "every " + Durations.format(Duration.ofMillis(s.everyMs()));
  }
}
