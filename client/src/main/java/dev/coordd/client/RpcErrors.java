package dev.coordd.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.ConflictException;
import dev.coordd.api.CoorddException;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.api.NotFoundException;
import dev.coordd.api.RateLimitedException;
import dev.coordd.api.UnavailableException;
import dev.coordd.internal.Json;

/**
 * The one mapping between coordd exceptions and JSON-RPC errors, used by the server to answer and
 * by the client to throw the same exception type again.
 */
public final class RpcErrors {
  public static final int PARSE_ERROR = -32700;
  public static final int INVALID_REQUEST = -32600;
  public static final int METHOD_NOT_FOUND = -32601;
  public static final int INVALID_PARAMS = -32602;
  public static final int INTERNAL_ERROR = -32603;
  public static final int NOT_FOUND = -32001;
  public static final int CONFLICT = -32002;
  public static final int UNAVAILABLE = -32003;
  public static final int FAILED = -32004;
  public static final int RATE_LIMITED = -32005;

  private RpcErrors() {}

  /** The JSON-RPC {@code error} object for an exception. */
  public static ObjectNode toError(CoorddException e) {
    int code =
        switch (e) {
          case InvalidRequestException x -> INVALID_PARAMS;
          case NotFoundException x -> NOT_FOUND;
          case ConflictException x -> CONFLICT;
          case RateLimitedException x -> RATE_LIMITED;
          case UnavailableException x -> UNAVAILABLE;
          default -> FAILED;
        };
    ObjectNode error = error(code, e.getMessage());
    ObjectNode data = error.putObject("data").put("kind", e.code());
    if (e instanceof InvalidRequestException ire && ire.field() != null) {
      data.put("field", ire.field());
    }
    if (e instanceof RateLimitedException rl) {
      data.put("retryAfterMs", rl.retryAfterMs());
    }
    return error;
  }

  public static ObjectNode error(int code, String message) {
    ObjectNode error = Json.MAPPER.createObjectNode();
    error.put("code", code).put("message", message);
    return error;
  }

  /** The exception a JSON-RPC {@code error} object stands for. */
  public static CoorddException fromError(JsonNode error) {
    int code = error.path("code").asInt();
    String message = error.path("message").asText("unknown error");
    JsonNode data = error.path("data");
    String kind = data.path("kind").asText("");
    return switch (code) {
      case INVALID_PARAMS, INVALID_REQUEST, PARSE_ERROR, METHOD_NOT_FOUND ->
          new InvalidRequestException(
              data.hasNonNull("field") ? data.get("field").asText() : null, message);
      case NOT_FOUND -> new NotFoundException(message);
      case CONFLICT -> new ConflictException(message);
      case RATE_LIMITED -> new RateLimitedException(message, data.path("retryAfterMs").asLong(0));
      case UNAVAILABLE -> new UnavailableException(message);
      default -> new CoorddException(kind.isEmpty() ? "failed" : kind, message);
    };
  }
}
