package dev.coordd.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.api.AgentRegistration;
import dev.coordd.api.NewTask;
import dev.coordd.api.Task;
import dev.coordd.api.TaskStatus;
import dev.coordd.cli.CliRun;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import dev.coordd.daemon.config.DaemonConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless chromium against a real daemon (system clock, HTTP door on a
 * fixed free port so a restarted daemon is found again). Waits are bounded; the task table has no
 * poll of its own, so a row that appears without a reload came through the live stream.
 */
@Tag("browser")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DashboardBrowserTest {
  static ChromeDriver browser;

  @TempDir Path dir;
  DaemonConfig config;
  Daemon daemon;

  @BeforeAll
  static void openBrowser() {
    browser = Browser.start();
  }

  @BeforeEach
  void forgetOldConsole() {
    Browser.consoleErrors(browser); // errors of the previous test's page (its daemon stopped)
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @AfterEach
  void stopDaemon() {
    // Leave the page first: a page left open on a stopped daemon keeps retrying its stream and
    // reads, and those refused connections would land in the next test's console.
    browser.get("about:blank");
    Browser.consoleErrors(browser);
    if (daemon != null) {
      daemon.close();
    }
  }

  void startDaemon() throws IOException {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    config =
        ConfigLoader.load(
            dir.resolve("home"),
            Map.of(),
            Map.of("http.enabled", "true", "http.port", Integer.toString(port)));
    daemon = Daemon.start(config);
    daemon
        .service()
        .registerAgent(new AgentRegistration("reviewer", "worker", List.of("review"), null));
  }

  /** Follows a fresh one-time login link, printed by `coordd dashboard`, to the live page. */
  String logIn() {
    CliRun.Result r = CliRun.inHome(config.home(), "dashboard");
    assertThat(r.exit()).as(r.err()).isZero();
    String link = r.out().strip();
    browser.get(link);
    waitFor(Duration.ofSeconds(15)).until(ExpectedConditions.textToBe(By.id("live"), "live"));
    // marks this page load: if the page reloaded, the mark would be gone
    browser.executeScript("window.coorddTestMark = 'no reload';");
    return link;
  }

  /** `coordd task create` as a user types it; returns the new task's id. */
  String createThroughCli(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "task";
    all[1] = "create";
    System.arraycopy(args, 0, all, 2, args.length);
    all[all.length - 1] = "--json";
    CliRun.Result r = CliRun.inHome(config.home(), all);
    assertThat(r.exit()).as(r.err()).isZero();
    return r.json().get("id").asText();
  }

  WebDriverWait waitFor(Duration d) {
    WebDriverWait wait = new WebDriverWait(browser, d, Duration.ofMillis(20));
    wait.ignoring(StaleElementReferenceException.class); // live updates replace rows
    return wait;
  }

  By row(String taskId) {
    return By.cssSelector("#task-table tr[data-id='" + taskId + "']");
  }

  /** Clicks what the locator finds, finding it again if a live update replaced it meanwhile. */
  void click(By locator) {
    waitFor(Duration.ofSeconds(5))
        .until(
            d -> {
              d.findElement(locator).click();
              return true;
            });
  }

  void assertNotReloaded() {
    assertThat(browser.executeScript("return window.coorddTestMark;")).isEqualTo("no reload");
  }

  @Test
  void the_login_link_opens_the_page_with_an_http_only_session_and_counts() throws Exception {
    startDaemon();
    String link = logIn();
    assertThat(browser.getCurrentUrl()).isEqualTo(daemon.http().url() + "/");
    var cookie = browser.manage().getCookieNamed("coordd_session");
    assertThat(cookie).isNotNull();
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.getSameSite()).isEqualTo("Strict");
    assertThat(browser.findElement(By.id("banner")).isDisplayed()).isFalse();
    waitFor(Duration.ofSeconds(5))
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#counts li.queued")));

    // the link works once: followed again, it is refused with what to do
    browser.get(link);
    assertThat(browser.findElement(By.tagName("body")).getText())
        .contains("used already or has expired", "coordd dashboard");
  }

  @Test
  void a_task_created_through_the_cli_appears_without_a_reload_and_cancel_cancels_it()
      throws Exception {
    startDaemon();
    logIn();
    long start = System.nanoTime();
    String id = createThroughCli("review", "--description=review the parser");
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.presenceOfElementLocated(row(id)));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    System.out.println(
        "dashboard: new task row shown "
            + took.toMillis()
            + " ms after coordd task create started");
    waitFor(Duration.ofSeconds(5))
        .until(d -> d.findElement(row(id)).getText().contains("review the parser"));
    assertThat(browser.findElement(row(id)).getAttribute("data-status")).isEqualTo("queued");
    assertNotReloaded();

    click(By.cssSelector("#task-table tr[data-id='" + id + "'] button[data-action='cancel']"));
    waitFor(Duration.ofSeconds(5))
        .until(d -> d.findElement(row(id)).getAttribute("data-status").equals("cancelled"));
    assertThat(daemon.service().getTask(id).status()).isEqualTo(TaskStatus.CANCELLED);
    // a cancelled task offers retry instead, which queues it again
    click(By.cssSelector("#task-table tr[data-id='" + id + "'] button[data-action='retry']"));
    waitFor(Duration.ofSeconds(5))
        .until(d -> d.findElement(row(id)).getAttribute("data-status").equals("queued"));
    assertThat(daemon.service().getTask(id).status()).isEqualTo(TaskStatus.QUEUED);
    assertNotReloaded();
  }

  @Test
  void a_hostile_description_and_data_render_as_text() throws Exception {
    startDaemon();
    logIn();
    String hostile = "<img src=x onerror=\"document.title='pwned'\">";
    var data =
        JsonNodeFactory.instance
            .objectNode()
            .put("html", "<script>document.title='pwned'</script>");
    Task task =
        daemon.service().createTask(NewTask.of("review").withDescription(hostile).withData(data));
    waitFor(Duration.ofSeconds(5))
        .until(ExpectedConditions.presenceOfElementLocated(row(task.id())));
    assertThat(
            browser
                .findElement(By.cssSelector("#task-table tr[data-id='" + task.id() + "'] td.desc"))
                .getText())
        .isEqualTo(hostile);
    assertThat(browser.findElements(By.cssSelector("#task-table img"))).isEmpty();

    // the detail view, opened by keyboard: Enter on the focused row
    waitFor(Duration.ofSeconds(5))
        .until(
            d -> {
              d.findElement(row(task.id())).sendKeys(Keys.ENTER);
              return true;
            });
    WebElement dialog =
        waitFor(Duration.ofSeconds(5))
            .until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
    assertThat(dialog.getText()).contains(hostile, "<script>document.title='pwned'</script>");
    assertThat(dialog.findElements(By.tagName("img"))).isEmpty();
    assertThat(dialog.findElements(By.tagName("script"))).isEmpty();
    assertThat(browser.getTitle()).isEqualTo("coordd dashboard");
    dialog.sendKeys(Keys.ESCAPE);
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.invisibilityOf(dialog));
    assertThat(browser.switchTo().activeElement().getAttribute("data-id")).isEqualTo(task.id());
  }

  @Test
  void the_detail_view_shows_every_attempt_with_its_worker_and_error() throws Exception {
    startDaemon();
    Task task = daemon.service().createTask(NewTask.of("review").withDescription("flaky review"));
    Task claimed = daemon.service().claimTasks("reviewer", List.of("review"), 1, 0, null).get(0);
    daemon
        .service()
        .failTask(task.id(), "reviewer", claimed.claimToken(), "compiler crashed: exit 137");
    logIn();
    click(row(task.id()));
    WebElement dialog =
        waitFor(Duration.ofSeconds(5))
            .until(ExpectedConditions.visibilityOfElementLocated(By.id("detail")));
    waitFor(Duration.ofSeconds(5))
        .until(ExpectedConditions.textToBePresentInElement(dialog, "compiler crashed: exit 137"));
    By run = By.cssSelector("#detail table.runs tbody tr");
    waitFor(Duration.ofSeconds(5))
        .until(
            d -> {
              String text = d.findElement(run).getText();
              return text.contains("reviewer")
                  && text.contains("retry")
                  && text.contains("compiler crashed: exit 137");
            });
    saveScreenshot("dashboard-detail.png");
    browser.findElement(By.id("detail-close")).click();
  }

  @Test
  void filters_page_through_tasks_and_queues_pause_and_resume() throws Exception {
    startDaemon();
    for (int i = 0; i < 30; i++) {
      daemon.service().createTask(NewTask.of("review").withDescription("page test " + i));
    }
    logIn();
    By rows = By.cssSelector("#task-table tbody tr[data-id]");
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.numberOfElementsToBe(rows, 25));
    browser.findElement(By.id("page-next")).click();
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.numberOfElementsToBe(rows, 5));
    assertThat(browser.findElement(By.id("task-table")).getText()).contains("page test 0");
    browser.findElement(By.id("page-first")).click();
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.numberOfElementsToBe(rows, 25));

    new org.openqa.selenium.support.ui.Select(
            browser.findElement(By.cssSelector("#task-filters select[name=status]")))
        .selectByVisibleText("succeeded");
    waitFor(Duration.ofSeconds(5))
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.id("task-table"), "No tasks match"));

    By pause = By.cssSelector("#queue-rows tr[data-type='review'] button");
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.textToBe(pause, "Pause"));
    click(pause);
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.textToBe(pause, "Resume"));
    assertThat(daemon.service().listQueues())
        .anySatisfy(q -> assertThat(q.type().equals("review") && q.paused()).isTrue());
    click(pause);
    waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.textToBe(pause, "Pause"));
    assertThat(daemon.service().listQueues())
        .allSatisfy(q -> assertThat(q.paused()).as(q.type()).isFalse());
    assertNotReloaded();
  }

  void saveScreenshot(String name) throws IOException {
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.write(target.resolve(name), browser.getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void the_lost_connection_banner_shows_when_the_daemon_stops_and_goes_when_it_is_back()
      throws Exception {
    startDaemon();
    logIn();
    WebElement banner = browser.findElement(By.id("banner"));
    assertThat(banner.isDisplayed()).isFalse();

    daemon.close();
    daemon = null;
    waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOf(banner));
    assertThat(browser.findElement(By.id("live")).getText()).isEqualTo("disconnected");
    saveScreenshot("dashboard-disconnected.png");

    // the same home and port again: the cookie is still good (signed with the kept token)
    daemon = Daemon.start(config);
    Task task = daemon.service().createTask(NewTask.of("review").withDescription("after restart"));
    waitFor(Duration.ofSeconds(20)).until(ExpectedConditions.invisibilityOf(banner));
    waitFor(Duration.ofSeconds(5))
        .until(ExpectedConditions.presenceOfElementLocated(row(task.id())));
    assertNotReloaded();
  }

  @Test
  void screenshots_in_light_and_dark_are_saved_for_the_record() throws Exception {
    startDaemon();
    DashboardScenery.populate(daemon.service());
    logIn();
    waitFor(Duration.ofSeconds(10))
        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#agent-rows tr td")));
    Path target = Path.of("target");
    Files.createDirectories(target);
    browser.manage().window().setSize(new Dimension(1400, 2100)); // the whole page in the picture
    for (String scheme : List.of("light", "dark")) {
      Browser.colorScheme(browser, scheme);
      Thread.sleep(300); // let the page repaint in the new scheme before the picture
      Path shot = target.resolve("dashboard-" + scheme + ".png");
      Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
      assertThat(Files.size(shot)).isGreaterThan(10_000);
    }
    Browser.colorScheme(browser, "light");
    browser.manage().window().setSize(new Dimension(1400, 1000));
    // nothing the page does is blocked by its Content-Security-Policy or throws
    assertThat(Browser.consoleErrors(browser)).isEmpty();
  }
}
