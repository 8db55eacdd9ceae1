package dev.coordd.cli.doctor;

import dev.coordd.daemon.config.DaemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;

/**
 * The store: the SQLite file (opened read-only: integrity, size, free pages, schema version) or the
 * PostgreSQL database (can connect, schema version). A store at a newer schema than this build
 * knows was written by a newer coordd, which this one must not run against.
 */
final class StoreCheck {
  static final String AREA = "store";

  /** How many of SQLite's problem lines the finding quotes. */
  private static final int QUOTED = 3;

  private StoreCheck() {}

  static List<Finding> check(Checkup c, DaemonConfig config, boolean thorough) {
    return switch (config.store().kind()) {
      case SQLITE -> sqlite(c, config.database(), thorough);
      case POSTGRES -> postgres(c, config.store().url());
    };
  }

  private static List<Finding> sqlite(Checkup c, Path file, boolean thorough) {
    if (!Files.exists(file)) {
      return List.of(
          Finding.ok(AREA, "no store yet: the daemon creates " + file + " when it first starts"));
    }
    String broken = corruptFix(c.home(), file);
    List<Finding> out = new ArrayList<>();
    try (Connection conn = ReadOnlySqlite.open(file)) {
      List<String> problems =
          StoreQueries.sqliteIntegrity(conn, thorough, QUOTED + 1).stream()
              .flatMap(String::lines)
              .filter(l -> !l.startsWith("***")) // "*** in database main ***", a heading
              .toList();
      if (!problems.equals(List.of("ok"))) {
        out.add(
            Finding.fail(
                AREA,
                file
                    + " is damaged: "
                    + String.join("; ", problems.subList(0, Math.min(QUOTED, problems.size()))),
                broken));
        return out;
      }
      long pageSize = StoreQueries.sqlitePragma(conn, "page_size");
      long pages = StoreQueries.sqlitePragma(conn, "page_count");
      long free = StoreQueries.sqlitePragma(conn, "freelist_count");
      out.addAll(schema(file.toString(), "sqlite", StoreQueries.schemaVersion(conn)));
      out.add(size(file, pageSize, pages, free, thorough));
      out.addAll(ClockCheck.check(c, conn));
    } catch (SQLException e) {
      out.add(Finding.fail(AREA, "cannot read " + file + ": " + e.getMessage(), broken));
    }
    return out;
  }

  private static List<Finding> postgres(Checkup c, String url) {
    String shown = url.indexOf('?') < 0 ? url : url.substring(0, url.indexOf('?'));
    Properties limits = new Properties();
    // PostgreSQL driver settings (seconds): an unreachable server is said in seconds, not minutes.
    limits.setProperty("connectTimeout", "5");
    limits.setProperty("loginTimeout", "5");
    try (Connection conn = DriverManager.getConnection(url, limits)) {
      conn.setReadOnly(true);
      List<Finding> out = new ArrayList<>();
      out.add(Finding.ok(AREA, "connected to " + shown));
      out.addAll(schema(shown, "postgres", StoreQueries.schemaVersion(conn)));
      out.addAll(ClockCheck.check(c, conn));
      return out;
    } catch (SQLException e) {
      if ("08001".equals(e.getSQLState()) && String.valueOf(e.getMessage()).contains("suitable")) {
        return List.of(
            Finding.fail(
                AREA,
                "this coordd has no PostgreSQL driver, so it cannot use the store " + shown,
                "use a coordd with PostgreSQL support, or set store.kind to sqlite"));
      }
      return List.of(
          Finding.fail(
              AREA,
              "cannot connect to the PostgreSQL store " + shown + ": " + e.getMessage(),
              "check that the server runs and that store.url in "
                  + c.home().resolve("config.json")
                  + " names the right host, database and user (psql can try the same)"));
    }
  }

  private static List<Finding> schema(String store, String dialect, int version) {
    OptionalInt known = KnownSchema.latest(dialect);
    if (known.isEmpty()) {
      return List.of(
          Finding.fail(
              AREA,
              "this coordd ships no " + dialect + " migrations, so it cannot use " + store,
              "use a coordd with " + dialect + " support, or set store.kind to sqlite"));
    }
    int latest = known.getAsInt();
    if (version > latest) {
      return List.of(
          Finding.fail(
              AREA,
              "this coordd is older than the store: "
                  + store
                  + " is at schema version "
                  + version
                  + ", this coordd knows up to "
                  + latest,
              "run the newer coordd that wrote the store (coordd --version tells which you run);"
                  + " this one refuses to start on it"));
    }
    String status =
        version == latest
            ? "schema version " + version + " (current)"
            : "schema version "
                + version
                + "; the daemon migrates it to "
                + latest
                + " when it next starts";
    return List.of(Finding.ok(AREA, store + ": " + status));
  }

  private static Finding size(Path file, long pageSize, long pages, long free, boolean thorough) {
    long bytes = pageSize * pages;
    long freeBytes = pageSize * free;
    String text =
        String.format(
            "%s: %s, %d%% free pages, %s ok",
            file.getFileName(),
            Sizes.human(bytes),
            pages == 0 ? 0 : free * 100 / pages,
            thorough ? "integrity_check" : "quick_check");
    // Retention frees pages in small steps; a file mostly empty and large is worth compacting.
    if (freeBytes > 256L << 20 && free * 2 > pages) {
      return Finding.warn(
          AREA,
          text + ": more than half the file is free space",
          "with the daemon stopped (coordd stop), compact it: sqlite3 " + file + " 'VACUUM'");
    }
    return Finding.ok(AREA, text);
  }

  private static String corruptFix(Path home, Path file) {
    return "stop the daemon (coordd stop --home "
        + home
        + "), keep the damaged file (mv "
        + file
        + " "
        + file
        + ".broken, with its -wal and -shm files), then recover what SQLite can (sqlite3 "
        + file
        + ".broken .recover | sqlite3 "
        + file
        + ") or start with an empty store (the tasks in the damaged file are lost)";
  }
}
