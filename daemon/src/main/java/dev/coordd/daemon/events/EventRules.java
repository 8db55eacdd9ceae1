package dev.coordd.daemon.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.daemon.config.Durations;
import dev.coordd.daemon.spec.Rules;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code eventRules} setting: a JSON array of {@code {"topic": PATTERN, "task": {type,
 * description?, data?, priority?, maxAttempts?, timeout?}, "assignTo": [AGENT…] | "*subscribers"}}.
 */
public final class EventRules {
  static final String EXAMPLE =
      "[{\"topic\": \"build.failed\", \"task\": {\"type\": \"triage\"},"
          + " \"assignTo\": \"*subscribers\"}]";
  private static final List<String> RULE_KEYS = List.of("topic", "task", "assignTo");
  private static final List<String> TASK_KEYS =
      List.of("type", "description", "data", "priority", "maxAttempts", "timeout");
  private static final int MAX_DESCRIPTION = 10_000;

  private EventRules() {}

  /**
   * Validates and converts the setting; null or JSON null is no rules.
   *
   * @throws IllegalArgumentException naming {@code eventRules[i].field} of the first problem and
   *     what is allowed there
   */
  public static List<EventRule> parseRules(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw bad("eventRules must be an array of rules, e.g. " + EXAMPLE);
    }
    List<EventRule> rules = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      rules.add(rule("eventRules[" + i + "]", node.get(i)));
    }
    return List.copyOf(rules);
  }

  private static EventRule rule(String at, JsonNode r) {
    if (!r.isObject()) {
      throw bad(
          at
              + " must be an object with topic, task and assignTo, e.g. "
              + EXAMPLE.substring(1, EXAMPLE.length() - 1));
    }
    unknownKeys(at, r, RULE_KEYS);
    JsonNode topic = r.get("topic");
    if (topic == null || topic.isNull()) {
      throw bad(at + ".topic is required: the topic pattern the rule reacts to, e.g. build.*");
    }
    if (!topic.isTextual()) {
      throw bad(at + ".topic must be a topic pattern as a string, e.g. build.*");
    }
    try {
      TopicPattern.parse(at + ".topic", topic.textValue());
    } catch (InvalidRequestException e) {
      throw bad(e.getMessage());
    }
    NewTask task = task(at + ".task", r.get("task"));
    return new EventRule(topic.textValue(), task, assignTo(at + ".assignTo", r.get("assignTo")));
  }

  private static NewTask task(String at, JsonNode t) {
    if (t == null || t.isNull()) {
      throw bad(at + " is required: the task to create, e.g. {\"type\": \"triage\"}");
    }
    if (!t.isObject()) {
      throw bad(at + " must be an object like {\"type\": \"triage\", \"priority\": 5}");
    }
    unknownKeys(at, t, TASK_KEYS);
    JsonNode type = t.get("type");
    if (type == null || type.isNull()) {
      throw bad(at + ".type is required: the task type to create");
    }
    if (!type.isTextual() || !Rules.isName(type.textValue())) {
      throw bad(
          at
              + ".type must be a task type: 1-128 letters, digits and . _ @ : -"
              + " (starting with a letter or digit)");
    }
    NewTask task = NewTask.of(type.textValue());
    JsonNode description = t.get("description");
    if (present(description)) {
      if (!description.isTextual() || description.textValue().length() > MAX_DESCRIPTION) {
        throw bad(
            at + ".description must be a string of at most " + MAX_DESCRIPTION + " characters");
      }
      task = task.withDescription(description.textValue());
    }
    JsonNode data = t.get("data");
    if (present(data)) {
      if (!data.isObject()) {
        throw bad(at + ".data must be a JSON object (the event is added to it as \"event\")");
      }
      task = task.withData(data.deepCopy());
    }
    JsonNode priority = t.get("priority");
    if (present(priority)) {
      task = task.withPriority(integer(at + ".priority", priority, 0, 1_000_000));
    }
    JsonNode maxAttempts = t.get("maxAttempts");
    if (present(maxAttempts)) {
      task = task.withMaxAttempts(integer(at + ".maxAttempts", maxAttempts, 1, 100));
    }
    JsonNode timeout = t.get("timeout");
    if (present(timeout)) {
      task = task.withTimeoutMs(timeout(at + ".timeout", timeout));
    }
    return task;
  }

  private static List<String> assignTo(String at, JsonNode a) {
    if (a == null || a.isNull()) {
      return List.of();
    }
    String allowed =
        " must be \""
            + Events.SUBSCRIBERS
            + "\" (every agent subscribed to the"
            + " topic) or an array of agent names";
    if (a.isTextual()) {
      if (a.textValue().equals(Events.SUBSCRIBERS)) {
        return List.of(Events.SUBSCRIBERS);
      }
      throw bad(at + allowed + ", e.g. [\"" + a.textValue() + "\"]");
    }
    if (!a.isArray()) {
      throw bad(at + allowed);
    }
    Set<String> names = new LinkedHashSet<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode n = a.get(i);
      String value = n.isTextual() ? n.textValue() : null;
      if (Events.SUBSCRIBERS.equals(value)) {
        if (a.size() != 1) {
          throw bad(
              at
                  + "["
                  + i
                  + "]: \""
                  + Events.SUBSCRIBERS
                  + "\" stands alone; it cannot be"
                  + " combined with agent names");
        }
        return List.of(Events.SUBSCRIBERS);
      }
      if (!Rules.isName(value)) {
        throw bad(
            at
                + "["
                + i
                + "] must be an agent name: 1-128 letters, digits and . _ @ : -"
                + " (starting with a letter or digit)");
      }
      names.add(value);
    }
    return List.copyOf(names);
  }

  private static int integer(String at, JsonNode v, int min, int max) {
    if (!v.canConvertToExactIntegral()
        || !v.canConvertToInt()
        || v.asInt() < min
        || v.asInt() > max) {
      throw bad(at + " must be a whole number from " + min + " to " + max);
    }
    return v.asInt();
  }

  private static long timeout(String at, JsonNode v) {
    Duration d;
    if (v.isTextual()) {
      try {
        d = Durations.parse(v.textValue());
      } catch (IllegalArgumentException e) {
        throw bad(at + " must be " + Durations.ALLOWED_FORMS);
      }
    } else if (v.canConvertToExactIntegral() && v.canConvertToLong()) {
      d = Duration.ofMillis(v.asLong());
    } else {
      throw bad(at + " must be " + Durations.ALLOWED_FORMS);
    }
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(3650)) > 0) {
      throw bad(at + " must be positive and at most ten years");
    }
    return d.toMillis();
  }

  private static void unknownKeys(String at, JsonNode object, List<String> allowed) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw bad(at + "." + key + " is not a known key; allowed: " + String.join(", ", allowed));
      }
    }
  }

  private static boolean present(JsonNode v) {
    return v != null && !v.isNull();
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(message);
  }
}
