package dev.coordd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coordd dashboard} against a real daemon with its HTTP door on a free port. */
class DashboardCommandTest {
  @TempDir Path dir;

  @Test
  void prints_a_login_link_that_works_once_and_holds_no_token() throws Exception {
    Path home = dir.resolve("home");
    try (Daemon daemon =
        Daemon.start(
            ConfigLoader.load(home, Map.of(), Map.of("http.enabled", "true", "http.port", "0")))) {
      CliRun.Result r = CliRun.inHome(home, "dashboard");
      assertThat(r.exit()).as(r.err()).isZero();
      String link = r.out().strip();
      assertThat(link).startsWith(daemon.http().url() + "/login?code=");
      String token = java.nio.file.Files.readString(home.resolve("token")).strip();
      assertThat(link).doesNotContain(token);

      HttpClient client = HttpClient.newHttpClient();
      HttpRequest get = HttpRequest.newBuilder(URI.create(link)).GET().build();
      HttpResponse<String> first = client.send(get, HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).isEqualTo(303);
      assertThat(first.headers().firstValue("Set-Cookie").orElse("")).contains("HttpOnly");
      assertThat(client.send(get, HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void says_how_to_turn_the_door_on_when_it_is_off() {
    Path home = dir.resolve("home");
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      CliRun.Result r = CliRun.inHome(home, "dashboard");
      assertThat(r.exit()).isEqualTo(Cli.EXIT_NO_DAEMON);
      assertThat(r.err()).contains("http.enabled=true");
      assertThat(daemon.http()).isNull();
    }
  }
}
