package dev.coordd.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.client.RpcErrors;
import dev.coordd.daemon.rpc.JsonRpc;
import dev.coordd.daemon.rpc.MethodTable;
import dev.coordd.internal.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * {@code POST /rpc}: one JSON-RPC 2.0 request in the body, its answer in the response, through the
 * socket's own {@link MethodTable} (same methods, same parameter checks) and the one error mapping
 * ({@link RpcErrors}). The HTTP status is 200 for every JSON-RPC answer, errors included, as
 * JSON-RPC over HTTP does; 204 for a notification. Thread-safe.
 */
final class RpcRoute {
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
          JsonRpc.answer(
              NullNode.getInstance(),
              null,
              RpcErrors.error(RpcErrors.PARSE_ERROR, "not valid JSON: " + Json.problem(e))));
      return;
    }
    ObjectNode answer = JsonRpc.answer(methods, request == null ? NullNode.getInstance() : request);
    if (answer == null) {
      ctx.status(204); // a notification gets no answer, as on the socket
    } else {
      Answers.json(ctx, answer);
    }
  }
}
