package dev.coordd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Format;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion.VersionFlag;
import com.networknt.schema.ValidationMessage;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code config.schema.json}, the one description of every setting: its type and limits, its
 * default ({@code default}) and what an error message says is allowed ({@code x-hint}). Loaded once
 * from the jar and compiled with the duration format as an assertion.
 */
final class ConfigSchema {
  static final String RESOURCE = "/config.schema.json";
  static final String HINT = "x-hint";

  /** The parsed schema; read-only by convention. */
  static final JsonNode ROOT = read();

  static final JsonNode DURATION = ROOT.at("/$defs/duration");

  private static final JsonSchema COMPILED = compile();

  /** Setting path (dotted, e.g. {@code store.kind}) → its schema, in schema order. */
  static final Map<String, JsonNode> SETTINGS = settings();

  private ConfigSchema() {}

  static Set<ValidationMessage> validate(JsonNode tree) {
    return COMPILED.validate(tree);
  }

  /** The schema a {@code $ref} points to (local references only), else the node itself. */
  static JsonNode resolve(JsonNode schema) {
    JsonNode ref = schema == null ? null : schema.get("$ref");
    return ref != null && ref.asText().startsWith("#")
        ? ROOT.at(ref.asText().substring(1))
        : schema;
  }

  /** The schema at an evaluation path such as {@code /properties/commands/$ref/required}. */
  static JsonNode at(List<String> evaluationPath) {
    JsonNode node = ROOT;
    for (String segment : evaluationPath) {
      node = segment.equals("$ref") ? resolve(node) : node.path(segment);
    }
    return node;
  }

  /** A section is a fixed set of settings (store, http): merged key by key, not replaced. */
  static boolean isSection(JsonNode schema) {
    return resolve(schema).has("properties");
  }

  /** Fills in the schema's defaults wherever the tree leaves a setting out, to any depth. */
  static void fillDefaults(ObjectNode tree, JsonNode schema) {
    schema = resolve(schema);
    Set<String> fixed = new HashSet<>();
    for (var p : schema.path("properties").properties()) {
      fixed.add(p.getKey());
      JsonNode propSchema = resolve(p.getValue());
      JsonNode value = tree.get(p.getKey());
      if (value == null && p.getValue().has("default")) {
        tree.set(p.getKey(), p.getValue().get("default").deepCopy());
      } else if (value == null && propSchema.has("properties")) {
        fillDefaults(tree.putObject(p.getKey()), propSchema);
      } else if (value instanceof ObjectNode child) {
        fillDefaults(child, propSchema);
      }
    }
    JsonNode entries = schema.get("additionalProperties");
    if (entries != null && entries.isObject()) {
      for (var e : tree.properties()) {
        if (!fixed.contains(e.getKey()) && e.getValue() instanceof ObjectNode child) {
          fillDefaults(child, entries);
        }
      }
    }
  }

  /**
   * Drops {@code null} fields of map entries (a command handler, an agent runner): there, as always
   * in coordd, null means "not given", so the default applies. Top-level settings keep null, which
   * the schema refuses.
   */
  static void dropNullsInEntries(ObjectNode tree, JsonNode schema) {
    schema = resolve(schema);
    for (var p : schema.path("properties").properties()) {
      if (tree.get(p.getKey()) instanceof ObjectNode child) {
        dropNullsInEntries(child, p.getValue());
      }
    }
    JsonNode entries = resolve(schema.get("additionalProperties"));
    if (entries != null && entries.has("properties")) {
      for (JsonNode entry : tree) {
        if (entry instanceof ObjectNode fields) {
          List<String> nulls = new ArrayList<>();
          fields
              .properties()
              .forEach(
                  f -> {
                    if (f.getValue().isNull()) {
                      nulls.add(f.getKey());
                    }
                  });
          fields.remove(nulls);
        }
      }
    }
  }

  private static Map<String, JsonNode> settings() {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    collect("", ROOT, out);
    return out;
  }

  private static void collect(String prefix, JsonNode schema, Map<String, JsonNode> out) {
    for (var p : resolve(schema).path("properties").properties()) {
      String path = prefix + p.getKey();
      if (isSection(p.getValue())) {
        collect(path + ".", p.getValue(), out);
      } else {
        out.put(path, p.getValue());
      }
    }
  }

  /** The names of an object schema's fixed keys, in schema order. */
  static List<String> keys(JsonNode schema) {
    List<String> keys = new ArrayList<>();
    resolve(schema).path("properties").fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static JsonNode read() {
    try (InputStream in = ConfigSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the daemon jar");
      }
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonSchema compile() {
    JsonMetaSchema meta =
        JsonMetaSchema.builder(JsonMetaSchema.getV202012())
            .keyword(new NonValidationKeyword(HINT))
            .format(new DurationFormat())
            .build();
    JsonSchemaFactory factory =
        JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(VersionFlag.V202012))
            .metaSchema(meta)
            .build();
    SchemaValidatorsConfig config =
        SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    return factory.getSchema(ROOT, config);
  }

  /** {@code "format": "duration"}: text {@link Durations#parse} reads, of at least 1ms. */
  private static final class DurationFormat implements Format {
    @Override
    public String getName() {
      return "duration";
    }

    @Override
    public boolean matches(ExecutionContext context, String value) {
      return DurationHint.problem(Json.MAPPER.getNodeFactory().textNode(value)) == null;
    }
  }
}
