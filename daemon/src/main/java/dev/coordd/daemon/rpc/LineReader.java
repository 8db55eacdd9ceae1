package dev.coordd.daemon.rpc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads newline-terminated lines with a size cap. A line over the cap is skipped up to its newline
 * and reported as too long, with its first bytes kept so the answer can still carry the request's
 * id, and its full length counted so the answer can say how far over it was; one oversized message
 * never costs the connection. Not thread-safe: one reader per connection (only {@link
 * #lastHeardNanos} may be read from another thread).
 */
final class LineReader {
  static final int HEAD_BYTES = 256;

  /** A line read: its text (for one over the cap, its beginning) and its length in bytes. */
  record Line(String text, boolean tooLong, long bytes) {}

  private final InputStream in;
  private final int maxBytes;
  private final byte[] buffer = new byte[8192];
  private int pos;
  private int limit;
  private volatile long lastHeard = System.nanoTime();

  LineReader(InputStream in, int maxBytes) {
    this.in = in;
    this.maxBytes = maxBytes;
  }

  /** When the peer last sent anything, even part of a line ({@link System#nanoTime} scale). */
  long lastHeardNanos() {
    return lastHeard;
  }

  /** The next line without its newline, or null at end of stream. */
  Line readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    boolean tooLong = false;
    long bytes = 0;
    while (true) {
      if (pos == limit) {
        limit = in.read(buffer);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          // a half line at end of stream is dropped: the sender hung up mid-message
          return null;
        }
        lastHeard = System.nanoTime();
      }
      int start = pos;
      while (pos < limit && buffer[pos] != '\n') {
        pos++;
      }
      bytes += pos - start;
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
        return new Line(line.toString(StandardCharsets.UTF_8), tooLong, bytes);
      }
    }
  }
}
