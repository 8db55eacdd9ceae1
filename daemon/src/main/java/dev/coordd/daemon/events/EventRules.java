package dev.coordd.daemon.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NewTask;
import dev.coordd.daemon.spec.Rules;
import dev.coordd.daemon.spec.TaskSpecReader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code eventRules} setting: a JSON array of {@code {"topic": PATTERN, "task": {…},
 * "assignTo": [AGENT…] | "*subscribers"}}. The task is read by {@link TaskSpecReader#EVENT_RULE},
 * the reader every door uses (type, description, data, priority, maxAttempts, delay, timeout…).
 */
public final class EventRules {
  static final String EXAMPLE =
      "[{\"topic\": \"build.failed\", \"task\": {\"type\": \"triage\"},"
          + " \"assignTo\": \"*subscribers\"}]";
  private static final List<String> RULE_KEYS = List.of("topic", "task", "assignTo");

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
    try {
      return TaskSpecReader.EVENT_RULE.read(at, t);
    } catch (InvalidRequestException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
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
      if (value == null) {
        throw bad(at + "[" + i + "] must be an agent name (a string): " + Rules.NAME_RULE);
      }
      try {
        names.add(Rules.name(at + "[" + i + "]", value));
      } catch (InvalidRequestException e) {
        throw bad(e.getMessage());
      }
    }
    return List.copyOf(names);
  }

  private static void unknownKeys(String at, JsonNode object, List<String> allowed) {
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw bad(at + "." + key + " is not a known key; allowed: " + String.join(", ", allowed));
      }
    }
  }

  private static IllegalArgumentException bad(String message) {
    return new IllegalArgumentException(message);
  }
}
