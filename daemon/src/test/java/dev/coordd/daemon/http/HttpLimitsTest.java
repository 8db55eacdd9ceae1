package dev.coordd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.CoorddException;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.notify.Change;
import dev.coordd.daemon.notify.LocalNotifier;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpLimitsTest {
  @TempDir Path dir;
  HttpFixture http;

  @BeforeEach
  void start() throws IOException {
    http = new HttpFixture(dir, "rateLimit.createsPerSecond", "0.001", "rateLimit.burst", "1");
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void creating_over_the_rate_limit_is_a_429_with_retry_after() {
    String task = "{\"type\": \"build\", \"assignedTo\": \"nobody\", \"createdBy\": \"alice\"}";
    HttpResponse<String> first = http.post("/api/tasks", task);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
    assertThat(HttpFixture.json(first).get("status").asText()).isEqualTo("queued");
    HttpResponse<String> second = http.post("/api/tasks", task);
    assertThat(second.statusCode()).as(second.body()).isEqualTo(429);
    assertThat(HttpFixture.json(second).at("/error/code").asText()).isEqualTo("rate_limited");
    assertThat(second.headers().firstValue("Retry-After")).isPresent();
  }

  @Test
  void a_bad_task_body_is_a_400_naming_the_field() {
    JsonNode noType = HttpFixture.json(http.post("/api/tasks", "{\"assignedTo\": \"x\"}"));
    assertThat(noType.at("/error/field").asText()).isEqualTo("type");
    HttpResponse<String> notJson = http.post("/api/tasks", "{nope");
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(HttpFixture.json(notJson).at("/error/field").asText()).isEqualTo("body");
  }

  @Test
  void while_shutting_down_requests_are_503_and_not_ready_but_alive() {
    Daemon d = http.daemon.daemon;
    AtomicBoolean running = new AtomicBoolean(true);
    HttpDoor door =
        HttpDoor.startIfEnabled(
            d.config(),
            d.service(),
            d.engine().notifier(),
            d.engine().store(),
            http.daemon.clock,
            running::get,
            List.of());
    try {
      HttpFixture.Other other = http.at(door.url());
      assertThat(other.get("/readyz").statusCode()).isEqualTo(200);
      running.set(false);
      HttpResponse<String> tasks = other.get("/api/tasks");
      assertThat(tasks.statusCode()).isEqualTo(503);
      assertThat(HttpFixture.json(tasks).at("/error/message").asText()).contains("shutting down");
      assertThat(other.get("/readyz").statusCode()).isEqualTo(503);
      assertThat(other.get("/healthz").statusCode()).isEqualTo(200);
    } finally {
      door.close();
    }
  }

  @Test
  void a_port_in_use_fails_the_start_saying_which_setting_to_change() {
    int taken = http.daemon.daemon.http().port();
    var config =
        ConfigLoader.load(
            dir.resolve("second"),
            Map.of(),
            Map.of("http.enabled", "true", "http.port", Integer.toString(taken)));
    assertThatThrownBy(() -> Daemon.start(config).close())
        .isInstanceOf(CoorddException.class)
        .hasMessageContaining("http.port")
        .hasMessageContaining(Integer.toString(taken));
  }

  @Test
  void a_stream_client_that_does_not_read_is_dropped_and_others_go_on() throws Exception {
    LocalNotifier notifier = new LocalNotifier();
    try (ChangeStream stream = new ChangeStream(notifier)) {
      StreamClient slow = new StreamClient();
      StreamClient reader = new StreamClient();
      stream.join(slow, null);
      stream.join(reader, null);
      // batches of 100, each read to its end by the reader before the next: the reader never
      // holds more than a batch, while the slow client's queue fills past its bound
      for (int batch = 0; batch * 100 < StreamClient.QUEUE + 100; batch++) {
        for (int i = 0; i < 100; i++) {
          notifier.publish(new Change.AgentChanged("b" + batch + "-" + i));
        }
        String end = "\"b" + batch + "-99\"";
        StreamEvent e;
        do {
          e = reader.next(10_000);
          assertThat(e).as("the reader gets every change of batch %s", batch).isNotNull();
          assertThat(StreamClient.isEnd(e)).as("the reader was not dropped").isFalse();
        } while (!e.data().contains(end));
      }
      assertThat(reader.ended()).isFalse();
      assertThat(slow.ended()).isTrue();
    } finally {
      notifier.close();
    }
  }
}
