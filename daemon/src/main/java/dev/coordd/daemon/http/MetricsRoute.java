package dev.coordd.daemon.http;

import dev.coordd.daemon.metrics.Metrics;
import io.javalin.config.RoutesConfig;

/**
 * {@code GET /metrics}: every meter in the Prometheus text format. Behind the token like the API
 * (Prometheus sends it with {@code authorization: {credentials_file: .coordd/token}}): task types,
 * agent counts and queue depths say what the agents on this machine work on.
 */
public final class MetricsRoute implements HttpDoor.ExtraRoutes {
  public static final String PATH = "/metrics";

  /** The Prometheus text exposition format, version 0.0.4. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Metrics metrics;

  public MetricsRoute(Metrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(PATH, ctx -> ctx.contentType(CONTENT_TYPE).result(metrics.scrape()));
  }
}
