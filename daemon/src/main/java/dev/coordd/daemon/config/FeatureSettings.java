package dev.coordd.daemon.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.ScheduleSpec;
import dev.coordd.daemon.events.EventRule;
import dev.coordd.daemon.events.EventRules;
import dev.coordd.daemon.schedules.Scheduler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Settings whose shape belongs to their feature (event rules, schedules): the schema only says
 * array or object, and the feature's own parser checks the rest, here for each source and again
 * when binding.
 */
final class FeatureSettings {
  private static final Map<String, Function<JsonNode, ?>> PARSERS = new LinkedHashMap<>();

  static {
    PARSERS.put("eventRules", EventRules::parseRules);
    PARSERS.put("schedules", Scheduler::parseConfig);
  }

  private FeatureSettings() {}

  /** The parsers' complaints about one source; a refused value leaves its tree. */
  static List<String> check(SettingSource source) {
    List<String> problems = new ArrayList<>();
    for (var p : PARSERS.entrySet()) {
      JsonNode value = source.tree().get(p.getKey());
      if (value == null) {
        continue;
      }
      try {
        p.getValue().apply(value);
      } catch (IllegalArgumentException e) {
        problems.add(
            Problems.invalid(
                source.where(), p.getKey(), source.shown("/" + p.getKey()), e.getMessage()));
        source.tree().remove(p.getKey());
      }
    }
    return problems;
  }

  static final class EventRulesDeserializer extends JsonDeserializer<List<EventRule>> {
    @Override
    public List<EventRule> deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      return EventRules.parseRules(p.readValueAsTree());
    }
  }

  static final class SchedulesDeserializer extends JsonDeserializer<Map<String, ScheduleSpec>> {
    @Override
    public Map<String, ScheduleSpec> deserialize(JsonParser p, DeserializationContext ctxt)
        throws IOException {
      return Scheduler.parseConfig(p.readValueAsTree());
    }
  }
}
