package dev.coordd.daemon.store;

import java.sql.SQLException;

/** A unit of database work; the store runs it inside a transaction or on a read connection. */
@FunctionalInterface
public interface SqlFunction<C, T> {
  T apply(C connection) throws SQLException;
}
