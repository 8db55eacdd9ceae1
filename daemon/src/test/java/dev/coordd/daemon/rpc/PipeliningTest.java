package dev.coordd.daemon.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests on one connection run concurrently and are answered by id as each finishes, within a
 * bound per connection; a real daemon, a raw socket.
 */
class PipeliningTest {
  @TempDir Path dir;
  Daemon daemon;
  Path home;

  @BeforeEach
  void start() {
    home = dir.resolve("home");
    daemon =
        Daemon.start(
            ConfigLoader.load(
                home, Map.of(), Map.of("busyTimeout", "60s", "maxPayloadBytes", "1048576")));
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private RawClient raw() throws Exception {
    return new RawClient(SocketPaths.forHome(home));
  }

  private static String create(Object id) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + Json.write(Json.MAPPER.valueToTree(id))
        + ",\"method\":\"createTask\",\"params\":{\"task\":{\"type\":\"build\","
        + "\"assignedTo\":\"w\"}}}";
  }

  @Test
  void requests_written_before_any_answer_is_read_are_each_answered_by_their_id() throws Exception {
    try (RawClient c = raw()) {
      StringBuilder all = new StringBuilder();
      for (int i = 1; i <= 300; i++) {
        all.append(create(i)).append('\n');
      }
      c.send(all.toString().stripTrailing());
      Set<Integer> ids = new HashSet<>();
      Set<String> tasks = new HashSet<>();
      for (int i = 0; i < 300; i++) {
        JsonNode answer = c.answer();
        assertThat(answer.has("error")).as(answer.toString()).isFalse();
        ids.add(answer.get("id").asInt());
        tasks.add(answer.at("/result/id").asText());
      }
      assertThat(ids).hasSize(300).allMatch(id -> id >= 1 && id <= 300);
      assertThat(tasks).hasSize(300);
    }
  }

  @Test
  void a_slow_call_does_not_hold_up_a_fast_one_sent_after_it() throws Exception {
    Task existing = daemon.service().createTask(NewTask.of("build").withAssignedTo("w"));
    try (RawClient c = raw();
        java.sql.Connection db =
            DriverManager.getConnection("jdbc:sqlite:" + daemon.config().database());
        Statement st = db.createStatement()) {
      // Another process holds the database's write lock: the create waits for it (busyTimeout),
      // while a read needs no lock.
      st.execute("PRAGMA busy_timeout = 10000");
      st.execute("BEGIN IMMEDIATE");
      c.send(create("slow"));
      c.send(
          "{\"jsonrpc\":\"2.0\",\"id\":\"fast\",\"method\":\"getTask\",\"params\":{\"id\":\""
              + existing.id()
              + "\"}}");
      JsonNode first = c.answer();
      assertThat(first.get("id").asText()).isEqualTo("fast");
      assertThat(first.at("/result/id").asText()).isEqualTo(existing.id());
      st.execute("ROLLBACK");
      JsonNode second = c.answer();
      assertThat(second.get("id").asText()).isEqualTo("slow");
      assertThat(second.at("/result/status").asText()).isEqualTo("queued");
    }
  }

  @Test
  void a_client_that_never_reads_is_read_no_further_than_the_bound() throws Exception {
    // Big answers fill the socket buffers after a handful, so what the daemon reads beyond that
    // is what the bound lets it run.
    Task big =
        daemon
            .service()
            .createTask(
                NewTask.of("build")
                    .withAssignedTo("w")
                    .withData(Json.MAPPER.createObjectNode().put("blob", "x".repeat(64 * 1024))));
    String pad = "p".repeat(8 * 1024);
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(SocketPaths.forHome(home)));
      ch.configureBlocking(false);
      int sent = 0;
      ByteBuffer line = null;
      long stalledSince = System.nanoTime();
      while (sent < 5_000 && System.nanoTime() - stalledSince < 5_000_000_000L) {
        if (line == null || !line.hasRemaining()) {
          line =
              ByteBuffer.wrap(
                  ("{\"jsonrpc\":\"2.0\",\"id\":"
                          + (sent + 1)
                          + ",\"pad\":\""
                          + pad
                          + "\",\"method\":\"getTask\",\"params\":{\"id\":\""
                          + big.id()
                          + "\"}}\n")
                      .getBytes(StandardCharsets.UTF_8));
          sent++;
        }
        if (ch.write(line) > 0) {
          stalledSince = System.nanoTime();
        } else {
          Thread.sleep(5);
        }
      }
      // The daemon stopped reading far short of everything: it runs at most the bound at once
      // (plus what the socket buffers hold). It did read well past the first blocked answer,
      // which is all a connection answered in order could.
      assertThat(sent).isGreaterThan(100).isLessThan(Connection.MAX_IN_FLIGHT + 200);

      // Reading the answers lets it go on; every request written is answered.
      ch.configureBlocking(true);
      int expected = sent;
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
      Set<Integer> answered = ConcurrentHashMap.newKeySet();
      Thread reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < expected; i++) {
                        JsonNode answer = Json.read(in.readLine());
                        if (answer.at("/result/id").asText().equals(big.id())) {
                          answered.add(answer.get("id").asInt());
                        }
                      }
                    } catch (java.io.IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  });
      while (line.hasRemaining()) {
        ch.write(line); // the rest of a line cut short by the full buffer
      }
      assertThat(reader.join(java.time.Duration.ofSeconds(60))).isTrue();
      assertThat(answered).hasSize(sent);
    }
  }

  @Test
  void a_client_that_half_closes_still_gets_every_answer_owed() throws Exception {
    try (RawClient c = raw()) {
      StringBuilder all = new StringBuilder();
      for (int i = 1; i <= 200; i++) {
        all.append(create(i)).append('\n');
      }
      c.send(all.toString().stripTrailing());
      c.channel.shutdownOutput();
      Set<Integer> ids = new HashSet<>();
      String line;
      while ((line = c.readLine()) != null) {
        if (!line.isBlank()) {
          ids.add(Json.read(line).get("id").asInt());
        }
      }
      assertThat(ids).hasSize(200);
    }
  }

  @Test
  void many_connections_each_pipelining_are_all_answered() throws Exception {
    Map<Integer, Set<Integer>> answered = new HashMap<>();
    RawClient[] clients = new RawClient[4];
    for (int k = 0; k < clients.length; k++) {
      clients[k] = raw();
      StringBuilder all = new StringBuilder();
      for (int i = 1; i <= 100; i++) {
        all.append(create(i)).append('\n');
      }
      clients[k].send(all.toString().stripTrailing());
    }
    for (int k = 0; k < clients.length; k++) {
      Set<Integer> ids = new HashSet<>();
      for (int i = 0; i < 100; i++) {
        ids.add(clients[k].answer().get("id").asInt());
      }
      answered.put(k, ids);
      clients[k].close();
    }
    assertThat(answered.values()).allSatisfy(ids -> assertThat(ids).hasSize(100));
  }
}
