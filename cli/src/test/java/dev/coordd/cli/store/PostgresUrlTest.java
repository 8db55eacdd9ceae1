package dev.coordd.cli.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PostgresUrlTest {
  @Test
  void postgres_and_postgresql_urls_become_jdbc_with_user_and_password_as_parameters() {
    assertThat(PostgresUrl.toJdbc("postgres://bob:p%40ss@db.example:6543/coordd?currentSchema=q"))
        .isEqualTo(
            "jdbc:postgresql://db.example:6543/coordd?currentSchema=q&user=bob&password=p%40ss");
    assertThat(PostgresUrl.toJdbc("postgresql://bob@db/coordd"))
        .isEqualTo("jdbc:postgresql://db/coordd?user=bob");
  }

  @Test
  void a_jdbc_url_is_taken_as_it_is() {
    String jdbc = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&currentSchema=x";
    assertThat(PostgresUrl.toJdbc(jdbc)).isEqualTo(jdbc);
  }

  @Test
  void other_urls_are_refused_with_the_form_to_write_and_no_password() {
    assertThatThrownBy(() -> PostgresUrl.toJdbc("mysql://bob:hunter2@db/coordd"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a PostgreSQL url")
        .hasMessageContaining("postgres://USER@HOST:5432/DATABASE")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    assertThatThrownBy(() -> PostgresUrl.toJdbc("postgres://bob:hunter2@db"))
        .hasMessageContaining("names no database")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }

  @Test
  void redact_blanks_a_password_in_either_place() {
    assertThat(PostgresUrl.redact("postgres://bob:hunter2@db/c"))
        .isEqualTo("postgres://bob:***@db/c");
    assertThat(PostgresUrl.redact("jdbc:postgresql://db/c?user=bob&password=hunter2&x=1"))
        .isEqualTo("jdbc:postgresql://db/c?user=bob&password=***&x=1");
  }
}
