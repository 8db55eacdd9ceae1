package dev.coordd.daemon.http;

import io.javalin.config.RoutesConfig;
import java.util.Set;

/**
 * {@code /healthz} (the process answers) and {@code /readyz} (it can take work), without the token,
 * for probes and supervisors. Each says one word: nothing about the daemon leaks to whoever asks.
 */
final class HealthRoutes {
  static final Set<String> PATHS = Set.of("/healthz", "/readyz");

  private final Readiness readiness;

  HealthRoutes(Readiness readiness) {
    this.readiness = readiness;
  }

  void addTo(RoutesConfig routes) {
    routes.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"));
    routes.get(
        "/readyz",
        ctx -> {
          boolean ready = readiness.ready();
          ctx.status(ready ? 200 : 503)
              .contentType("text/plain")
              .result(ready ? "ready\n" : "not ready\n");
        });
  }
}
