package dev.coordd.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.coordd.internal.Json;
import io.javalin.http.Context;

/** Writes JSON with the daemon's own mapper (the one every door uses). Stateless. */
final class Answers {
  private Answers() {}

  static void json(Context ctx, Object value) {
    try {
      ctx.contentType("application/json").result(Json.MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the answer as JSON", e);
    }
  }
}
