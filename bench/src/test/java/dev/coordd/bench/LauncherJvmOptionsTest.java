package dev.coordd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The benchmark starts its daemons with the JVM options the launchers give {@code coordd daemon}:
 * read from the launchers' own text, so a change there that the bench misses fails here.
 */
class LauncherJvmOptionsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Pattern OPTS = Pattern.compile("^\\s*opts(\\+?)=\\((.*)\\)");
  private static final Pattern SET = Pattern.compile("^\\s*set -- (.*) \"\\$@\"");

  @Test
  void theCheckoutLauncherGivesTheDaemonTheBenchsOptions() throws IOException {
    assertThat(checkoutDaemonOptions()).isEqualTo(DaemonProcess.JVM_OPTIONS);
  }

  @Test
  void theDistributionLauncherGivesTheDaemonTheBenchsOptions() throws IOException {
    assertThat(distributionDaemonOptions())
        .containsExactlyInAnyOrderElementsOf(DaemonProcess.JVM_OPTIONS);
  }

  /**
   * bin/coordd: the first {@code opts=(...)} plus the {@code opts+=(...)} of the {@code else}
   * (daemon) side of {@code if [ "${1:-}" != daemon ]}.
   */
  private static List<String> checkoutDaemonOptions() throws IOException {
    List<String> opts = new ArrayList<>();
    String side = "before";
    for (String line : Files.readAllLines(ROOT.resolve("bin/coordd"))) {
      String code = withoutComment(line);
      if (code.startsWith("if [ \"${1:-}\" != daemon ]")) {
        side = "client";
      } else if (side.equals("client") && code.equals("else")) {
        side = "daemon";
      } else if (side.equals("daemon") && code.equals("fi")) {
        return opts;
      } else {
        Matcher m = OPTS.matcher(code);
        if (m.find()
            && (side.equals("daemon") || (side.equals("before") && m.group(1).isEmpty()))) {
          opts.addAll(words(m.group(2)));
        }
      }
    }
    throw new AssertionError("bin/coordd has no daemon branch (if [ \"${1:-}\" != daemon ])");
  }

  /**
   * The distribution's launcher prepends options with {@code set -- ... "$@"}: those of the daemon
   * side of its client/daemon {@code if}, and those after it, which every command gets.
   */
  private static List<String> distributionDaemonOptions() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("dist/src/main/dist/bin/coordd"));
    int daemonSide = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (withoutComment(lines.get(i)).equals("else")
          && lines.subList(i, lines.size()).stream()
              .map(LauncherJvmOptionsTest::withoutComment)
              .filter(l -> !l.isEmpty())
              .skip(1)
              .findFirst()
              .orElse("")
              .contains("--enable-native-access")) {
        daemonSide = i;
      }
    }
    assertThat(daemonSide).as("the daemon side of the distribution launcher").isNotNegative();
    List<String> opts = new ArrayList<>();
    for (String line : lines.subList(daemonSide, lines.size())) {
      String code = withoutComment(line);
      if (code.startsWith("exec ")) {
        break;
      }
      Matcher m = SET.matcher(code);
      if (m.find()) {
        opts.addAll(words(m.group(1)));
      }
    }
    return opts;
  }

  private static String withoutComment(String line) {
    int hash = line.indexOf(" #");
    String code = line.strip().startsWith("#") ? "" : hash < 0 ? line : line.substring(0, hash);
    return code.strip();
  }

  private static List<String> words(String s) {
    return Arrays.stream(s.strip().split("\\s+")).filter(w -> !w.isEmpty()).toList();
  }
}
