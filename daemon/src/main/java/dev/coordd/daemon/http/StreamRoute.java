package dev.coordd.daemon.http;

import dev.coordd.api.RateLimitedException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/stream}: Server-Sent Events of the daemon's changes. Each connection is served on
 * its own (virtual) request thread, which writes what its {@link StreamClient} queue holds and a
 * comment every {@link #HEARTBEAT_MILLIS} so proxies and the page see the connection alive. At most
 * {@link #MAX_CLIENTS} at once; one more is a 429.
 */
final class StreamRoute {
  static final long HEARTBEAT_MILLIS = 15_000;
  static final int MAX_CLIENTS = 64;
  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

  private final ChangeStream stream;

  StreamRoute(ChangeStream stream) {
    this.stream = stream;
  }

  void addTo(RoutesConfig routes) {
    routes.get("/api/stream", this::serve);
  }

  private void serve(Context ctx) throws IOException, InterruptedException {
    Query.of(ctx, "lastEventId");
    if (stream.clientCount() >= MAX_CLIENTS) {
      throw new RateLimitedException(
          "too many live streams: at most "
              + MAX_CLIENTS
              + " at once; close other dashboard tabs and try again",
          HEARTBEAT_MILLIS);
    }
    String lastId = ctx.header("Last-Event-ID");
    if (lastId == null) {
      lastId =
          ctx.queryParam("lastEventId"); // unused by browsers; for callers that cannot set headers
    }
    StreamClient client = new StreamClient();
    var res = ctx.res();
    res.setStatus(200);
    res.setContentType("text/event-stream;charset=utf-8");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    OutputStream out = res.getOutputStream();
    try {
      out.write(("retry: 2000\n: coordd live stream\n\n").getBytes(StandardCharsets.UTF_8));
      for (StreamEvent e : stream.join(client, lastId)) {
        out.write(e.wire());
      }
      out.flush();
      while (true) {
        StreamEvent e = client.next(HEARTBEAT_MILLIS);
        if (e != null && StreamClient.isEnd(e)) {
          return;
        }
        out.write(e == null ? HEARTBEAT : e.wire());
        out.flush();
      }
    } catch (IOException gone) {
      // the client went away; nothing to answer
    } finally {
      stream.leave(client);
    }
  }
}
