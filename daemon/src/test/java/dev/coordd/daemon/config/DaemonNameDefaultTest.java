package dev.coordd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daemons sharing a PostgreSQL store are agents of one registry, so by default each is named after
 * its machine; on SQLite the name stays {@code daemon}.
 */
class DaemonNameDefaultTest {
  static final String PG = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";

  @TempDir Path dir;

  @Test
  void on_postgres_the_default_name_carries_the_host() {
    DaemonConfig c =
        ConfigLoader.load(
            dir.resolve("home"), Map.of(), Map.of("store.kind", "postgres", "store.url", PG));
    assertThat(c.name()).isEqualTo("daemon@" + HostName.get());
    assertThat(c.name()).matches("^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$");
  }

  @Test
  void a_name_given_on_postgres_is_kept() {
    DaemonConfig c =
        ConfigLoader.load(
            dir.resolve("home"),
            Map.of(),
            Map.of("store.kind", "postgres", "store.url", PG, "name", "builder-1"));
    assertThat(c.name()).isEqualTo("builder-1");
  }

  @Test
  void on_sqlite_the_default_name_is_daemon() {
    assertThat(ConfigLoader.load(dir.resolve("home"), Map.of(), Map.of()).name())
        .isEqualTo(DaemonConfig.DEFAULT_NAME);
  }

  @Test
  void a_host_name_is_reduced_to_what_an_agent_name_allows() {
    assertThat(HostName.sanitize("build box #3.example.com")).isEqualTo("build-box--3.example.com");
    assertThat(HostName.sanitize("-._weird")).isEqualTo("weird");
    assertThat(HostName.sanitize("")).isEqualTo("localhost");
    assertThat(HostName.sanitize(null)).isEqualTo("localhost");
    assertThat(HostName.sanitize("h".repeat(300))).hasSize(100);
  }
}
