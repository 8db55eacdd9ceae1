package dev.coordd.daemon.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the numbered SQL files {@code <folder>/V<n>__<name>.sql} in order, each in its own
 * transaction together with its row in {@code schema_version}; a file that fails leaves the store
 * at the version before it. A store at a newer version than the files know is refused untouched.
 * Where several daemons share a store (PostgreSQL) the dialect's migration lock makes them take
 * turns: the first applies the files, the others find the store current. Each applied file's
 * SHA-256 is kept in {@code schema_checksums}; a store whose applied files differ from the shipped
 * ones is refused.
 *
 * <p>Why not Flyway: this is all of Flyway we would use, and Flyway's classpath scanning and
 * lock-table dance add hundreds of milliseconds to every daemon start and every test that opens a
 * store. The files follow Flyway's naming, so switching later is a rename of nothing.
 */
final class Migrator {
  private static final Logger log = LoggerFactory.getLogger(Migrator.class);
  private static final Pattern NAME = Pattern.compile("V(\\d+)__(\\w+)\\.sql");

  private record Migration(int version, String name, String file) {}

  private final SqlDialect sql;
  private final String folder;
  private final List<Migration> migrations = new ArrayList<>();

  /**
   * @param folder the resource folder of the files, e.g. {@code /db/sqlite}
   * @param files the migration file names, in the order they must apply
   */
  Migrator(SqlDialect sql, String folder, List<String> files) {
    this.sql = sql;
    this.folder = folder;
    for (String file : files) {
      Matcher m = NAME.matcher(file);
      if (!m.matches()) {
        throw new IllegalStateException("bad migration file name: " + file);
      }
      migrations.add(new Migration(Integer.parseInt(m.group(1)), m.group(2), file));
    }
  }

  /** Brings the store to the latest version; returns how many files it applied. */
  int migrate(Connection c) throws SQLException {
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      guard(c, sql.migrationLock());
      int applied;
      try {
        applied = migrateLocked(c);
      } catch (SQLException | RuntimeException e) {
        try {
          guard(c, sql.migrationUnlock());
        } catch (SQLException unlock) {
          e.addSuppressed(unlock); // the migration's error is the one to report
        }
        throw e;
      }
      guard(c, sql.migrationUnlock());
      return applied;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  /**
   * Takes or lets go of the dialect's migration lock (none: nothing to do). Its own transaction:
   * the lock outlives the commits in between, and a failed migration has rolled back by the time
   * the unlock runs.
   */
  private static void guard(Connection c, String statement) throws SQLException {
    if (statement == null) {
      return;
    }
    try (Statement st = c.createStatement()) {
      st.execute(statement);
    }
    c.commit();
  }

  private int migrateLocked(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      st.execute(sql.createSchemaVersion());
      c.commit();
      int current = currentVersion(st);
      int latest = migrations.stream().mapToInt(Migration::version).max().orElse(0);
      if (current > latest) {
        throw new IllegalStateException(
            "the store is at schema version "
                + current
                + " but this coordd knows only up to "
                + latest
                + "; use a newer coordd");
      }
      st.execute(sql.createSchemaChecksums());
      c.commit();
      checkApplied(c, st, current);
      int applied = 0;
      for (Migration m : migrations) {
        if (m.version() <= current) {
          continue;
        }
        String script = load(m.file());
        for (String statement : statements(script)) {
          st.execute(statement);
        }
        try (PreparedStatement ps = c.prepareStatement(sql.insertSchemaVersion())) {
          ps.setInt(1, m.version());
          ps.setString(2, m.name());
          ps.setLong(3, System.currentTimeMillis());
          ps.executeUpdate();
        }
        recordChecksum(c, m, script);
        c.commit();
        applied++;
        log.info("applied migration {}", m.file());
      }
      return applied;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    }
  }

  /**
   * Refuses a store whose applied files differ from the ones this coordd ships (an edited migration
   * would leave stores built by the old and the new text apart without anyone knowing). A version
   * applied before checksums were kept gets today's file's checksum.
   */
  private void checkApplied(Connection c, Statement st, int current) throws SQLException {
    Map<Integer, String> recorded = new HashMap<>();
    try (ResultSet rs = st.executeQuery(sql.schemaChecksums())) {
      while (rs.next()) {
        recorded.put(rs.getInt(1), rs.getString(2));
      }
    }
    for (Migration m : migrations) {
      if (m.version() > current) {
        continue;
      }
      String script = load(m.file());
      String stored = recorded.get(m.version());
      if (stored == null) {
        recordChecksum(c, m, script);
      } else if (!stored.equals(checksum(script))) {
        throw new IllegalStateException(
            "migration "
                + m.file()
                + " of this coordd differs from the one applied to the store (checksum "
                + stored
                + " recorded, "
                + checksum(script)
                + " shipped); a coordd built with an edited migration must not open this"
                + " store: use the coordd release that created it");
      }
    }
    c.commit();
  }

  private void recordChecksum(Connection c, Migration m, String script) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.insertSchemaChecksum())) {
      ps.setInt(1, m.version());
      ps.setString(2, checksum(script));
      ps.executeUpdate();
    }
  }

  /** SHA-256 of the file's text, line endings made \n (a checkout may have turned them). */
  static String checksum(String script) {
    try {
      byte[] text = script.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8);
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The version the store is at: 0 for a new one. */
  int currentVersion(Connection c) throws SQLException {
    try (Statement st = c.createStatement()) {
      return currentVersion(st);
    }
  }

  private int currentVersion(Statement st) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql.schemaVersion())) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private String load(String file) {
    String path = folder + "/" + file;
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
        String statement = current.toString().strip();
        out.add(statement.substring(0, statement.length() - 1));
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
