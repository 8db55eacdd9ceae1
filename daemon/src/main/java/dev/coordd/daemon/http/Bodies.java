package dev.coordd.daemon.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.internal.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Request bodies with the socket's cap: {@code maxPayloadBytes} for the data plus the same envelope
 * allowance, read no further than one byte over it, so a client cannot make the daemon buffer an
 * endless body. Thread-safe.
 */
final class Bodies {
  private final long maxBytes;

  Bodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  long maxBytes() {
    return maxBytes;
  }

  String text(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      throw tooLarge(declared);
    }
    try (InputStream in = ctx.bodyInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
      if (bytes.length > maxBytes) {
        throw tooLarge(-1);
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed", e);
    }
  }

  /** The body as JSON; an empty body is JSON null. */
  JsonNode json(Context ctx) {
    String text = text(ctx);
    if (text.isBlank()) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidRequestException("body", "the body is not valid JSON: " + Json.problem(e));
    }
  }

  private HttpError tooLarge(long size) {
    return new HttpError(
        413,
        "too_large",
        "the request body is "
            + (size < 0 ? "over the limit" : size + " bytes")
            + "; the limit is "
            + maxBytes
            + " bytes (maxPayloadBytes plus room for the request around it). Send less data, or"
            + " raise maxPayloadBytes in the daemon's configuration and restart it");
  }
}
