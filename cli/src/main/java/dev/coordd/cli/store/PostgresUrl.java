package dev.coordd.cli.store;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The PostgreSQL url a user types, in any of the three forms people copy from their tools ({@code
 * postgres://user:pass@host:port/db?currentSchema=x}, {@code postgresql://…}, {@code
 * jdbc:postgresql://…}), as the JDBC url the store opens. A password never reaches a message: use
 * {@link #redact} for anything printed.
 */
final class PostgresUrl {
  static final String JDBC = "jdbc:postgresql://";

  private static final Pattern USER_PASSWORD = Pattern.compile("(://[^:/@?]*:)[^@/?]*@");
  private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&]*");

  private PostgresUrl() {}

  /** The JDBC form; throws IllegalArgumentException saying what is wrong and what to write. */
  static String toJdbc(String text) {
    String url = text == null ? "" : text.strip();
    if (url.startsWith(JDBC)) {
      return url;
    }
    String rest;
    if (url.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else if (url.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else {
      throw bad(url, "it is not a PostgreSQL url");
    }
    URI uri;
    try {
      uri = new URI("postgresql://" + rest);
    } catch (URISyntaxException e) {
      throw bad(url, e.getReason());
    }
    if (uri.getHost() == null) {
      throw bad(url, "it names no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (path.length() <= 1) {
      throw bad(url, "it names no database (the /DATABASE after the host)");
    }
    StringBuilder jdbc = new StringBuilder(JDBC).append(uri.getHost());
    if (uri.getPort() != -1) {
      jdbc.append(':').append(uri.getPort());
    }
    jdbc.append(path);
    String query = uri.getRawQuery();
    StringBuilder params = new StringBuilder(query == null ? "" : query);
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null && !userInfo.isEmpty()) {
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? userInfo : userInfo.substring(0, colon);
      append(params, "user", decode(user));
      if (colon >= 0) {
        append(params, "password", decode(userInfo.substring(colon + 1)));
      }
    }
    if (!params.isEmpty()) {
      jdbc.append('?').append(params);
    }
    return jdbc.toString();
  }

  private static void append(StringBuilder params, String name, String value) {
    if (!params.isEmpty()) {
      params.append('&');
    }
    params.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  /** The url with any password blanked, in either place a url can carry one. */
  static String redact(String url) {
    return PASSWORD.matcher(USER_PASSWORD.matcher(url).replaceAll("$1***@")).replaceAll("$1***");
  }

  private static IllegalArgumentException bad(String url, String why) {
    return new IllegalArgumentException(
        "--to '"
            + redact(url)
            + "': "
            + why
            + "; write it as postgres://USER@HOST:5432/DATABASE?currentSchema=SCHEMA"
            + " (postgresql://… and jdbc:postgresql://… work too)");
  }
}
