package dev.coordd.daemon.store;

import dev.coordd.api.CoorddException;
import dev.coordd.api.Invocation;
import dev.coordd.api.UnavailableException;
import dev.coordd.internal.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Copies a home's SQLite store into a PostgreSQL one, for a user who outgrows one machine. The
 * source is opened read-only and must be at the schema version this coordd ships; the target is
 * opened and migrated through {@link StoreFactory} like a daemon's, then filled in ONE transaction:
 * a copy that fails anywhere leaves the target as empty as it found it. Tables and columns come
 * from the catalogs (every table the migrations create, by the columns both sides share), ids,
 * times and event sequence numbers are kept, and PostgreSQL's identity sequences continue after the
 * copied numbers. The target must hold no rows: merging two histories could give two tasks one id.
 *
 * <p>A home's invocations are files beside the SQLite file; in a cluster they live in the store's
 * {@code invocations} table. The caller reads them ({@code InvocationsToCopy}) and they go into
 * that table in the same transaction, with their ids, states and times.
 *
 * <p>The caller makes sure no daemon has the SQLite store open (the home lock).
 */
public final class StoreCopy {
  /** Rows per JDBC batch: large enough to amortize round trips, small enough for any heap. */
  private static final int BATCH = 1000;

  private static final Pattern VERSION = Pattern.compile("V(\\d+)__.*");

  /** A table and how many rows it holds in the source (and, after a copy, in the target). */
  public record Table(String name, long rows) {}

  /**
   * What a copy did or, dry, would do.
   *
   * @param target the target url, password blanked
   * @param schema the PostgreSQL schema the tables are in
   * @param version the schema version both stores are at
   * @param tables the tables copied, in migration order
   * @param notCopied tables or columns of the source the target has no place for
   * @param targetVersion the target's version before the copy (0: no tables yet), for dry runs
   * @param invocationFiles the home's invocation files copied into the invocations table
   */
  public record Result(
      String target,
      String schema,
      int version,
      List<Table> tables,
      List<String> notCopied,
      int targetVersion,
      int invocationFiles) {}

  private StoreCopy() {}

  /** Copies {@code sqliteFile} into the empty PostgreSQL store at {@code jdbcUrl}. */
  public static Result copy(Path sqliteFile, String jdbcUrl) {
    return copy(sqliteFile, jdbcUrl, List.of());
  }

  /**
   * Copies {@code sqliteFile} and the home's {@code invocations} (read from its files) into the
   * empty PostgreSQL store at {@code jdbcUrl}, in one transaction.
   */
  public static Result copy(Path sqliteFile, String jdbcUrl, List<Invocation> invocations) {
    checkUrl(jdbcUrl);
    try (Connection source = openSource(sqliteFile)) {
      int version = checkSourceVersion(source, sqliteFile);
      Map<String, List<String>> sourceTables = sourceTables(source);
      // Through the factory, as a daemon would: the schema is created or brought up to date, with
      // the same checks (server version, currentSchema, checksums) and the same error messages.
      StoreFactory.open(StoreSettings.postgres(jdbcUrl, 1, Duration.ofSeconds(5))).close();
      try (Connection target = connect(jdbcUrl)) {
        return fill(source, target, jdbcUrl, version, sourceTables, invocations);
      }
    } catch (SQLException e) {
      throw new UnavailableException(
          "copying the store failed, nothing was copied: " + e.getMessage(), e);
    }
  }

  /**
   * A dry run: reads both sides and says what a copy would do, changing nothing (the target is not
   * even migrated).
   */
  public static Result plan(Path sqliteFile, String jdbcUrl) {
    return plan(sqliteFile, jdbcUrl, List.of());
  }

  /** As {@link #plan(Path, String)}, counting the home's {@code invocations} too. */
  public static Result plan(Path sqliteFile, String jdbcUrl, List<Invocation> invocations) {
    checkUrl(jdbcUrl);
    try (Connection source = openSource(sqliteFile)) {
      int version = checkSourceVersion(source, sqliteFile);
      Map<String, List<String>> sourceTables = sourceTables(source);
      try (Connection target = connect(jdbcUrl)) {
        String schema = schema(target, jdbcUrl);
        int targetVersion = targetVersion(target);
        Map<String, Map<String, String>> targetTables = targetTables(target);
        if (targetVersion > 0) {
          refuseNonEmpty(target, targetTables.keySet(), jdbcUrl, schema);
        }
        List<Table> tables = new ArrayList<>();
        List<String> notCopied = new ArrayList<>();
        for (var e : sourceTables.entrySet()) {
          // A target without tables yet gets this coordd's, which are the source's.
          Map<String, String> columns = targetTables.get(e.getKey());
          if (targetVersion > 0 && columns == null) {
            notCopied.add(e.getKey());
            continue;
          }
          if (columns != null) {
            e.getValue().stream()
                .filter(c -> !columns.containsKey(c))
                .forEach(c -> notCopied.add(e.getKey() + "." + c));
          }
          tables.add(new Table(e.getKey(), count(source, e.getKey())));
        }
        return new Result(
            PostgresStores.redact(jdbcUrl),
            schema,
            version,
            tables,
            notCopied,
            targetVersion,
            invocations.size());
      }
    } catch (SQLException e) {
      throw new UnavailableException("reading the stores failed: " + e.getMessage(), e);
    }
  }

