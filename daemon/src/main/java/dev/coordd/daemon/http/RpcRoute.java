package dev.coordd.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoorddException;
import dev.coordd.client.RpcErrors;
import dev.coordd.daemon.rpc.MethodTable;
import dev.coordd.internal.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /rpc}: one JSON-RPC 2.0 request in the body, its answer in the response, through the
 * socket's own {@link MethodTable} (same methods, same parameter checks) and the one error mapping
 * ({@link RpcErrors}). The HTTP status is 200 for every JSON-RPC answer, errors included, as
 * JSON-RPC over HTTP does; 204 for a notification. Thread-safe.
 */
final class RpcRoute {
  private static final Logger log = LoggerFactory.getLogger(RpcRoute.class);

  private final MethodTable methods;
  private final Bodies bodies;

  RpcRoute(MethodTable methods, Bodies bodies) {
    this.methods = methods;
    this.bodies = bodies;
  }

  void addTo(RoutesConfig routes) {
    routes.post("/rpc", this::handle);
  }

  private void handle(Context ctx) {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(bodies.text(ctx));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      Answers.json(
          ctx,
          answer(
              NullNode.getInstance(),
              null,
              RpcErrors.error(RpcErrors.PARSE_ERROR, "not valid JSON: " + Json.problem(e))));
      return;
    }
    JsonNode id = request != null && request.isObject() ? request.get("id") : null;
    JsonNode replyId = id == null ? NullNode.getInstance() : id;
    if (request == null
        || !request.isObject()
        || !"2.0".equals(request.path("jsonrpc").asText())
        || !request.path("method").isTextual()) {
      Answers.json(
          ctx,
          answer(
              replyId,
              null,
              RpcErrors.error(
                  RpcErrors.INVALID_REQUEST,
                  "expected a JSON-RPC 2.0 request object: {\"jsonrpc\":\"2.0\",\"id\":1,"
                      + "\"method\":\"...\",\"params\":{...}} (batches are not supported)")));
      return;
    }
    String method = request.get("method").asText();
    ObjectNode answer;
    if (!methods.has(method)) {
      answer =
          answer(
              replyId,
              null,
              RpcErrors.error(
                  RpcErrors.METHOD_NOT_FOUND,
                  "unknown method '" + method + "'; methods: " + methods.names()));
    } else {
      answer = call(method, request.get("params"), replyId);
    }
    if (id == null) {
      ctx.status(204); // a notification gets no answer, as on the socket
    } else {
      Answers.json(ctx, answer);
    }
  }

  private ObjectNode call(String method, JsonNode params, JsonNode id) {
    try {
      return answer(id, methods.invoke(method, params), null);
    } catch (CoorddException e) {
      return answer(id, null, RpcErrors.toError(e));
    } catch (RuntimeException e) {
      log.error("method {} failed", method, e);
      return answer(id, null, RpcErrors.error(RpcErrors.INTERNAL_ERROR, "internal error: " + e));
    }
  }

  private static ObjectNode answer(JsonNode id, JsonNode result, ObjectNode error) {
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
