package dev.coordd.daemon.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges the sources into one tree (later sources win; a section such as {@code store} is merged
 * key by key, any other setting is replaced whole), fills in the schema's defaults and binds the
 * result into {@link DaemonConfig} with Jackson.
 */
final class ConfigBinder {
  /** Relative paths resolve against this: the folder that holds the home. */
  private static final String BASE = "coordd.base";

  private static final ObjectMapper MAPPER =
      Json.MAPPER
          .copy()
          .registerModule(
              new SimpleModule("coordd-config")
                  .addDeserializer(Duration.class, new DurationDeserializer())
                  .addDeserializer(Path.class, new PathDeserializer()));

  /** The merged settings, and which source gave each one (by dotted path). */
  record Merged(ObjectNode tree, Map<String, SettingSource> origins) {}

  private ConfigBinder() {}

  static Merged merge(List<SettingSource> sources) {
    ObjectNode tree = JsonNodeFactory.instance.objectNode();
    Map<String, SettingSource> origins = new LinkedHashMap<>();
    for (SettingSource s : sources) {
      merge(tree, s.tree(), "", ConfigSchema.ROOT, s, origins);
    }
    return new Merged(tree, origins);
  }

  private static void merge(
      ObjectNode into,
      ObjectNode from,
      String prefix,
      JsonNode schema,
      SettingSource source,
      Map<String, SettingSource> origins) {
    for (var e : from.properties()) {
      JsonNode keySchema = ConfigSchema.resolve(schema).path("properties").path(e.getKey());
      if (ConfigSchema.isSection(keySchema) && e.getValue() instanceof ObjectNode section) {
        merge(
            into.with(e.getKey()), section, prefix + e.getKey() + ".", keySchema, source, origins);
      } else {
        into.set(e.getKey(), e.getValue().deepCopy());
        origins.put(prefix + e.getKey(), source);
      }
    }
  }

  /**
   * Binds settings (defaults filled in) for a home.
   *
   * @throws IOException when a value cannot be bound; the schema check makes that rare
   */
  static DaemonConfig bind(Path home, ObjectNode settings) throws IOException {
    Path abs = home.toAbsolutePath().normalize();
    ObjectNode tree = settings.deepCopy();
    if (!tree.has("name") && "postgres".equals(tree.path("store").path("kind").asText())) {
      // Daemons sharing a PostgreSQL store are agents of one registry: one name each, by machine.
      tree.put("name", DaemonConfig.DEFAULT_NAME + "@" + HostName.get());
    }
    ConfigSchema.fillDefaults(tree, ConfigSchema.ROOT);
    tree.put("home", abs.toString());
    return MAPPER.readerFor(DaemonConfig.class).withAttribute(BASE, base(abs)).readValue(tree);
  }

  static Path base(Path home) {
    Path abs = home.toAbsolutePath().normalize();
    return abs.getParent() == null ? abs : abs.getParent();
  }

  /** Every duration setting: the text forms {@link Durations#parse} reads, or milliseconds. */
  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonNode v = p.readValueAsTree();
      try {
        return DurationHint.parse(v);
      } catch (IllegalArgumentException e) {
        return (Duration) ctxt.handleWeirdStringValue(Duration.class, v.asText(), e.getMessage());
      }
    }
  }

  /** Paths in settings are relative to the folder that holds the home, stored absolute. */
  private static final class PathDeserializer extends JsonDeserializer<Path> {
    @Override
    public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String text = p.getValueAsString();
      try {
        return ((Path) ctxt.getAttribute(BASE)).resolve(text).toAbsolutePath().normalize();
      } catch (InvalidPathException e) {
        return (Path) ctxt.handleWeirdStringValue(Path.class, text, e.getReason());
      }
    }
  }
}
