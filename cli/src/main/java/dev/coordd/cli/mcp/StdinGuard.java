package dev.coordd.cli.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.internal.Json;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Stands between stdin and the SDK's stdio transport, one line (one message) at a time.
 *
 * <p>The transport stops reading for good at the first line it cannot turn into a JSON-RPC message,
 * which would leave the server deaf but alive. So a line that is not a message is answered here
 * with a JSON-RPC error (-32700 or -32600, as the spec says) and dropped; blank lines are skipped.
 * Answers are written under the lock the transport itself takes on the output stream, so they never
 * interleave with its messages. The end of stdin is signalled for {@link #awaitEnd}, which is how
 * {@code coordd mcp} knows that its client has gone.
 */
final class StdinGuard extends InputStream {
  static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

  private final InputStream in;
  private final OutputStream out;
  private final McpJsonMapper mapper;
  private final CountDownLatch ended = new CountDownLatch(1);
  private byte[] line = new byte[0];
  private int pos;

  StdinGuard(InputStream in, OutputStream out, McpJsonMapper mapper) {
    this.in = in;
    this.out = out;
    this.mapper = mapper;
  }

  void awaitEnd() throws InterruptedException {
    ended.await();
  }

  boolean awaitEnd(long timeout, TimeUnit unit) throws InterruptedException {
    return ended.await(timeout, unit);
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return line[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, line.length - pos);
    System.arraycopy(line, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return line.length - pos;
  }

  @Override
  public void close() throws IOException {
    ended.countDown();
    in.close();
  }

  /** Makes sure there is an accepted line to hand out; false at the end of stdin. */
  private boolean fill() throws IOException {
    while (pos >= line.length) {
      byte[] next;
      try {
        next = nextLine();
      } catch (IOException e) {
        ended.countDown();
        throw e;
      }
      if (next == null) {
        ended.countDown();
        return false;
      }
      byte[] accepted = accept(next);
      if (accepted != null) {
        line = accepted;
        pos = 0;
      }
    }
    return true;
  }

  /** The next line with its newline, or null at the end; an overlong line is answered. */
  private byte[] nextLine() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(256);
    boolean tooLong = false;
    int b;
    while ((b = in.read()) != -1) {
      if (!tooLong) {
        buf.write(b);
        tooLong = buf.size() > MAX_LINE_BYTES;
      }
      if (b == '\n') {
        break;
      }
    }
    if (b == -1 && buf.size() == 0) {
      return null;
    }
    if (tooLong) {
      answer(null, -32600, "Invalid Request: message over " + MAX_LINE_BYTES + " bytes");
      return new byte[0];
    }
    if (b == -1) {
      buf.write('\n'); // a last line without its newline still counts
    }
    return buf.toByteArray();
  }

  /**
   * The message re-written as one compact line, or null when it was answered as bad. Re-writing
   * matters: JSON allows a raw CR between tokens, which the SDK's reader takes for a line end.
   */
  private byte[] accept(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.isBlank()) {
      return null;
    }
    JsonNode tree;
    try {
      tree = Json.MAPPER.readTree(text);
    } catch (IOException e) {
      answer(null, -32700, "Parse error: not JSON");
      return null;
    }
    JsonNode id = tree != null && tree.isObject() ? tree.get("id") : null;
    try {
      String compact = Json.write(tree);
      McpSchema.deserializeJsonRpcMessage(mapper, compact);
      return (compact + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      answer(id, -32600, "Invalid Request: not a JSON-RPC 2.0 message");
      return null;
    }
  }

  private void answer(JsonNode id, int code, String message) {
    ObjectNode response = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
    response.set("id", id != null && (id.isTextual() || id.isIntegralNumber()) ? id : null);
    response.putObject("error").put("code", code).put("message", message);
    byte[] bytes = (Json.write(response) + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        // stdout is gone: the client left; reading will end too
      }
    }
  }
}
