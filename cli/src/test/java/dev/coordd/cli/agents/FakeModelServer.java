package dev.coordd.cli.agents;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local stand-in for the model APIs the agent CLIs call (Anthropic Messages, OpenAI Responses,
 * Gemini), on 127.0.0.1 at a random port. It answers the agent's main conversation from a {@link
 * Script}, anything else (title generation, token counts, probes) with something harmless, and
 * records every request so a test can see what reached the model.
 */
public final class FakeModelServer implements AutoCloseable {
  /** One request as it arrived. */
  public record Request(String method, String path, String body) {}

  /** Answers one protocol's requests. */
  interface Api {
    /** True when this protocol handles the path. */
    boolean handles(String path);

    void answer(HttpExchange http, String body, FakeModelServer server) throws IOException;
  }

  private final HttpServer http;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final List<Api> apis = List.of(new AnthropicApi(), new OpenAiApi(), new GeminiApi());
  private volatile Script script = e -> Turn.say("nothing scripted");
  private volatile int failWithStatus;

  private FakeModelServer(HttpServer http) {
    this.http = http;
  }

  public static FakeModelServer start() throws IOException {
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeModelServer server = new FakeModelServer(http);
    http.setExecutor(server.executor);
    http.createContext("/", server::handle);
    http.start();
    return server;
  }

  /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
  public String baseUrl() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  public FakeModelServer script(Script script) {
    this.script = script;
    return this;
  }

  /** Answers every model request with this HTTP status and the protocol's error body (401…). */
  public FakeModelServer failWith(int status) {
    this.failWithStatus = status;
    return this;
  }

  int failStatus() {
    return failWithStatus;
  }

  Script currentScript() {
    return script;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Every request body joined, for "did this text reach the model" assertions. */
  public String allBodies() {
    StringBuilder all = new StringBuilder();
    for (Request r : requests) {
      all.append(r.path()).append('\n').append(r.body()).append('\n');
    }
    return all.toString();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = exchange.getRequestURI().toString();
      requests.add(new Request(exchange.getRequestMethod(), path, body));
      for (Api api : apis) {
        if (api.handles(exchange.getRequestURI().getPath())) {
          api.answer(exchange, body, this);
          return;
        }
      }
      send(exchange, 404, "application/json", "{\"error\":\"the fake model does not serve this\"}");
    } catch (RuntimeException e) {
      // A broken script must show in the test, not hang the CLI: answer 500 with the reason.
      send(exchange, 500, "application/json", "{\"error\":\"fake model: " + e + "\"}");
      throw e;
    }
  }

  static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** Starts a server-sent event stream; each {@link Sse#event} is flushed at once. */
  static Sse sse(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    exchange.sendResponseHeaders(200, 0);
    return new Sse(exchange.getResponseBody());
  }

  /** A stream of server-sent events. */
  record Sse(OutputStream out) {
    /** {@code event: NAME} (omitted when null) and one {@code data:} line. */
    void event(String name, String data) throws IOException {
      String frame = (name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";
      out.write(frame.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
