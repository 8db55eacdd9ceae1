package dev.coordd.daemon.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoorddException;
import dev.coordd.client.RpcErrors;
import dev.coordd.internal.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One parsed JSON-RPC 2.0 request to its answer, for every door that speaks JSON-RPC (the socket's
 * {@link Requests}, the HTTP door's {@code POST /rpc}): the envelope checked, the method looked up
 * and called through the {@link MethodTable}, failures mapped by {@link RpcErrors}. Thread-safe.
 */
public final class JsonRpc {
  private static final Logger log = LoggerFactory.getLogger(JsonRpc.class);

  private JsonRpc() {}

  /**
   * The answer to {@code request}, or null for a notification (no {@code id}) whose method ran or
   * failed: a notification gets no answer. A request that is not a JSON-RPC 2.0 object, or names an
   * unknown method, is answered with the error either way, since it may not have been meant as one.
   */
  public static ObjectNode answer(MethodTable methods, JsonNode request) {
    JsonNode id = request.isObject() ? request.get("id") : null;
    JsonNode replyId = id == null ? NullNode.getInstance() : id;
    if (!request.isObject()
        || !"2.0".equals(request.path("jsonrpc").asText())
        || !request.path("method").isTextual()) {
      return answer(
          replyId,
          null,
          RpcErrors.error(
              RpcErrors.INVALID_REQUEST,
              "expected a JSON-RPC 2.0 request object: {\"jsonrpc\":\"2.0\",\"id\":1,"
                  + "\"method\":\"...\",\"params\":{...}} (batches are not supported)"));
    }
    String method = request.get("method").asText();
    if (!methods.has(method)) {
      return answer(
          replyId,
          null,
          RpcErrors.error(
              RpcErrors.METHOD_NOT_FOUND,
              "unknown method '" + method + "'; methods: " + methods.names()));
    }
    Object result;
    try {
      result = methods.call(method, request.get("params"));
    } catch (CoorddException e) {
      return id == null ? null : answer(replyId, null, RpcErrors.toError(e));
    } catch (RuntimeException e) {
      log.error("method {} failed", method, e);
      return id == null
          ? null
          : answer(
              replyId, null, RpcErrors.error(RpcErrors.INTERNAL_ERROR, "internal error: " + e));
    }
    return id == null ? null : answer(replyId, result);
  }

  /**
   * The answer carrying a method's own value, written as JSON when the answer is: copying it into a
   * tree first would cost as much again as writing it.
   */
  private static ObjectNode answer(JsonNode id, Object result) {
    ObjectNode response = Json.MAPPER.createObjectNode();
    response.put("jsonrpc", "2.0").set("id", id);
    if (result instanceof JsonNode node) {
      response.set("result", node);
    } else {
      response.putPOJO("result", result);
    }
    return response;
  }

  /** A JSON-RPC answer object: the result, or the error when there is one. */
  public static ObjectNode answer(JsonNode id, JsonNode result, ObjectNode error) {
    ObjectNode response = Json.MAPPER.createObjectNode();
    response.put("jsonrpc", "2.0").set("id", id);
    if (error != null) {
      response.set("error", error);
    } else {
      response.set("result", result);
    }
    return response;
  }
}
