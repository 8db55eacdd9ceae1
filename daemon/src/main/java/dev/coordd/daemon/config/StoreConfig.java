package dev.coordd.daemon.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.time.Duration;
import java.util.Locale;

/**
 * Where tasks are kept. Validated now; until the PostgreSQL store arrives the daemon always uses
 * the embedded SQLite file in its home.
 *
 * @param kind the store
 * @param url the JDBC URL of a PostgreSQL store ({@code jdbc:postgresql://…}); null for SQLite
 * @param pool the connection pool of a PostgreSQL store
 */
public record StoreConfig(Kind kind, String url, Pool pool) {
  public enum Kind {
    SQLITE,
    POSTGRES;

    @JsonCreator
    static Kind of(String text) {
      return valueOf(text.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * @param maxSize most connections open at once
   * @param connectionTimeout how long to wait for a free connection
   */
  public record Pool(int maxSize, Duration connectionTimeout) {}
}
