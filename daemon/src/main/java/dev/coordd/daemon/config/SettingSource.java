package dev.coordd.daemon.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The settings one source gave, as a tree shaped like config.json.
 *
 * @param where how the user names the source: {@code config.json}, {@code COORDD_POLL_INTERVAL},
 *     {@code --set pollInterval}
 * @param tree the values, text already read per the schema's types
 * @param raw the values as the user wrote them (for text sources, the text); error messages show
 *     these
 * @param text whether the values arrived as text, so a string is not "the wrong type" there
 */
record SettingSource(String where, ObjectNode tree, JsonNode raw, boolean text) {

  /** The value at a JSON pointer as the user wrote it, or as read when inside parsed text. */
  JsonNode shown(String pointer) {
    JsonNode v = raw.at(pointer);
    return v.isMissingNode() ? tree.at(pointer) : v;
  }

  /** Whether the value at a pointer is a text the user wrote, not a value read from it. */
  boolean isText(String pointer) {
    return text && raw.at(pointer).isTextual();
  }
}
