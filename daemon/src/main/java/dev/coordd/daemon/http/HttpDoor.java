package dev.coordd.daemon.http;

import dev.coordd.api.CoorddException;
import dev.coordd.api.CoordinationService;
import dev.coordd.api.UnavailableException;
import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.config.HttpConfig;
import dev.coordd.daemon.notify.Notifier;
import dev.coordd.daemon.rpc.MethodTable;
import dev.coordd.daemon.rpc.SocketLimits;
import dev.coordd.daemon.store.Store;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP door on Javalin (Jetty 12, virtual threads): the API over the service, the live
 * stream, the probes, the login, and whatever {@link ExtraRoutes} the daemon adds (the dashboard
 * page, {@code /metrics}). Started after the socket, closed before it. Thread-safe.
 */
public final class HttpDoor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpDoor.class);

  /** More routes on the same server, behind the same token unless listed in publicPaths. */
  public interface ExtraRoutes {
    void addTo(RoutesConfig routes);

    /** Exact paths these routes serve without the token (a login page, say); none by default. */
    default Set<String> publicPaths() {
      return Set.of();
    }
  }

  private final DaemonConfig config;
  private final ChangeStream stream;
  private final Javalin app;
  private final String url;

  private HttpDoor(DaemonConfig config, ChangeStream stream, Javalin app, String url) {
    this.config = config;
    this.stream = stream;
    this.app = app;
    this.url = url;
  }

  /**
   * Opens the door when the configuration enables it (else null): makes the token file if needed,
   * binds, and writes the URL file.
   *
   * @param running false once the daemon stops: requests then get 503
   */
  public static HttpDoor startIfEnabled(
      DaemonConfig config,
      CoordinationService service,
      Notifier notifier,
      Store store,
      Clock clock,
      BooleanSupplier running,
      List<ExtraRoutes> extras) {
    HttpConfig http = config.http();
    if (!http.enabled()) {
      return null;
    }
    String token;
    try {
      token = TokenFile.readOrCreate(config.home());
    } catch (IOException e) {
      throw new CoorddException(
          "http",
          "cannot read or create " + TokenFile.of(config.home()) + ": " + e.getMessage(),
          e);
    }
    Sessions sessions = new Sessions(token, clock);
    Set<String> open = new HashSet<>(HealthRoutes.PATHS);
    open.add(LoginRoutes.PATH);
    extras.forEach(x -> open.addAll(x.publicPaths()));
    Auth auth = new Auth(token, sessions, open);
    Bodies bodies = new Bodies((long) config.maxPayloadBytes() + SocketLimits.ENVELOPE_BYTES);
    ChangeStream stream = new ChangeStream(notifier);
    Javalin app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.concurrency.useVirtualThreads = true;
              cfg.http.maxRequestSize = bodies.maxBytes();
              // the live stream writes as changes come; a compressing filter would hold them back
              cfg.http.compressionStrategy = CompressionStrategy.NONE;
              cfg.jetty.host = http.host();
              cfg.jetty.port = http.port();
              RoutesConfig routes = cfg.routes;
              routes.before(
                  ctx -> {
                    // the login code must not leak through a Referer; no framing of the buttons
                    ctx.header("Referrer-Policy", "no-referrer");
                    ctx.header("X-Content-Type-Options", "nosniff");
                    ctx.header("X-Frame-Options", "DENY");
                    ctx.header("Cache-Control", "no-store");
                    if (!running.getAsBoolean() && !HealthRoutes.PATHS.contains(ctx.path())) {
                      throw new UnavailableException("the daemon is shutting down");
                    }
                    auth.check(ctx);
                  });
              new HealthRoutes(new Readiness(store, running)).addTo(routes);
              new LoginRoutes(new LoginCodes(token, clock), sessions).addTo(routes);
              MethodTable methods = new MethodTable(service);
              new RpcRoute(methods, bodies).addTo(routes);
              new TaskRoutes(service, methods, bodies).addTo(routes);
              new BrowseRoutes(service).addTo(routes);
              new EventRoutes(store).addTo(routes);
              new StreamRoute(stream).addTo(routes);
              extras.forEach(x -> x.addTo(routes));
              routes.exception(HttpError.class, ErrorAnswers::http);
              routes.exception(CoorddException.class, ErrorAnswers::coordd);
              routes.exception(
                  HttpResponseException.class,
                  (e, ctx) ->
                      ErrorAnswers.http(new HttpError(e.getStatus(), "http", e.getMessage()), ctx));
              routes.exception(Exception.class, ErrorAnswers::unexpected);
              routes.error(
                  404,
                  ctx -> {
                    if (ctx.result() == null
                        || ctx.result().isEmpty()
                        || !isJson(ctx.contentType())) {
                      ErrorAnswers.http(
                          new HttpError(
                              404,
                              "not_found",
                              "no route " + ctx.method() + " " + ctx.path() + "; see the README"),
                          ctx);
                    }
                  });
            });
    try {
      app.start();
    } catch (RuntimeException e) {
      stream.close();
      throw new CoorddException(
          "http",
          "cannot listen on "
              + http.host()
              + ":"
              + http.port()
              + " (http.host, http.port): "
              + rootMessage(e)
              + ". Another program (another coordd?) may hold the port: set http.port to a free"
              + " one, or 0 to have one picked",
          e);
    }
    String url = "http://" + linkHost(http.host()) + ":" + app.port();
    HttpDoor door = new HttpDoor(config, stream, app, url);
    try {
      UrlFile.write(config.home(), url);
    } catch (IOException e) {
      door.close();
      throw new UncheckedIOException("cannot write " + UrlFile.of(config.home()), e);
    }
    if (!http.loopback()) {
      log.warn(
          "the HTTP door listens on {} (http.allowRemote): other machines can reach it; every"
              + " request still needs the token, but it travels unencrypted (put TLS in front)",
          http.host());
    }
    log.info("HTTP on {}", url);
    return door;
  }

  private static boolean isJson(String contentType) {
    return contentType != null && contentType.startsWith("application/json");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** The host for links: a wildcard address is reached through loopback; IPv6 in brackets. */
  static String linkHost(String host) {
    String h = host.strip();
    if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
      return "127.0.0.1";
    }
    return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
  }

  /** Where the door listens, e.g. {@code http://127.0.0.1:7440}. */
  public String url() {
    return url;
  }

  public int port() {
    return app.port();
  }

  /** Ends the live streams, stops the server and removes the URL file. */
  @Override
  public void close() {
    stream.close();
    try {
      app.stop();
    } catch (RuntimeException e) {
      log.warn("stopping the HTTP door failed", e);
    }
    UrlFile.remove(config.home());
  }
}
