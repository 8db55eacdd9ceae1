package dev.coordd.daemon.store;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Which store to open and how: {@link StoreFactory#open} reads this.
 *
 * @param kind the database
 * @param file the SQLite file (SQLite only)
 * @param url the JDBC url (PostgreSQL only)
 * @param synchronous SQLite's {@code PRAGMA synchronous} level, e.g. {@code FULL}
 * @param busyTimeout how long a connection waits for a lock before the database reports it busy
 * @param pool how many connections serve reads beside the writer's
 */
public record StoreSettings(
    Kind kind, Path file, String url, String synchronous, Duration busyTimeout, int pool) {
  public static final int DEFAULT_POOL = 4;
  public static final String DEFAULT_SYNCHRONOUS = "FULL";
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

  /** The databases a store can live in, by their configuration names. */
  public enum Kind {
    SQLITE,
    POSTGRES;

    /** {@code sqlite} or {@code postgres}. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Kind parse(String name) {
      for (Kind k : values()) {
        if (k.wire().equals(name)) {
          return k;
        }
      }
      throw new IllegalArgumentException(
          "unknown store kind '" + name + "'; expected sqlite or postgres");
    }
  }

  public StoreSettings {
    if (kind == null) {
      throw new IllegalArgumentException("a store needs a kind");
    }
    if (kind == Kind.SQLITE && file == null) {
      throw new IllegalArgumentException("a sqlite store needs a file");
    }
    if (kind == Kind.POSTGRES && (url == null || url.isBlank())) {
      throw new IllegalArgumentException("a postgres store needs a JDBC url");
    }
    if (pool < 1) {
      throw new IllegalArgumentException("the store's read pool needs at least 1 connection");
    }
    synchronous = synchronous == null ? DEFAULT_SYNCHRONOUS : synchronous;
    busyTimeout = busyTimeout == null ? DEFAULT_BUSY_TIMEOUT : busyTimeout;
  }

  /** A SQLite file with the default read pool. */
  public static StoreSettings sqlite(Path file, String synchronous, Duration busyTimeout) {
    return new StoreSettings(Kind.SQLITE, file, null, synchronous, busyTimeout, DEFAULT_POOL);
  }

  /** A PostgreSQL database at a JDBC url. */
  public static StoreSettings postgres(String url, int pool) {
    return new StoreSettings(Kind.POSTGRES, null, url, null, null, pool);
  }

  /**
   * A PostgreSQL database at a JDBC url; {@code connectionTimeout} bounds connecting and waiting
   * for a pooled connection.
   */
  public static StoreSettings postgres(String url, int pool, Duration connectionTimeout) {
    return new StoreSettings(Kind.POSTGRES, null, url, null, connectionTimeout, pool);
  }
}
