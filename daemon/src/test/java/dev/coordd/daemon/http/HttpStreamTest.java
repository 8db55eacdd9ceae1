package dev.coordd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpStreamTest {
  @TempDir Path dir;
  HttpFixture http;

  @BeforeEach
  void start() throws IOException {
    http = new HttpFixture(dir);
  }

  @AfterEach
  void stop() {
    http.close();
  }

  /** One open stream: its events, read on a thread of their own, as id/event/data triples. */
  final class Events implements AutoCloseable {
    final BlockingQueue<String[]> events = new LinkedBlockingQueue<>();
    final HttpResponse<Stream<String>> response;
    final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);

    Events(String lastEventId) throws Exception {
      HttpRequest.Builder b = http.authed("/api/stream").GET();
      if (lastEventId != null) {
        b.header("Last-Event-ID", lastEventId);
      }
      response = http.client.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      Thread.ofVirtual()
          .start(
              () -> {
                String[] e = new String[3];
                Iterator<String> lines = response.body().iterator();
                while (hasNext(lines)) {
                  String line = lines.next();
                  if (line.startsWith("id: ")) {
                    e[0] = line.substring(4);
                  } else if (line.startsWith("event: ")) {
                    e[1] = line.substring(7);
                  } else if (line.startsWith("data: ")) {
                    e[2] = line.substring(6);
                  } else if (line.isEmpty() && e[1] != null) {
                    events.add(e);
                    e = new String[3];
                  }
                }
                ended.countDown();
              });
    }

    /** False at the end, and when the test closed the stream under the reader. */
    private static boolean hasNext(Iterator<String> lines) {
      try {
        return lines.hasNext();
      } catch (java.io.UncheckedIOException closed) {
        return false;
      }
    }

    /** The next event whose data mentions {@code text} (bounded wait: a missing event fails). */
    String[] next(String text) throws InterruptedException {
      while (true) {
        String[] e = events.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("an event mentioning %s", text).isNotNull();
        if (e[2].contains(text)) {
          return e;
        }
      }
    }

    @Override
    public void close() {
      response.body().close();
    }
  }

  @Test
  void the_stream_carries_a_new_task_and_resumes_from_the_last_event_id() throws Exception {
    String lastId;
    try (Events stream = new Events(null)) {
      assertThat(stream.response.statusCode()).isEqualTo(200);
      assertThat(stream.response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      Task first = http.daemon.service().createTask(NewTask.of("build").withAssignedTo("nobody"));
      String[] e = stream.next(first.id());
      assertThat(e[1]).isEqualTo("task");
      assertThat(e[0]).isNotBlank();
      lastId = e[0];
    }
    Task missed = http.daemon.service().createTask(NewTask.of("build").withAssignedTo("nobody"));
    try (Events resumed = new Events(lastId)) {
      String[] e = resumed.next(missed.id());
      assertThat(e[1]).isEqualTo("task");
      assertThat(e[0]).isNotEqualTo(lastId);
    }
  }

  @Test
  void the_stream_carries_invocation_changes_and_lock_acquisitions() throws Exception {
    try (Events stream = new Events(null)) {
      Task t =
          http.daemon
              .service()
              .createTask(
                  NewTask.of("invoke_agent")
                      .withData(
                          Json.MAPPER
                              .createObjectNode()
                              .put("agentType", "claude_code")
                              .put("command", "review the diff")));
      String[] queued = stream.next("\"taskId\":\"" + t.id() + "\"");
      assertThat(queued[1]).isEqualTo("invocation");
      JsonNode q = Json.read(queued[2]);
      assertThat(q.path("change").asText()).isEqualTo("InvocationChanged");
      assertThat(q.path("status").asText()).isEqualTo("pending");

      http.daemon.service().processInvocation(q.path("id").asText(), "alice");
      String[] taken = stream.next("\"status\":\"processing\"");
      assertThat(taken[1]).isEqualTo("invocation");
      assertThat(taken[2]).contains(q.path("id").asText());

      http.daemon.service().acquireLock("repo/main", "bob", 60_000, false, 0);
      String[] lock = stream.next("LockTaken");
      assertThat(lock[1]).isEqualTo("lock");
      assertThat(Json.read(lock[2]).path("resource").asText()).isEqualTo("repo/main");
      assertThat(Json.read(lock[2]).path("agent").asText()).isEqualTo("bob");
    }
  }

  @Test
  void an_unknown_last_event_id_gets_a_reset() throws Exception {
    try (Events stream = new Events("0-42")) {
      String[] e = stream.next("reload");
      assertThat(e[1]).isEqualTo("reset");
    }
  }

  @Test
  void stopping_the_daemon_ends_open_streams() throws Exception {
    try (Events stream = new Events(null)) {
      Task t = http.daemon.service().createTask(NewTask.of("build").withAssignedTo("nobody"));
      stream.next(t.id()); // the stream is open and flowing
      http.daemon.daemon.close();
      assertThat(stream.ended.await(10, TimeUnit.SECONDS)).as("the stream ended").isTrue();
    }
  }

  @Test
  void the_stream_needs_the_token() {
    assertThat(http.send(http.request("/api/stream").GET()).statusCode()).isEqualTo(401);
  }
}
