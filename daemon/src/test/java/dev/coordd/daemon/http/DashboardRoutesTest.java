package dev.coordd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's files over a real HTTP door: behind the token, typed, under a strict CSP. */
class DashboardRoutesTest {
  @TempDir Path dir;

  @Test
  void the_page_and_its_files_need_the_token() throws Exception {
    try (HttpFixture http = new HttpFixture(dir)) {
      assertThat(http.send(http.request("/").GET()).statusCode()).isEqualTo(401);
      assertThat(http.send(http.request("/dashboard/app.js").GET()).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void the_page_is_served_with_a_strict_content_security_policy() throws Exception {
    try (HttpFixture http = new HttpFixture(dir)) {
      HttpResponse<String> page = http.get("/");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp).contains("script-src 'self'", "default-src 'none'", "frame-ancestors 'none'");
      assertThat(csp).doesNotContain("unsafe-inline", "unsafe-eval");
      assertThat(page.body()).contains("<script type=\"module\" src=\"/dashboard/app.js\">");
    }
  }

  @Test
  void every_module_the_page_imports_is_served_as_javascript() throws Exception {
    try (HttpFixture http = new HttpFixture(dir)) {
      Path files = Path.of("src/main/resources/dashboard");
      Pattern imports = Pattern.compile("from '\\./([a-z]+\\.js)'");
      try (Stream<Path> list = Files.list(files)) {
        for (Path js : list.filter(p -> p.toString().endsWith(".js")).toList()) {
          HttpResponse<String> answer = http.get("/dashboard/" + js.getFileName());
          assertThat(answer.statusCode()).as(js.toString()).isEqualTo(200);
          assertThat(answer.headers().firstValue("Content-Type"))
              .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
          Matcher m = imports.matcher(answer.body());
          while (m.find()) {
            assertThat(files.resolve(m.group(1))).as("imported by " + js).exists();
          }
          // data is never parsed as markup: no innerHTML and friends anywhere in the page's code
          assertThat(answer.body())
              .doesNotContain(
                  "innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(");
        }
      }
      assertThat(http.get("/dashboard/app.css").headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/css"));
    }
  }

  @Test
  void names_outside_the_dashboard_folder_are_not_found() throws Exception {
    try (HttpFixture http = new HttpFixture(dir)) {
      for (String path :
          List.of(
              "/dashboard/missing.js",
              "/dashboard/..%2Fconfig.schema.json",
              "/dashboard/%2E%2E%2Fconfig.schema.json",
              "/dashboard/index.html",
              "/dashboard/APP.JS")) {
        HttpResponse<String> answer = http.get(path);
        assertThat(answer.statusCode()).as(path).isEqualTo(404);
        assertThat(answer.body()).as(path).doesNotContain("\"$schema\"");
      }
    }
  }
}
