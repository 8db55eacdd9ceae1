package dev.coordd.cli.doctor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Opens the home's SQLite file read-only without adding anything to the home. A read-only
 * connection to a WAL database still creates its {@code -wal} and {@code -shm} files when they are
 * missing; they are missing exactly when no daemon has the store open and everything is in the main
 * file, so then the file is opened {@code immutable} (no locks, no side files). When a daemon runs,
 * the side files exist and the connection reads through them beside the daemon's writer, which it
 * does not block. The file must exist: SQLite would otherwise create an empty one.
 */
final class ReadOnlySqlite {
  private ReadOnlySqlite() {}

  static Connection open(Path file) throws SQLException {
    Path abs = file.toAbsolutePath();
    boolean sideFiles = Files.exists(abs.resolveSibling(abs.getFileName() + "-wal"));
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    config.setOpenMode(SQLiteOpenMode.OPEN_URI);
    config.setBusyTimeout(2000);
    String uri = abs.toUri().toString() + (sideFiles ? "?mode=ro" : "?mode=ro&immutable=1");
    return DriverManager.getConnection("jdbc:sqlite:" + uri, config.toProperties());
  }
}
