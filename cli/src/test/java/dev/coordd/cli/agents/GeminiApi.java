package dev.coordd.cli.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gemini API as Gemini CLI calls it with {@code GOOGLE_GEMINI_BASE_URL}: {@code POST
 * /v1beta/models/MODEL:streamGenerateContent?alt=sse} (each chunk a {@code data:} line holding a
 * GenerateContentResponse), {@code :generateContent} for its side questions, {@code :countTokens}.
 * Tool calls are {@code functionCall} parts; their results come back as {@code functionResponse}
 * parts.
 */
final class GeminiApi implements FakeModelServer.Api {
  @Override
  public boolean handles(String path) {
    return path.contains("/models/") && path.contains(":");
  }

  @Override
  public void answer(HttpExchange http, String body, FakeModelServer server) throws IOException {
    String path = http.getRequestURI().getPath();
    if (server.failStatus() != 0) {
      FakeModelServer.send(
          http,
          server.failStatus(),
          "application/json",
          "{\"error\":{\"code\":"
              + server.failStatus()
              + ",\"message\":\"API key not valid. Please pass a valid API key.\","
              + "\"status\":\"UNAUTHENTICATED\"}}");
      return;
    }
    if (path.endsWith(":countTokens")) {
      FakeModelServer.send(http, 200, "application/json", "{\"totalTokens\":42}");
      return;
    }
    JsonNode request = Json.read(body);
    Exchange exchange = exchange(request, body);
    Turn turn =
        exchange.tools().isEmpty() ? sideAnswer(request) : server.currentScript().next(exchange);
    String answer = Json.write(response(turn));
    if (path.endsWith(":streamGenerateContent")) {
      FakeModelServer.sse(http).event(null, answer);
    } else {
      FakeModelServer.send(http, 200, "application/json", answer);
    }
  }

  /**
   * Gemini CLI asks side questions without tools (routing by complexity, who speaks next), most
   * wanting JSON of a given schema back: the answer is the schema filled with plain values (the
   * first of an enum, "user" for who speaks next), so it goes on without retrying.
   */
  private static Turn sideAnswer(JsonNode request) {
    JsonNode config = request.path("generationConfig");
    JsonNode schema =
        config.has("responseJsonSchema")
            ? config.get("responseJsonSchema")
            : config.path("responseSchema");
    if (schema.isObject()) {
      return Turn.say(Json.write(fill(schema)));
    }
    return Turn.say("Coordinated work");
  }

  /** A value of the schema's type: objects with every property, the first enum value, 10, … */
  static JsonNode fill(JsonNode schema) {
    String type = schema.path("type").asText("object").toLowerCase(java.util.Locale.ROOT);
    if (schema.path("enum").isArray() && !schema.path("enum").isEmpty()) {
      return schema.path("enum").get(0);
    }
    return switch (type) {
      case "object" -> {
        ObjectNode o = Json.MAPPER.createObjectNode();
        schema.path("properties").properties().forEach(e -> o.set(e.getKey(), fill(e.getValue())));
        yield o;
      }
      case "array" -> Json.MAPPER.createArrayNode();
      case "integer", "number" -> Json.MAPPER.getNodeFactory().numberNode(10);
      case "boolean" -> Json.MAPPER.getNodeFactory().booleanNode(false);
      default -> Json.MAPPER.getNodeFactory().textNode("user");
    };
  }

  private static ObjectNode response(Turn turn) {
    ObjectNode r = Json.MAPPER.createObjectNode();
    ObjectNode candidate = r.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content").put("role", "model");
    ArrayNode parts = content.putArray("parts");
    if (!turn.text().isEmpty() || !turn.callsTool()) {
      parts.addObject().put("text", turn.text());
    }
    if (turn.callsTool()) {
      ObjectNode call = parts.addObject().putObject("functionCall").put("name", turn.tool());
      call.set("args", turn.input());
    }
    candidate.put("finishReason", "STOP").put("index", 0);
    r.putObject("usageMetadata")
        .put("promptTokenCount", 100)
        .put("candidatesTokenCount", 20)
        .put("totalTokenCount", 120);
    r.put("modelVersion", "gemini-fake");
    return r;
  }

  private static Exchange exchange(JsonNode request, String body) {
    int turn = 0;
    List<String> results = new ArrayList<>();
    for (JsonNode c : request.path("contents")) {
      if ("model".equals(c.path("role").asText())) {
        turn++;
      }
      for (JsonNode part : c.path("parts")) {
        JsonNode fr = part.path("functionResponse");
        if (fr.isObject()) {
          results.add(text(fr.path("response")));
        }
      }
    }
    List<String> tools = new ArrayList<>();
    for (JsonNode t : request.path("tools")) {
      for (JsonNode f : t.path("functionDeclarations")) {
        tools.add(f.path("name").asText());
      }
    }
    return new Exchange(turn, results, tools, body);
  }

  /**
   * A function response as Gemini CLI sends an MCP result: {@code {"output": "…"}} or the content
   * parts; the JSON text of the tool's answer is what the script parses.
   */
  private static String text(JsonNode response) {
    if (response.path("output").isTextual()) {
      return response.path("output").asText();
    }
    StringBuilder s = new StringBuilder();
    for (JsonNode part : response.path("content")) {
      s.append(part.path("text").asText(""));
    }
    return s.isEmpty() ? response.toString() : s.toString();
  }
}
