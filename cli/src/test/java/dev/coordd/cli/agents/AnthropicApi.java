package dev.coordd.cli.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Anthropic Messages API as Claude Code calls it: {@code POST /v1/messages}, streamed (SSE:
 * message_start, content_block_start/delta/stop for text and tool_use with input_json_delta,
 * message_delta with the stop reason, message_stop) or not, and {@code /v1/messages/count_tokens}.
 * A request offering tools is the main conversation and follows the script; one without (title
 * generation, quota probes) gets a short text.
 */
final class AnthropicApi implements FakeModelServer.Api {
  private final AtomicInteger ids = new AtomicInteger();

  @Override
  public boolean handles(String path) {
    return path.startsWith("/v1/messages");
  }

  @Override
  public void answer(HttpExchange http, String body, FakeModelServer server) throws IOException {
    if (server.failStatus() != 0) {
      String type = server.failStatus() == 401 ? "authentication_error" : "api_error";
      FakeModelServer.send(
          http,
          server.failStatus(),
          "application/json",
          "{\"type\":\"error\",\"error\":{\"type\":\""
              + type
              + "\",\"message\":\"invalid x-api-key\"}}");
      return;
    }
    JsonNode request = Json.read(body);
    if (http.getRequestURI().getPath().endsWith("/count_tokens")) {
      FakeModelServer.send(http, 200, "application/json", "{\"input_tokens\":42}");
      return;
    }
    Exchange exchange = exchange(request, body);
    Turn turn =
        exchange.tools().isEmpty()
            ? Turn.say("Coordinated work")
            : server.currentScript().next(exchange);
    String model = request.path("model").asText("claude-fake");
    if (request.path("stream").asBoolean(false)) {
      stream(http, model, turn);
    } else {
      FakeModelServer.send(http, 200, "application/json", Json.write(message(model, turn)));
    }
  }

  private static Exchange exchange(JsonNode request, String body) {
    int turn = 0;
    List<String> results = new ArrayList<>();
    for (JsonNode m : request.path("messages")) {
      if ("assistant".equals(m.path("role").asText())) {
        turn++;
      }
      for (JsonNode block : m.path("content")) {
        if ("tool_result".equals(block.path("type").asText())) {
          results.add(text(block.path("content")));
        }
      }
    }
    List<String> tools = new ArrayList<>();
    for (JsonNode t : request.path("tools")) {
      tools.add(t.path("name").asText());
    }
    return new Exchange(turn, results, tools, body);
  }

  /** A tool result's content: a string, or text blocks. */
  private static String text(JsonNode content) {
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder s = new StringBuilder();
    for (JsonNode block : content) {
      s.append(block.path("text").asText(""));
    }
    return s.toString();
  }

  private ObjectNode message(String model, Turn turn) {
    ObjectNode m = Json.MAPPER.createObjectNode();
    m.put("id", "msg_fake" + ids.incrementAndGet());
    m.put("type", "message");
    m.put("role", "assistant");
    m.put("model", model);
    ArrayNode content = m.putArray("content");
    if (!turn.text().isEmpty() || !turn.callsTool()) {
      content.addObject().put("type", "text").put("text", turn.text());
    }
    if (turn.callsTool()) {
      ObjectNode use = content.addObject();
      use.put("type", "tool_use").put("id", "toolu_fake" + ids.incrementAndGet());
      use.put("name", turn.tool()).set("input", turn.input());
    }
    m.put("stop_reason", turn.callsTool() ? "tool_use" : "end_turn");
    m.putNull("stop_sequence");
    m.putObject("usage").put("input_tokens", 100).put("output_tokens", 20);
    return m;
  }

  private void stream(HttpExchange http, String model, Turn turn) throws IOException {
    ObjectNode start = message(model, Turn.say(""));
    start.putArray("content");
    start.putNull("stop_reason");
    start.with("usage").put("output_tokens", 1);
    FakeModelServer.Sse sse = FakeModelServer.sse(http);
    sse.event("message_start", obj("message_start").set("message", start).toString());
    int index = 0;
    if (!turn.text().isEmpty() || !turn.callsTool()) {
      ObjectNode block = Json.MAPPER.createObjectNode().put("type", "text").put("text", "");
      sse.event("content_block_start", blockStart(index, block));
      ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "text_delta");
      delta.put("text", turn.text());
      sse.event("content_block_delta", blockDelta(index, delta));
      sse.event("content_block_stop", obj("content_block_stop").put("index", index).toString());
      index++;
    }
    if (turn.callsTool()) {
      ObjectNode block = Json.MAPPER.createObjectNode().put("type", "tool_use");
      block.put("id", "toolu_fake" + ids.incrementAndGet()).put("name", turn.tool());
      block.putObject("input");
      sse.event("content_block_start", blockStart(index, block));
      // The arguments arrive in two pieces, as a real stream splits them.
      String json = Json.write(turn.input());
      int half = json.length() / 2;
      for (String part : List.of(json.substring(0, half), json.substring(half))) {
        ObjectNode delta = Json.MAPPER.createObjectNode().put("type", "input_json_delta");
        delta.put("partial_json", part);
        sse.event("content_block_delta", blockDelta(index, delta));
      }
      sse.event("content_block_stop", obj("content_block_stop").put("index", index).toString());
    }
    ObjectNode end = obj("message_delta");
    end.putObject("delta")
        .put("stop_reason", turn.callsTool() ? "tool_use" : "end_turn")
        .putNull("stop_sequence");
    end.putObject("usage").put("output_tokens", 20);
    sse.event("message_delta", end.toString());
    sse.event("message_stop", obj("message_stop").toString());
  }

  private static ObjectNode obj(String type) {
    return Json.MAPPER.createObjectNode().put("type", type);
  }

  private static String blockStart(int index, ObjectNode block) {
    ObjectNode e = obj("content_block_start").put("index", index);
    e.set("content_block", block);
    return e.toString();
  }

  private static String blockDelta(int index, ObjectNode delta) {
    ObjectNode e = obj("content_block_delta").put("index", index);
    e.set("delta", delta);
    return e.toString();
  }
}
