package dev.coordd.daemon.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server drops the writer's connection ({@code pg_terminate_backend}, as an operator, a
 * failover or a restart would): the writer opens a new one and its callers never see the drop.
 */
class PostgresReconnectTest {
  static PostgresTestDatabase db;

  Store store;

  @BeforeAll
  static void createSchema() {
    db = PostgresTestDatabase.create(PostgresReconnectTest.class);
  }

  @AfterAll
  static void dropSchema() throws SQLException {
    if (db != null) {
      db.drop();
    }
  }

  @BeforeEach
  void open() throws SQLException {
    store = db.open(1);
    db.truncateAll();
  }

  @AfterEach
  void close() {
    if (store != null) {
      store.close();
    }
  }

  @Test
  void a_connection_dropped_while_idle_is_replaced_before_the_next_write() throws Exception {
    int before = writerPid();
    terminate(before);
    store.writer().execute(tx -> tx.update(insertAgent(), "a1", "a1"));
    assertThat(writerPid()).isNotEqualTo(before);
    assertThat(agents()).isEqualTo(1);
  }

  @Test
  void a_connection_dropped_inside_a_transaction_reruns_it_on_a_new_one_once() throws Exception {
    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger runs = new AtomicInteger();
    int changed =
        store
            .writer()
            .execute(
                tx -> {
                  runs.incrementAndGet();
                  tx.update(insertAgent(), "a1", "a1");
                  if (killed.compareAndSet(false, true)) {
                    terminate((int) tx.count("SELECT pg_backend_pid()"));
                  }
                  return tx.update(insertAgent(), "a2", "a2");
                });
    assertThat(changed).isEqualTo(1);
    assertThat(runs.get()).isEqualTo(2);
    assertThat(agents()).isEqualTo(2);
  }

  private long agents() {
    return store.read(tx -> tx.count("SELECT COUNT(*) FROM agents"));
  }

  private int writerPid() {
    return store.writer().execute(tx -> (int) tx.count("SELECT pg_backend_pid()"));
  }

  private static String insertAgent() {
    return "INSERT INTO agents (id, name, kind, capabilities, metadata, registered_at,"
        + " last_heartbeat) VALUES (?, ?, 'worker', '[]', '{}', 0, 0)";
  }

  /** From another session, and waits until the backend is gone. */
  private static void terminate(int pid) throws SQLException {
    try (Connection c = db.connect();
        Statement st = c.createStatement()) {
      st.execute("SELECT pg_terminate_backend(" + pid + ", 5000)");
    }
  }
}