  private static Result fill(
      Connection source,
      Connection target,
      String url,
      int version,
      Map<String, List<String>> sourceTables,
      List<Invocation> invocations)
      throws SQLException {
    String schema = schema(target, url);
    Map<String, Map<String, String>> targetTables = targetTables(target);
    target.setAutoCommit(false);
    try {
      try (Statement st = target.createStatement()) {
        st.execute(StoreCopySql.PG_LOCK_TIMEOUT);
        for (String table : targetTables.keySet()) {
          st.execute(StoreCopySql.lockTable(table));
        }
      }
      refuseNonEmpty(target, targetTables.keySet(), url, schema);
      List<Table> copied = new ArrayList<>();
      List<String> notCopied = new ArrayList<>();
      for (var e : sourceTables.entrySet()) {
        String table = e.getKey();
        Map<String, String> targetColumns = targetTables.get(table);
        if (targetColumns == null) {
          notCopied.add(table);
          continue;
        }
        List<String> columns = new ArrayList<>();
        for (String c : e.getValue()) {
          if (targetColumns.containsKey(c)) {
            columns.add(c);
          } else {
            notCopied.add(table + "." + c);
          }
        }
        if (columns.isEmpty()) {
          continue; // nothing in common: every column is listed as not copied
        }
        copied.add(new Table(table, copyTable(source, target, table, columns, targetColumns)));
      }
      copyInvocations(target, invocations);
      continueSequences(source, target);
      target.commit();
      return new Result(
          PostgresStores.redact(url),
          schema,
          version,
          copied,
          notCopied,
          version,
          invocations.size());
    } catch (SQLException | RuntimeException e) {
      target.rollback();
      throw e;
    }
  }

  private static long copyTable(
      Connection source,
      Connection target,
      String table,
      List<String> columns,
      Map<String, String> types)
      throws SQLException {
    long rows = 0;
    try (Statement read = source.createStatement();
        ResultSet rs = read.executeQuery(StoreCopySql.select(table, columns));
        PreparedStatement write = target.prepareStatement(StoreCopySql.insert(table, columns))) {
      while (rs.next()) {
        for (int i = 1; i <= columns.size(); i++) {
          bind(write, i, rs, types.get(columns.get(i - 1)));
        }
        write.addBatch();
        rows++;
        if (rows % BATCH == 0) {
          executeBatch(write, table, rows);
        }
      }
      executeBatch(write, table, rows);
    }
    return rows;
  }

