package dev.coordd.daemon.config;

import dev.coordd.daemon.store.StoreSettings.Kind;
import java.time.Duration;

/**
 * Where tasks are kept: the embedded SQLite file in the home, or a PostgreSQL database.
 *
 * @param kind the store ({@code sqlite} or {@code postgres}; the store package's own names)
 * @param url the JDBC URL of a PostgreSQL store ({@code jdbc:postgresql://…}); null for SQLite
 * @param pool the connection pool of a PostgreSQL store
 */
public record StoreConfig(Kind kind, String url, Pool pool) {
  /**
   * @param maxSize most connections open at once
   * @param connectionTimeout how long to wait for a free connection
   */
  public record Pool(int maxSize, Duration connectionTimeout) {}
}
