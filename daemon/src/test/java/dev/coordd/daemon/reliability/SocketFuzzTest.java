package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.client.CoorddClient;
import dev.coordd.client.SocketPaths;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.internal.Json;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Generated abuse of the socket door: random bytes, deep nesting, huge numbers, invalid UTF-8,
 * oversized lines, lines sent a few bytes at a time and lines cut off by a hang-up, 100,000 frames
 * in all over a few reused connections. Every line must get exactly one answer (a well-formed
 * request one carrying its own id), the daemon must keep answering, and its heap must not grow with
 * what it was sent. Frames come from a seeded {@link Random}: a failure names the seed, and {@code
 * -Dcoordd.fuzz.seed=N} replays it. (Not jqwik: its author asks AI agents not to use it, and much
 * of this code is written with one.)
 */
@Tag("reliability")
class SocketFuzzTest {
  static final int TRIES = 1_000;
  static final int FRAMES_PER_TRY = 100;
  static final int MAX_PAYLOAD = 4096;

  /** The daemon's line cap: maxPayloadBytes plus 64 KiB of envelope. */
  static final int LINE_CAP = MAX_PAYLOAD + 64 * 1024;

  static final byte[] ID = "\u0000ID\u0000".getBytes(StandardCharsets.UTF_8);

  static Path dir;
  static Daemon daemon;
  static final List<Conn> conns = new ArrayList<>();
  static final AtomicLong ids = new AtomicLong();
  static final AtomicLong sent = new AtomicLong();
  static long heapBefore;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("coordd-fuzz");
    Path home = dir.resolve("home");
    daemon =
        Daemon.start(
            ConfigLoader.load(home, Map.of(), Map.of("maxPayloadBytes", "" + MAX_PAYLOAD)));
    for (int i = 0; i < 4; i++) {
      conns.add(new Conn(home));
    }
    heapBefore = usedHeapAfterGc();
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      assertThat(sent.get()).as("frames sent").isGreaterThanOrEqualTo(100_000);
      assertThat(daemon.isRunning()).isTrue();
      try (CoorddClient c = CoorddClient.connect(daemon.config().home())) {
        assertThat(c.stats()).as("a fresh client is served").isNotNull();
      }
      for (Conn c : conns) {
        c.close();
      }
      // Generous: the daemon may keep caches, but must hold nothing per frame it was sent (100k
      // frames, a thousand of them over 64 KiB, would be gigabytes).
      long grown = usedHeapAfterGc() - heapBefore;
      assertThat(grown).as("heap growth in bytes").isLessThan(96L * 1024 * 1024);
    } finally {
      daemon.close();
      try (var files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * One frame: its bytes (where {@link #ID} stands, a fresh numeric id goes) and how to send it.
   */
  record Frame(String kind, byte[] template, Delivery delivery) {
    @Override
    public String toString() {
      String text = new String(template, StandardCharsets.UTF_8);
      return kind
          + "/"
          + delivery
          + ":"
          + (text.length() > 80 ? text.substring(0, 80) + "…" : text);
    }
  }

  enum Delivery {
    WHOLE,
    SLOW,
    HALF_THEN_HANG_UP
  }

  @Test
  void every_line_gets_one_answer_and_each_request_its_own_id() throws Exception {
    long seed = Long.getLong("coordd.fuzz.seed", System.nanoTime());
    Random random = new Random(seed);
    for (int t = 0; t < TRIES; t++) {
      List<Frame> frames = batch(random);
      try {
        oneBatch(frames);
      } catch (AssertionError | Exception e) {
        throw new AssertionError(
            "batch " + t + " of seed " + seed + " (replay with -Dcoordd.fuzz.seed=" + seed + ")",
            e);
      }
    }
  }

  private void oneBatch(List<Frame> frames) throws Exception {
    Conn conn = conns.get((int) (sent.get() / FRAMES_PER_TRY % conns.size()));
    List<Long> expectedIds = new ArrayList<>();
    int expectedAnswers = 0;
    for (Frame f : frames) {
      sent.incrementAndGet();
      byte[] line = withId(f.template(), ids.incrementAndGet());
      if (f.delivery() == Delivery.HALF_THEN_HANG_UP && line.length > 1) {
        // on a connection of its own, which hangs up mid-line: nothing to answer, nothing to hurt
        try (Conn once = new Conn(daemon.config().home())) {
          once.out.write(line, 0, Math.max(1, line.length / 2));
          once.out.flush();
        }
        continue;
      }
      if (f.delivery() == Delivery.SLOW) {
        conn.sendSlowly(line);
      } else {
        conn.out.write(line);
        conn.out.write('\n');
      }
      String text = new String(line, StandardCharsets.UTF_8); // as the daemon decodes it
      if (text.isBlank()) {
        continue; // blank lines are skipped, as JSON-RPC over lines allows
      }
      expectedAnswers++;
      if (line.length <= LINE_CAP) {
        Long id = requestId(text);
        if (id != null) {
          expectedIds.add(id);
        }
      }
    }
    String end = "end-" + ids.incrementAndGet();
    conn.out.write(
        ("{\"jsonrpc\":\"2.0\",\"id\":\"" + end + "\",\"method\":\"stats\"}\n")
            .getBytes(StandardCharsets.UTF_8));
    conn.out.flush();

    // Requests on a connection run concurrently and are answered as each finishes, so the closing
    // request's answer may come before others: collect until it and every other one are in.
    List<JsonNode> answers = new ArrayList<>();
    boolean ended = false;
    while (!ended || answers.size() < expectedAnswers) {
      JsonNode a = conn.answers.poll(20, TimeUnit.SECONDS);
      assertThat(a)
          .as("an answer within 20 s (after %d of %d)", answers.size(), expectedAnswers)
          .isNotNull();
      if (end.equals(a.path("id").asText(null))) {
        assertThat(a.has("result")).as("the closing request is served: %s", a).isTrue();
        ended = true;
        continue;
      }
      assertThat(a.path("jsonrpc").asText()).isEqualTo("2.0");
      assertThat(a.has("result") || a.has("error")).as("a JSON-RPC response: %s", a).isTrue();
      answers.add(a);
    }
    assertThat(answers).as("one answer per non-blank line").hasSize(expectedAnswers);
    Set<Long> answeredIds = new HashSet<>();
    for (JsonNode a : answers) {
      if (a.path("id").canConvertToLong()) {
        answeredIds.add(a.path("id").asLong());
      }
    }
    assertThat(answeredIds)
        .as("every parseable request answered with its id")
        .containsAll(expectedIds);
  }

  /** The id the daemon must answer with: that of a parseable request object with a numeric id. */
  private static Long requestId(String text) {
    JsonNode request;
    try {
      request = Json.MAPPER.readTree(text);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    if (request == null || !request.isObject()) {
      return null;
    }
    JsonNode id = request.get("id");
    return id != null && id.isIntegralNumber() && id.canConvertToLong() ? id.asLong() : null;
  }

  private static byte[] withId(byte[] template, long id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(template.length + 20);
    for (int i = 0; i < template.length; i++) {
      if (startsWith(template, i, ID)) {
        out.writeBytes(Long.toString(id).getBytes(StandardCharsets.US_ASCII));
        i += ID.length - 1;
      } else {
        out.write(template[i]);
      }
    }
    return out.toByteArray();
  }

  private static boolean startsWith(byte[] a, int at, byte[] b) {
    if (at + b.length > a.length) {
      return false;
    }
    for (int j = 0; j < b.length; j++) {
      if (a[at + j] != b[j]) {
        return false;
      }
    }
    return true;
  }

  // --- generators: a seeded Random, so a failure names the seed that reproduces its frames ---

  /** One batch of frames, kinds and deliveries weighted as the class comment lists. */
  static List<Frame> batch(Random r) {
    List<Frame> frames = new ArrayList<>(FRAMES_PER_TRY);
    for (int i = 0; i < FRAMES_PER_TRY; i++) {
      Frame f =
          switch (pick(r, 25, 20, 15, 15, 15, 9, 1)) {
            case 0 -> randomBytes(r);
            case 1 -> wellFormed(r);
            case 2 -> deepNesting(r);
            case 3 -> hugeNumbers(r);
            case 4 -> invalidUtf8(r);
            case 5 -> truncatedJson(r);
            default -> oversized(r);
          };
      Delivery d =
          switch (pick(r, 990, 7, 3)) {
            case 0 -> Delivery.WHOLE;
            case 1 -> Delivery.SLOW;
            default -> Delivery.HALF_THEN_HANG_UP;
          };
      frames.add(new Frame(f.kind(), f.template(), d));
    }
    return frames;
  }

  /** An index drawn with the given weights. */
  private static int pick(Random r, int... weights) {
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    int x = r.nextInt(total);
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  @SafeVarargs
  private static <T> T oneOf(Random r, T... choices) {
    return choices[r.nextInt(choices.length)];
  }

  private static String request(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":\u0000ID\u0000,\"method\":\""
        + method
        + "\""
        + (params == null ? "" : ",\"params\":" + params)
        + "}";
  }

  private static Frame frame(String kind, String text) {
    return new Frame(kind, text.getBytes(StandardCharsets.UTF_8), Delivery.WHOLE);
  }

  /** Methods that answer at once and never echo a payload back (see the @Disabled deep test). */
  static final List<String> METHODS =
      List.of(
          "stats", "getTask", "listTasks", "createTask", "listAgents", "cancelTask", "nope", "");

  private static Frame randomBytes(Random r) {
    byte[] b = new byte[r.nextInt(301)];
    r.nextBytes(b);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n') {
        b[i] = ' ';
      }
    }
    return new Frame("bytes", b, Delivery.WHOLE);
  }

  private static Frame wellFormed(Random r) {
    String params =
        oneOf(
            r,
            null,
            "{}",
            "{\"id\":\"no-such-task\"}",
            "{\"query\":{\"status\":\"queued\",\"limit\":5}}",
            "{\"task\":{\"type\":\"fuzz\"}}",
            "{\"task\":{\"type\":\"file_operation\",\"data\":{\"operation\":\"explode\"}}}",
            "[1,2,3]",
            "\"text\"");
    return frame("request", request(METHODS.get(r.nextInt(METHODS.size())), params));
  }

  private static Frame deepNesting(Random r) {
    int d = 1 + r.nextInt(3000);
    boolean closed = r.nextBoolean();
    String open = r.nextBoolean() ? "[" : "{\"a\":";
    String close = open.equals("[") ? "]" : "}";
    String nested = open.repeat(d) + "1" + (closed ? close.repeat(d) : "");
    return frame("deep", request("stats", "{\"x\":" + nested + "}"));
  }

  private static Frame hugeNumbers(Random r) {
    String n =
        oneOf(
            r,
            "1e999999999",
            "-1e-999999999",
            "123456789012345678901234567890123456789",
            "9".repeat(1200),
            "1" + "0".repeat(5000),
            "0." + "1".repeat(3000),
            "NaN",
            "-0",
            "9223372036854775808",
            "1.7976931348623157e309");
    String w =
        oneOf(
            r,
            "listTasks:{\"query\":{\"limit\":%s}}",
            "getTask:{\"id\":%s}",
            "createTask:{\"task\":{\"type\":\"fuzz\",\"priority\":%s}}",
            "stats:{\"n\":%s}",
            "id:%s");
    String[] mp = w.split(":", 2);
    if (mp[0].equals("id")) {
      // a huge id itself: answered, though not as a number this test can match
      return frame("huge-id", "{\"jsonrpc\":\"2.0\",\"id\":" + n + ",\"method\":\"stats\"}");
    }
    return frame("huge", request(mp[0], mp[1].formatted(n)));
  }

  private static Frame invalidUtf8(Random r) {
    byte[] b =
        oneOf(
            r,
            new byte[] {(byte) 0xC3, (byte) 0x28},
            new byte[] {(byte) 0xFF},
            new byte[] {(byte) 0xFE, (byte) 0xFF},
            new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a lone surrogate
            new byte[] {(byte) 0xC0, (byte) 0xAF}, // an overlong '/'
            new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // past U+10FFFF
            new byte[] {(byte) 0xE2, (byte) 0x82}); // cut short
    // inside a string the daemon decodes them as U+FFFD and answers; outside one, the line is not
    // JSON and gets a parse error
    String req =
        request(
            "getTask",
            r.nextBoolean() ? "{\"id\":\"ab\u0001CUT\u0001cd\"}" : "{\"id\":\u0001CUT\u0001}");
    String[] parts = req.split("\u0001CUT\u0001");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
    out.writeBytes(b);
    out.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
    return new Frame("utf8", out.toByteArray(), Delivery.WHOLE);
  }

  private static Frame truncatedJson(Random r) {
    String req = request(METHODS.get(r.nextInt(METHODS.size())), "{\"id\":\"abc\"}");
    int cut = 1 + r.nextInt(60);
    return frame("truncated", req.substring(0, Math.min(cut, req.length() - 1)));
  }

  private static Frame oversized(Random r) {
    int n = LINE_CAP + 1 + r.nextInt(LINE_CAP);
    return frame(
        "oversized",
        "{\"jsonrpc\":\"2.0\",\"id\":\u0000ID\u0000,\"method\":\"stats\",\"pad\":\""
            + "x".repeat(n)
            + "\"}");
  }

  // --- plumbing ---

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  /** A raw connection; a reader thread drains answers so the daemon never blocks writing them. */
  static final class Conn implements AutoCloseable {
    final SocketChannel ch;
    final OutputStream out;
    final BlockingQueue<JsonNode> answers = new LinkedBlockingQueue<>();
    final Thread reader;

    Conn(Path home) throws IOException {
      ch = SocketChannel.open(StandardProtocolFamily.UNIX);
      ch.connect(UnixDomainSocketAddress.of(SocketPaths.forHome(home)));
      out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
      reader =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      String line;
                      while ((line = in.readLine()) != null) {
                        answers.add(Json.read(line));
                      }
                    } catch (IOException | UncheckedIOException e) {
                      // closed
                    }
                  });
    }

    /** A few bytes at a time with pauses: a slow (or half-written, then finished) line. */
    void sendSlowly(byte[] line) throws IOException, InterruptedException {
      out.flush();
      int step = Math.max(1, line.length / 5);
      for (int i = 0; i < line.length; i += step) {
        out.write(line, i, Math.min(step, line.length - i));
        out.flush();
        Thread.sleep(2);
      }
      out.write('\n');
    }

    @Override
    public void close() throws IOException {
      ch.close();
    }
  }
}
