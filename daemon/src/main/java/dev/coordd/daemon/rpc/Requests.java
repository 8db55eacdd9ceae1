package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.client.RpcErrors;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a request line into its answer line: parse, call the method, write the answer. Every step
 * that can fail ends in an error answer carrying the request's id (when it can be found), so a
 * caller waiting on that id is never left waiting. Thread-safe.
 */
final class Requests {
  private static final Logger log = LoggerFactory.getLogger(Requests.class);

  private static final Pattern LEADING_ID =
      Pattern.compile("\"id\"\\s*:\\s*(-?\\d{1,18}|\"[^\"\\\\]{0,100}\")");

  private final MethodTable methods;
  private final SocketLimits limits;

  Requests(MethodTable methods, SocketLimits limits) {
    this.methods = methods;
    this.limits = limits;
  }

  /** A request line read: the parsed request, or the error answer for a line refused as it is. */
  record Incoming(JsonNode request, JsonNode rejection, JsonNode id) {
    String method() {
      return request == null ? "" : request.path("method").asText("");
    }

    /** A request without an id is a notification: it gets no answer, not even an error. */
    boolean wantsAnswer() {
      return request == null || !request.isObject() || request.has("id");
    }
  }

  Incoming parse(LineReader.Line line) {
    if (line.tooLong()) {
      return rejected(
          idIn(line.text()),
          RpcErrors.error(
              RpcErrors.INVALID_REQUEST,
              "the request is "
                  + line.bytes()
                  + " bytes; the limit is "
                  + limits.maxPayloadBytes()
                  + " (maxPayloadBytes) for its data plus "
                  + SocketLimits.ENVELOPE_BYTES
                  + " for the rest of the request. Send less data (e.g. a file path instead of"
                  + " the file's content), or raise maxPayloadBytes in the daemon's"
                  + " configuration (config.json, --set maxPayloadBytes=N or"
                  + " COORDD_MAX_PAYLOAD_BYTES) and restart it"));
    }
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(line.text());
    } catch (StreamConstraintsException e) {
      return rejected(
          idIn(line.text()),
          RpcErrors.error(RpcErrors.INVALID_REQUEST, "request refused: " + Json.problem(e)));
    } catch (IOException e) {
      return rejected(
          idIn(line.text()),
          RpcErrors.error(
              RpcErrors.PARSE_ERROR,
              "not valid JSON: "
                  + (e instanceof JsonProcessingException jpe ? Json.problem(jpe) : e.toString())));
    } catch (RuntimeException | StackOverflowError e) {
      log.error("parsing a request failed", e);
      return rejected(
          idIn(line.text()),
          RpcErrors.error(
              RpcErrors.INTERNAL_ERROR,
              "internal error while reading the request: "
                  + e
                  + "; the daemon logged it, please report it"));
    }
    if (request == null || request.isMissingNode()) {
      request = NullNode.getInstance();
    }
    JsonNode id = request.isObject() ? request.get("id") : null;
    return new Incoming(request, null, id == null ? NullNode.getInstance() : id);
  }

  /**
   * The id of a request refused before parsing, when it comes early in the line (as clients write
   * it), so the caller waiting on that id gets its error instead of waiting forever.
   */
  static JsonNode idIn(String head) {
    Matcher m = LEADING_ID.matcher(head);
    if (!m.find()) {
      return NullNode.getInstance();
    }
    try {
      return Json.MAPPER.readTree(m.group(1));
    } catch (IOException e) {
      return NullNode.getInstance();
    }
  }

  private static Incoming rejected(JsonNode id, ObjectNode error) {
    return new Incoming(null, answer(id, null, error), id);
  }

  /**
   * One request in, its answer line out (null for a notification). Never throws: whatever fails on
   * the way, from the method to writing the answer, becomes an error answer with the request's id.
   */
  byte[] answer(Incoming incoming) {
    JsonNode answer;
    try {
      answer = handle(incoming);
    } catch (RuntimeException | StackOverflowError e) {
      log.error("answering {} failed", incoming.method(), e);
      answer =
          incoming.wantsAnswer()
              ? answer(
                  incoming.id(),
                  null,
                  RpcErrors.error(
                      RpcErrors.INTERNAL_ERROR,
                      "internal error while answering "
                          + incoming.method()
                          + ": "
                          + e
                          + "; the daemon logged it, please report it"))
              : null;
    }
    return answer == null ? null : encode(incoming, answer);
  }

  /**
   * The answer as a line. An answer that cannot be written (a bug: the limits let everything
   * accepted be written) becomes an error answer, small enough to be written always.
   */
  static byte[] encode(Incoming incoming, JsonNode answer) {
    try {
      return Json.line(answer);
    } catch (RuntimeException | StackOverflowError e) {
      log.error("cannot write the answer to {}", incoming.method(), e);
      ObjectNode error =
          answer(
              incoming.id(),
              null,
              RpcErrors.error(
                  RpcErrors.INTERNAL_ERROR,
                  "the answer to "
                      + incoming.method()
                      + " could not be written ("
                      + (e.getMessage() == null
                          ? e.toString()
                          : e.getMessage().lines().findFirst().orElse(""))
                      + "); the request itself was carried out. The daemon logged it; please"
                      + " report it"));
      return (Json.write(error) + "\n").getBytes(StandardCharsets.UTF_8);
    }
  }

  private JsonNode handle(Incoming incoming) {
    if (incoming.rejection() != null) {
      return incoming.rejection();
    }
    return JsonRpc.answer(methods, incoming.request());
  }

  static ObjectNode answer(JsonNode id, JsonNode result, ObjectNode error) {
    return JsonRpc.answer(id, result, error);
  }
}
