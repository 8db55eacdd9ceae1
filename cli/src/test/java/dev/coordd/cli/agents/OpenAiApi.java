package dev.coordd.cli.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The OpenAI Responses API as Codex calls it through a custom {@code model_providers} entry: {@code
 * POST <base_url>/responses}, streamed as SSE (response.created, one response.output_item.done per
 * message or function call, response.completed). Tool results come back as {@code
 * function_call_output} input items.
 */
final class OpenAiApi implements FakeModelServer.Api {
  private final AtomicInteger ids = new AtomicInteger();

  @Override
  public boolean handles(String path) {
    return path.endsWith("/responses") || path.endsWith("/models");
  }

  @Override
  public void answer(HttpExchange http, String body, FakeModelServer server) throws IOException {
    if (server.failStatus() != 0) {
      FakeModelServer.send(
          http,
          server.failStatus(),
          "application/json",
          "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":"
              + "\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
      return;
    }
    if (http.getRequestURI().getPath().endsWith("/models")) {
      FakeModelServer.send(http, 200, "application/json", "{\"object\":\"list\",\"data\":[]}");
      return;
    }
    JsonNode request = Json.read(body);
    Exchange exchange = exchange(request, body);
    Turn turn =
        exchange.tools().isEmpty()
            ? Turn.say("Coordinated work")
            : server.currentScript().next(exchange);
    String id = "resp_fake" + ids.incrementAndGet();
    FakeModelServer.Sse sse = FakeModelServer.sse(http);
    ObjectNode created = Json.MAPPER.createObjectNode().put("type", "response.created");
    created.putObject("response").put("id", id);
    sse.event("response.created", created.toString());
    if (!turn.text().isEmpty() || !turn.callsTool()) {
      ObjectNode item = Json.MAPPER.createObjectNode().put("type", "message");
      item.put("role", "assistant").put("id", "msg_fake" + ids.incrementAndGet());
      item.putArray("content").addObject().put("type", "output_text").put("text", turn.text());
      sse.event("response.output_item.done", done(item));
    }
    if (turn.callsTool()) {
      ObjectNode item = Json.MAPPER.createObjectNode().put("type", "function_call");
      item.put("id", "fc_fake" + ids.incrementAndGet());
      item.put("call_id", "call_fake" + ids.incrementAndGet());
      // Codex offers an MCP server's tools as a namespace (mcp__coordd) of plain names; a call
      // names both.
      String namespace = namespaceOf(turn.tool(), request);
      if (namespace != null) {
        item.put("namespace", namespace);
        item.put("name", turn.tool().substring(namespace.length() + 2));
      } else {
        item.put("name", turn.tool());
      }
      item.put("arguments", Json.write(turn.input()));
      sse.event("response.output_item.done", done(item));
    }
    ObjectNode completed = Json.MAPPER.createObjectNode().put("type", "response.completed");
    ObjectNode response = completed.putObject("response").put("id", id);
    response
        .putObject("usage")
        .put("input_tokens", 100)
        .put("output_tokens", 20)
        .put("total_tokens", 120);
    sse.event("response.completed", completed.toString());
  }

  /** The namespace tool whose name prefixes {@code tool} ("mcp__coordd" of "mcp__coordd__x"). */
  private static String namespaceOf(String tool, JsonNode request) {
    for (JsonNode t : request.path("tools")) {
      String name = t.path("name").asText("");
      if (t.path("type").asText().equals("namespace") && tool.startsWith(name + "__")) {
        return name;
      }
    }
    return null;
  }

  private static String done(ObjectNode item) {
    ObjectNode e = Json.MAPPER.createObjectNode().put("type", "response.output_item.done");
    e.set("item", item);
    return e.toString();
  }

  private static Exchange exchange(JsonNode request, String body) {
    int turn = 0;
    List<String> results = new ArrayList<>();
    for (JsonNode item : request.path("input")) {
      String type = item.path("type").asText();
      if (type.equals("function_call")
          || (type.equals("message") && "assistant".equals(item.path("role").asText()))) {
        turn++;
      }
      if (type.equals("function_call_output")) {
        results.add(output(item.path("output")));
      }
    }
    List<String> tools = new ArrayList<>();
    collectTools(request.path("tools"), tools);
    return new Exchange(turn, results, tools, body);
  }

  /** Tool names; a namespace's tools as {@code namespace__tool}, as a model would call them. */
  private static void collectTools(JsonNode tools, List<String> names) {
    for (JsonNode t : tools) {
      String name = t.path("name").asText("");
      if (t.path("type").asText().equals("namespace")) {
        for (JsonNode inner : t.path("tools")) {
          names.add(name + "__" + inner.path("name").asText());
        }
      } else if (!name.isEmpty()) {
        names.add(name);
      }
    }
  }

  /** A function call's output: a string, or content items with text. */
  private static String output(JsonNode output) {
    if (output.isTextual()) {
      return output.asText();
    }
    JsonNode content = output.has("content") ? output.get("content") : output;
    StringBuilder s = new StringBuilder();
    for (JsonNode part : content) {
      s.append(part.path("text").asText(""));
    }
    return s.isEmpty() ? output.toString() : s.toString();
  }
}