  /** The home's invocation files as rows of the table a cluster keeps them in. */
  private static void copyInvocations(Connection target, List<Invocation> invocations)
      throws SQLException {
    long rows = 0;
    String what = "invocations (from the home's invocation files)";
    try (PreparedStatement write = target.prepareStatement(StoreCopySql.PG_INSERT_INVOCATION)) {
      for (Invocation inv : invocations) {
        write.setString(1, inv.id());
        write.setString(2, inv.taskId());
        write.setString(3, inv.agentType());
        write.setString(4, inv.command());
        write.setString(5, inv.context() == null ? "{}" : Json.write(inv.context()));
        write.setString(6, inv.status());
        write.setLong(7, inv.createdAt());
        setLong(write, 8, inv.expiresAt());
        write.setString(9, inv.takenBy());
        setLong(write, 10, inv.takenAt());
        setLong(write, 11, inv.finishedAt());
        write.setString(12, inv.result() == null ? null : Json.write(inv.result()));
        write.setString(13, inv.error());
        write.addBatch();
        rows++;
        if (rows % BATCH == 0) {
          executeBatch(write, what, rows);
        }
      }
      executeBatch(write, what, rows);
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, value);
    }
  }

  private static void executeBatch(PreparedStatement write, String table, long rows)
      throws SQLException {
    try {
      write.executeBatch();
    } catch (SQLException e) {
      // The driver's batch error hides the server's reason in getNextException.
      SQLException reason = e.getNextException() == null ? e : e.getNextException();
      throw new SQLException(
          "table " + table + " (rows up to " + rows + "): " + reason.getMessage(),
          reason.getSQLState(),
          e);
    }
  }

  /**
   * Binds a SQLite value as the PostgreSQL column's type wants it: SQLite's 0/1 flags become
   * booleans, numbers stay exact, anything else goes as text for the server to convert.
   */
  private static void bind(PreparedStatement ps, int i, ResultSet rs, String pgType)
      throws SQLException {
    Object value = rs.getObject(i);
    if (value == null) {
      ps.setNull(i, Types.NULL);
      return;
    }
    switch (pgType) {
      case "boolean" ->
          ps.setBoolean(
              i,
              value instanceof Number n
                  ? n.longValue() != 0
                  : Boolean.parseBoolean(value.toString()) || value.toString().equals("1"));
      case "bigint", "integer", "smallint" -> ps.setLong(i, rs.getLong(i));
      case "double precision", "real", "numeric" -> ps.setDouble(i, rs.getDouble(i));
      case "text", "character varying", "character" -> ps.setString(i, rs.getString(i));
      default -> ps.setObject(i, rs.getString(i), Types.OTHER);
    }
  }

  /**
   * Moves every identity sequence of the target past the copied rows and past the highest number
   * SQLite's AUTOINCREMENT handed out (events deleted by retention included), so the first new task
   * run or event gets a number never seen before.
   */
  private static void continueSequences(Connection source, Connection target) throws SQLException {
    List<String[]> identities = new ArrayList<>();
    try (Statement st = target.createStatement();
        ResultSet rs = st.executeQuery(StoreCopySql.PG_IDENTITIES)) {
      while (rs.next()) {
        identities.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    for (String[] id : identities) {
      long max =
          Math.max(single(target, StoreCopySql.max(id[0], id[1])), sqliteSequence(source, id[0]));
      try (PreparedStatement ps = target.prepareStatement(StoreCopySql.PG_SET_SEQUENCE)) {
        ps.setString(1, id[0]);
        ps.setString(2, id[1]);
        ps.setLong(3, Math.max(1, max));
        ps.setBoolean(4, max > 0);
        ps.executeQuery().close();
      }
    }
  }

  private static long sqliteSequence(Connection source, String table) throws SQLException {
    if (single(source, StoreCopySql.SQLITE_HAS_SEQUENCES) == 0) {
      return 0;
    }
    try (PreparedStatement ps = source.prepareStatement(StoreCopySql.SQLITE_SEQUENCE)) {
      ps.setString(1, table);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  private static void refuseNonEmpty(
      Connection target, Iterable<String> tables, String url, String schema) throws SQLException {
    List<String> holding = new ArrayList<>();
    for (String table : tables) {
      if (!StoreCopySql.bookkeeping(table) && single(target, StoreCopySql.anyRow(table)) != 0) {
        holding.add(table);
      }
    }
    if (!holding.isEmpty()) {
      throw new CoorddException(
          "target_not_empty",
          "the PostgreSQL schema "
              + schema
              + " at "
              + PostgresStores.redact(url)
              + " already holds data (in "
              + String.join(", ", holding)
              + "); store copy fills only an empty store, so nothing was copied. Copy into a new"
              + " schema (CREATE SCHEMA coordd2; then --to with ?currentSchema=coordd2), or, if"
              + " its data is not needed, empty this one (DROP SCHEMA "
              + schema
              + " CASCADE; CREATE SCHEMA "
              + schema
              + ";) and copy again");
    }
  }

  private static void checkUrl(String jdbcUrl) {
    if (jdbcUrl == null || !jdbcUrl.startsWith(PostgresStores.URL_PREFIX)) {
      throw new IllegalArgumentException(
          "the target must be a PostgreSQL JDBC url (jdbc:postgresql://HOST:5432/DATABASE), not '"
              + (jdbcUrl == null ? "" : PostgresStores.redact(jdbcUrl))
              + "'");
    }
  }

  /**
   * Read-only, and without adding anything to the home: with no {@code -wal} file everything is in
   * the main file and it is opened immutable (no locks, no side files); a {@code -wal} left by a
   * daemon that was killed holds committed rows, so then the file is read through it.
   */
  private static Connection openSource(Path file) throws SQLException {
    Path abs = file.toAbsolutePath();
    if (!Files.isRegularFile(abs)) {
      throw new IllegalArgumentException(
          "there is no SQLite store at "
              + abs
              + "; point --home at the home that holds coordd.db (the folder a daemon ran with)");
    }
    boolean wal = Files.exists(abs.resolveSibling(abs.getFileName() + "-wal"));
    org.sqlite.SQLiteConfig config = new org.sqlite.SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(org.sqlite.SQLiteOpenMode.READONLY);
    config.setOpenMode(org.sqlite.SQLiteOpenMode.OPEN_URI);
    config.setBusyTimeout(5000);
    String uri = abs.toUri() + (wal ? "?mode=ro" : "?mode=ro&immutable=1");
    return DriverManager.getConnection("jdbc:sqlite:" + uri, config.toProperties());
  }

  private static int checkSourceVersion(Connection source, Path file) throws SQLException {
    int latest = latestVersion();
    int version =
        single(source, StoreCopySql.SQLITE_HAS_VERSION) == 0
            ? 0
            : (int) single(source, StoreCopySql.SQLITE_VERSION);
    if (version == 0) {
      throw new IllegalArgumentException(
          file.toAbsolutePath() + " is not a coordd store (it has no schema_version table)");
    }
    if (version > latest) {
      throw new IllegalArgumentException(
          "the store "
              + file.toAbsolutePath()
              + " is at schema version "
              + version
              + " but this coordd knows only up to "
              + latest
              + "; copy it with the newer coordd that wrote it");
    }
    if (version < latest) {
      throw new IllegalArgumentException(
          "the store "
              + file.toAbsolutePath()
              + " is at schema version "
              + version
              + ", older than this coordd's "
              + latest
              + "; start this coordd's daemon on the home once (it migrates the store), stop it"
              + " with coordd stop, then copy");
    }
    return version;
  }

  static int latestVersion() {
    int latest = 0;
    for (String file : SqliteDialect.MIGRATIONS) {
      Matcher m = VERSION.matcher(file);
      if (m.matches()) {
        latest = Math.max(latest, Integer.parseInt(m.group(1)));
      }
    }
    return latest;
  }

  /** The source's tables in migration order, each with its columns in table order. */
  private static Map<String, List<String>> sourceTables(Connection source) throws SQLException {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    try (Statement st = source.createStatement();
        ResultSet rs = st.executeQuery(StoreCopySql.SQLITE_TABLES)) {
      while (rs.next()) {
        if (!StoreCopySql.bookkeeping(rs.getString(1))) {
          tables.put(rs.getString(1), new ArrayList<>());
        }
      }
    }
    for (var e : tables.entrySet()) {
      try (Statement st = source.createStatement();
          ResultSet rs = st.executeQuery(StoreCopySql.sqliteColumns(e.getKey()))) {
        while (rs.next()) {
          e.getValue().add(rs.getString("name"));
        }
      }
    }
    return tables;
  }

  /** The target's tables, each with its columns and their types. */
  private static Map<String, Map<String, String>> targetTables(Connection target)
      throws SQLException {
    Map<String, Map<String, String>> tables = new LinkedHashMap<>();
    try (Statement st = target.createStatement();
        ResultSet rs = st.executeQuery(StoreCopySql.PG_TABLES)) {
      while (rs.next()) {
        tables.put(rs.getString(1), new LinkedHashMap<>());
      }
    }
    for (var e : tables.entrySet()) {
      try (PreparedStatement ps = target.prepareStatement(StoreCopySql.PG_COLUMNS)) {
        ps.setString(1, e.getKey());
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            e.getValue().put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return tables;
  }

  private static String schema(Connection target, String url) throws SQLException {
    try (Statement st = target.createStatement();
        ResultSet rs = st.executeQuery(StoreCopySql.PG_SCHEMA)) {
      rs.next();
      String schema = rs.getString(1);
      if (schema == null) {
        throw new IllegalArgumentException(
            "the schema that the url names (currentSchema) does not exist in "
                + PostgresStores.redact(url)
                + "; create it (CREATE SCHEMA name) or leave currentSchema out to use public");
      }
      return schema;
    }
  }

  private static int targetVersion(Connection target) throws SQLException {
    return single(target, StoreCopySql.PG_HAS_VERSION) == 0
        ? 0
        : (int) single(target, StoreCopySql.PG_VERSION);
  }

  private static long count(Connection c, String table) throws SQLException {
    return single(c, StoreCopySql.count(table));
  }

  private static long single(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Connection connect(String url) {
    Properties props = new Properties();
    props.setProperty("ApplicationName", "coordd store copy");
    props.setProperty("connectTimeout", "5");
    // One multi-row INSERT per batch instead of one statement per row.
    props.setProperty("reWriteBatchedInserts", "true");
    try {
      return DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      throw new UnavailableException(PostgresStores.unreachable(url, e), e);
    }
  }
}
