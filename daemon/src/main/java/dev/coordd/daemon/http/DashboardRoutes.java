package dev.coordd.daemon.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The dashboard: {@code /} is its page and {@code /dashboard/<name>.js|.css} its files, read from
 * the classpath ({@code dashboard/}), behind the token like the API (the login link sets the cookie
 * first). The page runs with a strict Content-Security-Policy: scripts and styles from this origin
 * only, no inline script, so data shown in it can never run, even if a bug inserted it as markup.
 * Thread-safe.
 */
public final class DashboardRoutes implements HttpDoor.ExtraRoutes {
  static final String PAGE = "/";
  static final String FILES = "/dashboard/";
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'"
          + " data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  /** A bare file name: no folders, no dots but the extension's, so nothing outside is reachable. */
  private static final Pattern FILE = Pattern.compile("[a-z][a-z0-9_-]{0,40}\\.(js|css)");

  private static final Map<String, String> TYPES =
      Map.of(
          "html", "text/html;charset=utf-8",
          "js", "text/javascript;charset=utf-8",
          "css", "text/css;charset=utf-8");

  /** Files found, read once; a miss is not remembered, so made-up names cannot fill it. */
  private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

  @Override
  public void addTo(RoutesConfig routes) {
    routes.get(PAGE, ctx -> serve(ctx, "index.html"));
    routes.get(FILES + "{file}", this::file);
  }

  private void file(Context ctx) {
    String name = ctx.pathParam("file");
    if (!FILE.matcher(name).matches()) {
      throw notFound(name);
    }
    serve(ctx, name);
  }

  private void serve(Context ctx, String name) {
    byte[] body = cache.get(name);
    if (body == null) {
      body = load(name).orElseThrow(() -> notFound(name));
      cache.put(name, body);
    }
    String ext = name.substring(name.lastIndexOf('.') + 1);
    ctx.header("Content-Security-Policy", CSP);
    ctx.contentType(TYPES.get(ext)).result(body);
  }

  private static HttpError notFound(String name) {
    return new HttpError(404, "not_found", "the dashboard has no file '" + name + "'");
  }

  private static Optional<byte[]> load(String name) {
    try (InputStream in = DashboardRoutes.class.getResourceAsStream("/dashboard/" + name)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read dashboard/" + name + " from the classpath", e);
    }
  }
}
