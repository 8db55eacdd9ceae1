package dev.coordd.cli.dashboard;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A headless chromium driven by chromedriver, both from Debian's packages ({@code chromium}, {@code
 * chromium-driver}; {@code .ci/run} installs them). Selenium is told where they are, so it never
 * downloads a browser or driver (Selenium Manager stays idle; the tests run offline).
 */
final class Browser {
  static final Path CHROMIUM = path("COORDD_CHROMIUM", "/usr/bin/chromium");
  static final Path CHROMEDRIVER = path("COORDD_CHROMEDRIVER", "/usr/bin/chromedriver");

  private Browser() {}

  private static Path path(String env, String fallback) {
    String v = System.getenv(env);
    return Path.of(v == null || v.isBlank() ? fallback : v);
  }

  /**
   * Fails under CI (where .ci/run should have installed them) and skips loudly elsewhere when
   * chromium or chromedriver is missing.
   */
  static void require() {
    if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
      return;
    }
    String why =
        "the dashboard's browser tests need "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " (apt-get install -y chromium chromium-driver, or set COORDD_CHROMIUM and"
            + " COORDD_CHROMEDRIVER)";
    if ("true".equals(System.getenv("CI"))) {
      fail(why);
    }
    System.err.println("\n*** SKIPPED: " + why + " ***\n");
    Assumptions.abort(why);
  }

  static ChromeDriver start() {
    require();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // tests may run as root in a container, where the sandbox cannot start
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--no-first-run",
        "--window-size=1400,1000");
    // the page's console, so a test can see errors (a CSP violation, an exception) it would hide
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return driver;
  }

  /** The page's console errors since the last call (chromedriver hands each entry out once). */
  static List<String> consoleErrors(ChromeDriver driver) {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
        .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
        .map(LogEntry::getMessage)
        .toList();
  }

  /** Emulates the system's colour scheme, as prefers-color-scheme media queries see it. */
  static void colorScheme(ChromeDriver driver, String scheme) {
    driver.executeCdpCommand(
        "Emulation.setEmulatedMedia",
        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
  }
}
