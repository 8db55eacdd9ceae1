package dev.coordd.daemon.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.daemon.DaemonFixture;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A real daemon with its HTTP door on a free port, and a real HTTP client for it. */
final class HttpFixture implements AutoCloseable {
  final DaemonFixture daemon;
  final HttpClient client = HttpClient.newHttpClient();
  final String base;
  final String token;

  HttpFixture(Path dir, String... kv) throws IOException {
    Map<String, String> settings = new HashMap<>();
    settings.put("http.enabled", "true");
    settings.put("http.port", "0");
    for (int i = 0; i < kv.length; i += 2) {
      settings.put(kv[i], kv[i + 1]);
    }
    this.daemon = new DaemonFixture(dir, settings);
    this.base = daemon.daemon.http().url();
    this.token = TokenFile.read(daemon.home).orElseThrow();
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path));
  }

  HttpRequest.Builder authed(String path) {
    return request(path).header("Authorization", "Bearer " + token);
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path) {
    return send(authed(path).GET());
  }

  HttpResponse<String> post(String path, String body) {
    return send(
        authed(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** The same client and token against another door (a second server in one test). */
  record Other(HttpFixture fixture, String base) {
    HttpResponse<String> get(String path) {
      return fixture.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .header("Authorization", "Bearer " + fixture.token)
              .GET());
    }
  }

  Other at(String otherBase) {
    return new Other(this, otherBase);
  }

  static JsonNode json(HttpResponse<String> response) {
    return Json.read(response.body());
  }

  @Override
  public void close() {
    daemon.close();
  }
}
