package dev.coordd.bench;

import java.util.Locale;

/** The stores a scenario runs on. */
public enum StoreKind {
  SQLITE,
  POSTGRES;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static StoreKind parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "sqlite" -> SQLITE;
      case "postgres", "postgresql", "pg" -> POSTGRES;
      default ->
          throw new UsageException("--store: unknown store '" + text + "'; use sqlite or postgres");
    };
  }
}
