package dev.coordd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpAuthTest {
  @TempDir Path dir;
  HttpFixture http;

  @BeforeEach
  void start() throws IOException {
    http = new HttpFixture(dir);
  }

  @AfterEach
  void stop() {
    http.close();
  }

  @Test
  void requests_without_the_token_or_with_a_wrong_one_are_refused() {
    for (String path : new String[] {"/api/tasks", "/api/stats", "/api/nope", "/"}) {
      HttpResponse<String> none = http.send(http.request(path).GET());
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(HttpFixture.json(none).at("/error/code").asText()).isEqualTo("unauthorized");
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"coordd\"");
    }
    HttpResponse<String> wrong =
        http.send(http.request("/api/tasks").header("Authorization", "Bearer nottheone").GET());
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(
            http.send(http.request("/rpc").POST(HttpRequest.BodyPublishers.ofString("{}")))
                .statusCode())
        .isEqualTo(401);
    assertThat(http.get("/api/tasks").statusCode()).isEqualTo(200);
  }

  @Test
  void a_browser_without_a_session_gets_a_static_page_saying_how_to_log_in() {
    String browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    for (String path : new String[] {"/", "/tasks", "/api/tasks"}) {
      HttpResponse<String> page = http.send(http.request(path).header("Accept", browser).GET());
      assertThat(page.statusCode()).as(path).isEqualTo(401);
      assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
      assertThat(page.headers().firstValue("Content-Security-Policy").orElse(""))
          .contains("default-src 'none'");
      assertThat(page.body())
          .isEqualTo(SignInPage.HTML)
          .contains("Run <code>coordd dashboard</code> in the project to get a login link")
          .doesNotContain("<script");
    }
    HttpResponse<String> api =
        http.send(http.request("/").header("Accept", "application/json").GET());
    assertThat(api.statusCode()).isEqualTo(401);
    assertThat(HttpFixture.json(api).at("/error/code").asText()).isEqualTo("unauthorized");
  }

  @Test
  void probes_answer_without_the_token_and_say_nothing_else() {
    HttpResponse<String> health = http.send(http.request("/healthz").GET());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");
    HttpResponse<String> ready = http.send(http.request("/readyz").GET());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("ready\n");
  }

  @Test
  void the_token_file_is_private_and_kept_across_restarts() throws IOException {
    Path file = TokenFile.of(http.daemon.home);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(http.token).hasSize(43); // 32 bytes, base64url without padding
    http.daemon.restart();
    assertThat(TokenFile.read(http.daemon.home)).hasValue(http.token);
  }

  @Test
  void a_login_link_sets_the_session_cookie_once() {
    String code = LoginCodes.mint(http.token, http.daemon.clock.millis());
    HttpResponse<String> login = http.send(http.request("/login?code=" + code).GET());
    assertThat(login.statusCode()).isEqualTo(303);
    assertThat(login.headers().firstValue("Location")).hasValue("/");
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(setCookie)
        .startsWith(Sessions.COOKIE + "=")
        .contains("HttpOnly", "SameSite=Strict", "Path=/")
        .doesNotContain(http.token);
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> withCookie =
        http.send(http.request("/api/stats").header("Cookie", cookie).GET());
    assertThat(withCookie.statusCode()).isEqualTo(200);

    HttpResponse<String> again = http.send(http.request("/login?code=" + code).GET());
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(again.headers().firstValue("Set-Cookie")).isEmpty();
    assertThat(again.body()).contains("coordd dashboard");
  }

  @Test
  void an_expired_or_forged_login_code_is_refused() {
    String code = LoginCodes.mint(http.token, http.daemon.clock.millis());
    http.daemon.clock.step(LoginCodes.LIFETIME.plus(Duration.ofSeconds(1)));
    assertThat(http.send(http.request("/login?code=" + code).GET()).statusCode()).isEqualTo(401);
    String forged = LoginCodes.mint("another-token", http.daemon.clock.millis());
    assertThat(http.send(http.request("/login?code=" + forged).GET()).statusCode()).isEqualTo(401);
    assertThat(http.send(http.request("/login").GET()).statusCode()).isEqualTo(401);
  }

  @Test
  void a_change_with_the_cookie_needs_the_csrf_header_but_a_bearer_request_does_not() {
    http.daemon.service().createTask(dev.coordd.api.NewTask.of("build").withAssignedTo("nobody"));
    String code = LoginCodes.mint(http.token, http.daemon.clock.millis());
    String setCookie =
        http.send(http.request("/login?code=" + code).GET())
            .headers()
            .firstValue("Set-Cookie")
            .orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    HttpResponse<String> bare =
        http.send(
            http.request("/api/queues/build/pause")
                .header("Cookie", cookie)
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(bare.statusCode()).isEqualTo(403);
    assertThat(HttpFixture.json(bare).at("/error/code").asText()).isEqualTo("csrf");
    assertThat(HttpFixture.json(bare).at("/error/message").asText()).contains("X-Coordd: 1");

    HttpResponse<String> withHeader =
        http.send(
            http.request("/api/queues/build/pause")
                .header("Cookie", cookie)
                .header("X-Coordd", "1")
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(withHeader.statusCode()).isEqualTo(200);
    assertThat(HttpFixture.json(withHeader).get("paused").asBoolean()).isTrue();

    assertThat(http.post("/api/queues/build/resume", "").statusCode()).isEqualTo(200);
  }
}
