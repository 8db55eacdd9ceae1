package dev.coordd.daemon.schedules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.spec.TaskSpecReader;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a valid schedule is: the {@code schedules} setting read from JSON, and the checks of a
 * {@link ScheduleSpec} from any door (the configuration, {@code scheduleAdd}). The task of a
 * schedule is read by {@link TaskSpecReader#SCHEDULE} and checked by {@link Rules#task}, like a
 * task from any other door; its shape is checked when the schedule is added, whether someone can
 * run its type when a slot fires, because agents and handlers come and go. Stateless.
 */
final class ScheduleSpecs {
  /** The shortest interval of an {@code every} schedule. */
  static final long MIN_EVERY_MS = 1_000;

  private static final Set<String> MISFIRES = Set.of("skip", "run_once");
  private static final Set<String> SCHEDULE_KEYS =
      Set.of("cron", "every", "zone", "misfire", "task");

  private ScheduleSpecs() {}

  /** A spec that passed every check, with its cron parsed and its zone resolved. */
  record Plan(
      String name,
      String cronText,
      CronExpression cron,
      Long everyMs,
      ZoneId zone,
      NewTask task,
      String misfire) {}

  /**
   * Parses and checks the {@code schedules} setting: {@code {"name": {"cron"|"every": …, "zone": …,
   * "misfire": …, "task": {"type": …, …}}}}. {@code every} is a duration ({@code 5m}, {@code
   * 1h30m}, {@code PT5S}) or whole milliseconds; the task takes the fields of {@link
   * TaskSpecReader#SCHEDULE}.
   *
   * @return the schedules by name, in the order given; empty for null
   * @throws IllegalArgumentException naming {@code schedules.<name>.<field>}, the value and what is
   *     allowed
   */
  static Map<String, ScheduleSpec> parseConfig(JsonNode node) {
    Map<String, ScheduleSpec> out = new LinkedHashMap<>();
    if (node == null || node.isNull() || node.isMissingNode()) {
      return out;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(
          "schedules must be an object of schedule name to"
              + " {\"cron\" or \"every\", \"zone\", \"misfire\", \"task\"}");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String name = e.getKey();
      String at = "schedules." + name;
      ScheduleSpec spec = configured(name, at, e.getValue());
      try {
        plan(spec);
      } catch (InvalidRequestException x) {
        throw new IllegalArgumentException(configMessage(at, x), x);
      }
      out.put(name, spec);
    }
    return out;
  }

  private static ScheduleSpec configured(String name, String at, JsonNode v) {
    if (!v.isObject()) {
      throw new IllegalArgumentException(
          at + " must be an object with \"cron\" or \"every\", and \"task\"");
    }
    for (Iterator<String> keys = v.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!SCHEDULE_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            at
                + "."
                + key
                + " is not a known key; allowed: "
                + String.join(", ", SCHEDULE_KEYS.stream().sorted().toList()));
      }
    }
    JsonNode t = v.get("task");
    if (t == null || t.isNull()) {
      throw new IllegalArgumentException(
          at
              + ".task is required: the task each slot creates,"
              + " e.g. {\"type\": \"review\", \"assignedTo\": \"alice\"}");
    }
    NewTask task;
    try {
      task = TaskSpecReader.SCHEDULE.read(at + ".task", t);
    } catch (InvalidRequestException x) {
      throw new IllegalArgumentException(x.getMessage(), x);
    }
    return new ScheduleSpec(
        name, text(v, at, "cron"), every(v, at), text(v, at, "zone"), task, text(v, at, "misfire"));
  }

  /** The message of a failed check under the configuration's path and spelling. */
  private static String configMessage(String at, InvalidRequestException x) {
    String field = x.field() == null ? "" : x.field();
    String message = x.getMessage();
    String what = message.startsWith(field + " ") ? message.substring(field.length()) : message;
    String path =
        switch (field) {
          case "name" -> "";
          case "everyMs" -> ".every";
          default -> "." + field;
        };
    return at + path + what;
  }

  private static String text(JsonNode obj, String at, String key) {
    JsonNode v = obj.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(at + "." + key + " must be a string, got " + v);
    }
    return v.textValue();
  }

  private static Long every(JsonNode obj, String at) {
    JsonNode v = obj.get("every");
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(
          at + ".every must be " + Durations.ALLOWED_FORMS + ", got " + v);
    }
    try {
      return Durations.parse(v.textValue()).toMillis();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(at + ".every " + e.getMessage());
    }
  }

  /**
   * Checks a spec from any door.
   *
   * @throws InvalidRequestException naming the field in the API's spelling ({@code everyMs}, {@code
   *     task.priority})
   */
  static Plan plan(ScheduleSpec spec) {
    if (spec == null) {
      throw invalid("spec", "is required: a schedule with name, cron or everyMs, and task");
    }
    String name = Rules.scheduleName("name", spec.name());
    String cronText = spec.cron() == null || spec.cron().isBlank() ? null : spec.cron().strip();
    if (cronText != null && spec.everyMs() != null) {
      throw invalid("cron", "and every are both given; a schedule has exactly one of them");
    }
    if (cronText == null && spec.everyMs() == null) {
      throw invalid(
          "cron",
          "or every is required: a cron expression such as"
              + " '0 9 * * MON-FRI', or an interval of at least 1s");
    }
    CronExpression cron = cronText == null ? null : cron(cronText);
    if (cron == null && (spec.everyMs() < MIN_EVERY_MS || spec.everyMs() > Rules.MAX_MILLIS)) {
      throw invalid(
          "everyMs",
          "must be at least "
              + MIN_EVERY_MS
              + " ms (1s) and at most ten years, got "
              + spec.everyMs()
              + " ms");
    }
    return new Plan(
        name,
        cronText,
        cron,
        cronText == null ? spec.everyMs() : null,
        zone(spec.zone()),
        template(spec.task()),
        misfire(spec.misfire()));
  }

  private static CronExpression cron(String cronText) {
    try {
      return CronExpression.parse(cronText);
    } catch (IllegalArgumentException e) {
      String whole = "cron expression '" + cronText + "' ";
      throw invalid(
          "cron",
          e.getMessage().startsWith(whole)
              ? "'" + cronText + "' " + e.getMessage().substring(whole.length())
              : "'" + cronText + "' is invalid: " + e.getMessage());
    }
  }

  private static ZoneId zone(String given) {
    String zoneText = given == null || given.isBlank() ? "UTC" : given.strip();
    try {
      return ZoneId.of(zoneText);
    } catch (DateTimeException e) {
      throw invalid(
          "zone",
          "'"
              + zoneText
              + "' is not a known time zone: use an IANA name such as Europe/Berlin or"
              + " America/New_York, UTC, or an offset such as +02:00");
    }
  }

  private static String misfire(String given) {
    String misfire = given == null || given.isBlank() ? "skip" : given.strip();
    if (!MISFIRES.contains(misfire)) {
      throw invalid(
          "misfire",
          "'"
              + misfire
              + "' is not a misfire policy: use skip (missed slots create nothing) or run_once"
              + " (one task for all missed slots)");
    }
    return misfire;
  }

  /** Checks the template's shape; whether someone can run its type is judged at each slot. */
  private static NewTask template(NewTask t) {
    if (t == null) {
      throw invalid("task", "is required: the task each slot creates, with at least its type");
    }
    if (t.idempotencyKey() != null) {
      throw invalid(
          "task.idempotencyKey",
          "is set by the scheduler for each slot (schedule:<name>:<slot>); leave it out");
    }
    return Rules.task("task", t).withCreatedBy(null);
  }

  private static InvalidRequestException invalid(String field, String what) {
    return new InvalidRequestException(field, field + " " + what);
  }
}
