package dev.coordd.daemon.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered SQL files {@code db/<dialect>/V<n>__<name>.sql} in order, each in its own
 * transaction together with its row in {@code schema_version}.
 *
 * <p>Why not Flyway: this is all of Flyway we would use, and Flyway's classpath scanning and
 * lock-table dance add hundreds of milliseconds to every daemon start and every test that opens a
 * store. The files follow Flyway's naming, so switching later is a rename of nothing.
 */
final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  private final String folder;
  private final List<String> files;

  /**
   * @param files the migration file names, in the order they must apply
   */
  Migrator(String folder, List<String> files) {
    this.folder = folder;
    this.files = List.copyOf(files);
  }

  void migrate(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try (Statement st = c.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
              + " name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
      c.commit();
      int current = currentVersion(st);
      int latest = 0;
      for (String file : files) {
        Matcher m = NAME.matcher(file);
        if (!m.matches()) {
          throw new IllegalStateException("bad migration file name: " + file);
        }
        int version = Integer.parseInt(m.group(1));
        latest = Math.max(latest, version);
        if (version <= current) {
          continue;
        }
        for (String sql : statements(load(file))) {
          st.execute(sql);
        }
        st.execute(
            "INSERT INTO schema_version (version, name, applied_at) VALUES ("
                + version
                + ", '"
                + m.group(2)
                + "', "
                + System.currentTimeMillis()
                + ")");
        c.commit();
        log.info("applied migration {}", file);
      }
      if (current > latest) {
        throw new IllegalStateException(
            "the store is at schema version "
                + current
                + " but this coordd knows only up to "
                + latest
                + "; use a newer coordd");
      }
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static int currentVersion(Statement st) throws SQLException {
    try (var rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private String load(String file) {
    String path = "/db/" + folder + "/" + file;
    try (InputStream in = Migrator.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("migration missing from the jar: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  /** Splits on semicolons at line ends; our migrations keep one statement per such split. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : script.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.startsWith("--") || trimmed.isEmpty()) {
        continue;
      }
      current.append(line).append('\n');
      if (trimmed.endsWith(";")) {
        String sql = current.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
