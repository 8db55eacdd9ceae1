package dev.coordd.daemon.http;

import dev.coordd.api.Event;
import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.store.EventStore;
import dev.coordd.daemon.store.Store;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * {@code /api/events}: recent events, newest first, paged by sequence number. The service's {@code
 * awaitEvents} reads forward from a sequence number (what an agent catching up needs); a page of
 * the newest is a read of the store's own {@link EventStore#before} (a read, never a write: it does
 * not go through the store's writer).
 */
final class EventRoutes {
  static final String KIND = "events";

  private final Store store;
  private final EventStore events = new EventStore();

  EventRoutes(Store store) {
    this.store = store;
  }

  void addTo(RoutesConfig routes) {
    routes.get("/api/events", this::list);
  }

  private void list(Context ctx) {
    Query q = Query.of(ctx);
    int limit = q.limit();
    String after = q.cursor(KIND);
    long upto = after == null ? Long.MAX_VALUE : seq(after) - 1;
    List<Event> fetched = store.read(tx -> events.before(tx, upto, null, limit + 1));
    Answers.json(ctx, Page.cut(fetched, e -> Long.toString(e.seq()), KIND, limit));
  }

  private static long seq(String key) {
    try {
      return Long.parseLong(key);
    } catch (NumberFormatException e) {
      throw new InvalidRequestException("cursor", "cursor is not one this list gave out");
    }
  }
}
