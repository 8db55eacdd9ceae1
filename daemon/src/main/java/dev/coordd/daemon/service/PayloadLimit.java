package dev.coordd.daemon.service;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.config.DaemonConfig;
import java.nio.charset.StandardCharsets;

/**
 * The cap on the JSON a caller hands us (a task's data or result, an agent's metadata), so that one
 * request cannot fill the store. Thread-safe: it only reads the immutable configuration.
 */
final class PayloadLimit {
  private final DaemonConfig config;

  PayloadLimit(DaemonConfig config) {
    this.config = config;
  }

  /** Refuses {@code json} when its UTF-8 form is over {@code maxPayloadBytes}. */
  void check(String field, String json) {
    int size = json.getBytes(StandardCharsets.UTF_8).length;
    if (size > config.maxPayloadBytes()) {
      throw new InvalidRequestException(
          field,
          field
              + " is "
              + size
              + " bytes; the limit is "
              + config.maxPayloadBytes()
              + " (maxPayloadBytes)");
    }
  }
}
