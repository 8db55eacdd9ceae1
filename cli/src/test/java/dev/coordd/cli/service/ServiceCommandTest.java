package dev.coordd.cli.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code coordd service install|uninstall} into a temp unit folder, checked by systemd itself. */
class ServiceCommandTest {
  @TempDir Path dir;
  Path units;
  Path launcher;
  Path home;

  @BeforeEach
  void setUp() throws IOException {
    units = dir.resolve("units");
    Path bin = Files.createDirectories(dir.resolve("dist/bin"));
    launcher = bin.resolve("coordd");
    Files.writeString(launcher, "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    home = Files.createDirectories(dir.resolve("my project")).resolve(".coordd");
  }

  Result service(String... args) {
    List<String> all = new ArrayList<>(List.of("service"));
    all.addAll(List.of(args));
    all.addAll(List.of("--unit-dir", units.toString(), "--launcher", launcher.toString()));
    if (args[0].equals("uninstall")) {
      all.removeAll(List.of("--launcher", launcher.toString()));
    } else {
      all.addAll(List.of("--home", home.toString()));
    }
    return CliRun.exactly(all.toArray(String[]::new));
  }

  @Test
  void a_user_unit_runs_the_home_restarts_on_failure_and_says_how_to_enable_it() throws Exception {
    Result r = service("install", "--user", "--java-opts", "-Xmx256m -Dx=1");
    assertThat(r.exit()).as(r.err()).isZero();
    Path file = units.resolve("coordd.service");
    String unit = Files.readString(file);
    assertThat(unit)
        .startsWith(SystemdUnit.MARKER)
        .contains(
            "ExecStart=" + launcher + " daemon --home \"" + home + "\" --no-console",
            "WorkingDirectory=" + home.getParent(),
            "Environment=\"JAVA_TOOL_OPTIONS=-Xmx256m -Dx=1\"",
            "Restart=on-failure",
            "NoNewPrivileges=yes",
            "WantedBy=default.target")
        .doesNotContain("User=");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(r.out())
        .contains("systemctl --user daemon-reload", "systemctl --user enable --now coordd.service")
        .contains("loginctl enable-linger");
    verifiedBySystemd(file);

    Result again = service("install", "--user", "--java-opts", "-Xmx256m -Dx=1");
    assertThat(again.out()).startsWith("Unchanged:");
    Result changed = service("install", "--user");
    assertThat(changed.out()).startsWith("Updated");
    assertThat(Files.readString(file)).doesNotContain("JAVA_TOOL_OPTIONS");
  }

  @Test
  void a_system_unit_runs_as_a_named_user_with_the_sandboxing_directives() throws Exception {
    String me = System.getProperty("user.name");
    Result r = service("install", "--run-as", me);
    assertThat(r.exit()).as(r.err()).isZero();
    String unit = Files.readString(units.resolve("coordd.service"));
    assertThat(unit)
        .contains(
            "User=" + me, "PrivateTmp=yes", "ProtectSystem=full", "WantedBy=multi-user.target");
    assertThat(r.out()).contains("systemctl enable --now coordd.service");
    verifiedBySystemd(units.resolve("coordd.service"));
  }

  @Test
  void a_system_unit_never_defaults_to_root() {
    assumeThat(System.getProperty("user.name")).isEqualTo("root");
    assumeThat(System.getenv("SUDO_USER")).isNull();
    Result r = service("install");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--run-as USER", "--user");
    assertThat(units.resolve("coordd.service")).doesNotExist();
  }

  @Test
  void a_line_break_in_the_home_cannot_add_a_directive() throws IOException {
    home = Files.createDirectories(dir.resolve("evil\nExecStartPre=/bin/rm -rf ~")).resolve("h");
    Result r = service("install", "--user");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("control character");
    assertThat(units).doesNotExist();
  }

  @Test
  void percent_and_dollar_in_paths_stay_literal() throws Exception {
    home = Files.createDirectories(dir.resolve("100% $HOME")).resolve(".coordd");
    Result r = service("install", "--user");
    assertThat(r.exit()).as(r.err()).isZero();
    String unit = Files.readString(units.resolve("coordd.service"));
    assertThat(unit).contains("--home \"" + dir + "/100%% $$HOME/.coordd\"");
    verifiedBySystemd(units.resolve("coordd.service"));
  }

  @Test
  void a_unit_coordd_did_not_write_is_never_replaced_or_removed() throws IOException {
    Files.createDirectories(units);
    Path theirs = units.resolve("coordd.service");
    Files.writeString(theirs, "[Service]\nExecStart=/bin/true\n");
    Result r = service("install", "--user");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("not written by coordd", "--unit NAME");
    Result gone = service("uninstall", "--user");
    assertThat(gone.exit()).isEqualTo(2);
    assertThat(Files.readString(theirs)).isEqualTo("[Service]\nExecStart=/bin/true\n");
  }

  @Test
  void uninstall_removes_the_unit_and_its_enable_link() throws IOException {
    assertThat(service("install", "--user", "--unit", "coordd-proj").exit()).isZero();
    Path file = units.resolve("coordd-proj.service");
    Path wants = Files.createDirectories(units.resolve("default.target.wants"));
    Files.createSymbolicLink(wants.resolve("coordd-proj.service"), file);
    Result r = service("uninstall", "--user", "--unit", "coordd-proj");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(file).doesNotExist();
    assertThat(wants.resolve("coordd-proj.service")).doesNotExist();
    assertThat(r.out()).contains("systemctl --user stop coordd-proj.service");
    assertThat(service("uninstall", "--user", "--unit", "coordd-proj").out())
        .contains("nothing to remove");
  }

  @Test
  void bad_unit_names_and_launchers_are_refused_with_the_fix() throws IOException {
    Result badName = service("install", "--user", "--unit", "../etc/passwd");
    assertThat(badName.exit()).isEqualTo(2);
    assertThat(badName.err()).contains("is not a unit name");
    launcher = dir.resolve("missing/coordd");
    Result badLauncher = service("install", "--user");
    assertThat(badLauncher.exit()).isEqualTo(2);
    assertThat(badLauncher.err()).contains("is not an executable file");
  }

  @Test
  void print_writes_nothing() {
    Result r = service("install", "--user", "--print");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith(SystemdUnit.MARKER).contains("[Install]");
    assertThat(units).doesNotExist();
  }

  /** systemd-analyze verify, where the machine has it: it checks every directive and the paths. */
  private static void verifiedBySystemd(Path unit) throws Exception {
    Path analyze = Path.of("/usr/bin/systemd-analyze");
    if (!Files.isExecutable(analyze)) {
      System.err.println("systemd-analyze not installed: unit syntax not verified by systemd");
      return;
    }
    Process p =
        new ProcessBuilder(analyze.toString(), "verify", unit.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(output).as("systemd-analyze verify " + unit).isEmpty();
    assertThat(p.exitValue()).isZero();
  }
}
