package dev.coordd.daemon.rpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-terminated lines with a size cap. A line over the cap is skipped up to its newline
 * and reported as too long, with its first bytes kept so the answer can still carry the request's
 * id; one oversized message never costs the connection. Not thread-safe: one reader per connection.
 */
final class LineReader {
  static final int HEAD_BYTES = 256;

  /** A line read: its text, or for one over the cap, its beginning. */
  record Line(String text, boolean tooLong) {}

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[8192];
  private int pos;
  private int limit;

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** The next line without its newline, or null at end of stream. */
  Line readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean tooLong = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buffer);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          // a half line at end of stream is dropped: the sender hung up mid-message
          return null;
        }
      }
      int start = pos;
      while (pos < limit && buffer[pos] != '\n') {
        pos++;
      }
      if (!tooLong) {
        line.write(buffer, start, pos - start);
        if (line.size() > maxBytes) {
          tooLong = true;
          byte[] head = line.toByteArray();
          line.reset();
          line.write(head, 0, Math.min(HEAD_BYTES, head.length));
        }
      }
      if (pos < limit) { // found the newline
        pos++;
        return new Line(line.toString(StandardCharsets.UTF_8), tooLong);
      }
    }
  }
}
