package dev.coordd.cli.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.coordd.cli.Cli;
import dev.coordd.cli.CliRun;
import dev.coordd.cli.CliRun.Result;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coordd doctor} on real homes in temp folders: a healthy one (with and without a real
 * daemon) passes, and each broken case fails or warns with its fix. Disk and clock go through the
 * {@link Checkup} seams; everything else is the real file, store, socket or process.
 */
class DoctorTest {
  @TempDir Path dir;
  Daemon daemon;

  @AfterEach
  void stop() {
    if (daemon != null) {
      daemon.close();
    }
  }

  Path home() {
    return dir.resolve("home");
  }

  Result doctor(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "doctor";
    System.arraycopy(args, 0, all, 1, args.length);
    return CliRun.inHome(home(), all);
  }

  void startDaemon() {
    daemon = Daemon.start(ConfigLoader.load(home(), Map.of(), Map.of()));
  }

  /** A home with a real store in it, left by a daemon that stopped cleanly. */
  void homeWithStore() {
    startDaemon();
    daemon.close();
    daemon = null;
  }

  static String line(Result r, String level, String area) {
    return r.lines().stream()
        .filter(l -> l.startsWith(String.format("%-5s %-9s", level, area)))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + level + " " + area + " line in:\n" + r.out()));
  }

  /** The fix line printed under the first finding whose line contains {@code text}. */
  static String fixOf(Result r, String text) {
    List<String> lines = r.lines();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).contains(text) && lines.get(i + 1).strip().startsWith("fix: ")) {
        return lines.get(i + 1).strip();
      }
    }
    throw new AssertionError(
        "no fix after a line with '" + text + "' in:\n" + String.join("\n", lines));
  }

  @Test
  void a_healthy_home_with_a_running_daemon_passes_with_exit_0() {
    startDaemon();
    Result r = doctor();
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(line(r, "OK", "daemon")).contains("a daemon answers on");
    assertThat(line(r, "OK", "store")).contains("schema version");
    assertThat(r.out()).doesNotContain("WARN ").doesNotContain("FAIL ").contains("all is well");
  }

  @Test
  void a_stopped_home_passes_and_the_doctor_changes_nothing_in_it() throws Exception {
    homeWithStore();
    Map<String, String> before = snapshot(home());

    Result r = doctor();

    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(line(r, "OK", "daemon")).contains("no daemon runs");
    assertThat(r.out()).contains("quick_check ok");
    assertThat(snapshot(home())).as("no file added, changed or re-moded").isEqualTo(before);
  }

  @Test
  void json_output_lists_every_finding_for_scripts() {
    homeWithStore();
    Result r = doctor("--json");
    JsonNode json = r.json();
    assertThat(json.get("worst").asText()).isEqualTo("OK");
    assertThat(json.get("findings")).isNotEmpty();
    assertThat(json.get("findings").get(0).get("area").asText()).isEqualTo("home");
  }

  @Test
  void a_missing_home_fails_saying_how_to_create_it() {
    Result r = doctor();
    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(line(r, "FAIL", "home")).contains("there is no home at " + home());
    assertThat(fixOf(r, "no home")).contains("coordd daemon --detach --home " + home());
  }

  @Test
  void a_home_other_users_can_write_to_fails_with_chmod_700() throws IOException {
    homeWithStore();
    Files.setPosixFilePermissions(home(), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(
        home().resolve("coordd.db"), PosixFilePermissions.fromString("rw-r--r--"));

    Result r = doctor();

    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(line(r, "FAIL", "home")).contains("is mode 0777: other users can write into it");
    assertThat(fixOf(r, "mode 0777")).startsWith("fix: chmod 700 " + home().toRealPath());
    assertThat(line(r, "WARN", "home"))
        .as("readable, not writable: the daemon closes it at start")
        .contains("1 of coordd's files in the home is open to other users: coordd.db 0644");
    assertThat(fixOf(r, "coordd.db 0644"))
        .startsWith("fix: chmod -R go-rwx " + home().toRealPath().resolve("coordd.db") + " (");
  }

  @Test
  void a_home_in_a_folder_others_can_write_to_warns() throws IOException {
    homeWithStore();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

    Result r = doctor();

    assertThat(r.exit()).as("a warning alone does not fail").isZero();
    assertThat(line(r, "WARN", "home"))
        .contains("the folder that holds the home, " + dir.toRealPath() + ", is mode 0777");
    assertThat(fixOf(r, "the folder that holds the home"))
        .contains("chmod go-w " + dir.toRealPath());
  }

  @Test
  void a_store_with_bytes_overwritten_in_the_middle_fails_with_how_to_recover() throws Exception {
    homeWithStore();
    Path db = home().resolve("coordd.db");
    try (RandomAccessFile f = new RandomAccessFile(db.toFile(), "rw")) {
      long pageSize = 4096;
      byte[] junk = new byte[(int) pageSize * 4];
      java.util.Arrays.fill(junk, (byte) 0x5a);
      f.seek((f.length() / pageSize / 2) * pageSize); // whole pages from the middle on
      f.write(junk);
    }

    Result r = doctor();

    assertThat(r.exit()).as(r.out()).isEqualTo(Cli.EXIT_FAILED);
    String fail = line(r, "FAIL", "store");
    assertThat(fail).containsAnyOf("is damaged", "cannot read");
    assertThat(fixOf(r, db.toString())).contains(".recover").contains("coordd stop");
  }

  @Test
  void a_store_at_a_newer_schema_says_this_coordd_is_older_than_the_store() throws Exception {
    homeWithStore();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + home().resolve("coordd.db"));
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (999, 'x', 0)");
    }

    Result r = doctor();

    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(line(r, "FAIL", "store"))
        .contains("this coordd is older than the store")
        .contains("schema version 999");
    assertThat(fixOf(r, "older than the store")).contains("run the newer coordd");
  }

  @Test
  void an_invalid_configuration_fails_as_the_daemon_s_loader_words_it() throws IOException {
    Files.createDirectories(home());
    Files.writeString(home().resolve("config.json"), "{\"pollInterval\": \"soon\"}");

    Result r = doctor();

    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(line(r, "FAIL", "config"))
        .contains("invalid configuration: config.json: pollInterval = \"soon\"")
        .contains("must be a duration");
    assertThat(fixOf(r, "pollInterval")).contains("edit " + home().resolve("config.json"));
  }

  @Test
  void a_configured_runner_not_on_the_path_fails_naming_the_setting() throws IOException {
    Files.createDirectories(home());
    Files.writeString(
        home().resolve("config.json"),
        "{\"agentRunners\": {\"claude\": {\"command\": [\"claude-not-installed-here\", \"-p\","
            + " \"{command}\"]}}}");

    Result r = doctor();

    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(line(r, "FAIL", "programs"))
        .contains("agent runner 'claude' runs 'claude-not-installed-here'")
        .contains("not an executable on the PATH");
    assertThat(fixOf(r, "claude-not-installed-here"))
        .contains("agentRunners.claude.command[0] in " + home().resolve("config.json"));
  }

  @Test
  void a_runner_and_a_command_handler_found_on_the_path_pass() throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    for (String name : List.of("claude", "worker")) {
      Path p = Files.writeString(bin.resolve(name), "#!/bin/sh\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }
    Files.createDirectories(home());
    Files.writeString(
        home().resolve("config.json"),
        "{\"agentRunners\": {\"claude\": {\"command\": [\"claude\", \"-p\", \"{command}\"]}},"
            + " \"commands\": {\"build\": {\"command\": [\"worker\"]}}}");
    Checkup c = new Checkup(home(), Map.of("PATH", bin.toString()), Clock.systemUTC(), big());

    List<Finding> found = Doctor.examine(c, false);

    assertThat(found)
        .filteredOn(f -> f.area().equals("programs"))
        .extracting(Finding::level, Finding::message)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                Level.OK, "agent runner 'claude' runs " + bin.resolve("claude")),
            org.assertj.core.groups.Tuple.tuple(
                Level.OK, "command handler 'build' runs " + bin.resolve("worker")));
  }

  @Test
  void a_stale_socket_with_no_daemon_fails_with_how_to_clear_it() throws IOException {
    Files.createDirectories(home());
    Path socket = home().resolve("coordd.sock");
    try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      s.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file, as kill -9 does
    }

    Result r = doctor();

    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(line(r, "FAIL", "daemon")).contains("stale socket " + socket);
    assertThat(fixOf(r, "stale socket"))
        .contains("coordd daemon --detach --home " + home())
        .contains("rm " + socket);
  }

  @Test
  void a_stale_pid_file_fails_with_how_to_clear_it() throws Exception {
    Files.createDirectories(home());
    Process gone = new ProcessBuilder("true").start();
    assertThat(gone.waitFor(30, TimeUnit.SECONDS)).isTrue();
    Files.writeString(home().resolve("coordd.pid"), gone.pid() + "\n");

    Result r = doctor();

    assertThat(r.exit()).isEqualTo(Cli.EXIT_FAILED);
    assertThat(line(r, "FAIL", "daemon"))
        .contains("stale pid file")
        .contains("pid " + gone.pid() + " is not a running coordd");
    assertThat(fixOf(r, "stale pid file")).contains("rm " + home().resolve("coordd.pid"));
  }

  @Test
  void a_nearly_full_disk_warns_and_a_full_one_fails() throws IOException {
    Files.createDirectories(home());
    long gib = 1L << 30;
    Checkup low =
        new Checkup(
            home(), Map.of(), Clock.systemUTC(), p -> new DiskSpace.Space(gib / 2, 100 * gib));
    Checkup full =
        new Checkup(
            home(), Map.of(), Clock.systemUTC(), p -> new DiskSpace.Space(1 << 20, 100 * gib));

    assertThat(Doctor.examine(low, false))
        .filteredOn(f -> f.area().equals("disk"))
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.level()).isEqualTo(Level.WARN);
              assertThat(f.message()).contains("512.0 MiB free of 100.0 GiB (0%)");
              assertThat(f.fix()).contains("df -h " + home());
            });
    assertThat(Doctor.worst(Doctor.examine(full, false))).isEqualTo(Level.FAIL);
  }

  @Test
  void a_store_with_times_later_than_the_clock_warns_about_the_clock() {
    startDaemon();
    daemon.service().createTask(dev.coordd.api.NewTask.of("review").withAssignedTo("x"));
    daemon.close();
    daemon = null;
    Clock behind = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
    Checkup c = new Checkup(home(), Map.of(), behind, big());

    Finding clock =
        Doctor.examine(c, false).stream().filter(f -> f.area().equals("clock")).findFirst().get();

    assertThat(clock.level()).isEqualTo(Level.WARN);
    assertThat(clock.message()).contains("later than this machine's clock");
    assertThat(clock.fix()).contains("timedatectl");
  }

  @Test
  void a_postgres_store_that_cannot_be_reached_fails_with_what_to_check() throws IOException {
    Files.createDirectories(home());
    Files.writeString(
        home().resolve("config.json"),
        "{\"store\": {\"kind\": \"postgres\", \"url\":"
            + " \"jdbc:postgresql://127.0.0.1:1/test?user=postgres\"}}");

    Result r = doctor();

    assertThat(r.exit()).as(r.out()).isEqualTo(Cli.EXIT_FAILED);
    // With the PostgreSQL driver on the class path the connection is refused; without, the
    // doctor says this coordd has none. Either way the store FAILs with its fix.
    assertThat(line(r, "FAIL", "store"))
        .containsAnyOf(
            "cannot connect to the PostgreSQL store jdbc:postgresql://127.0.0.1:1/test",
            "this coordd has no PostgreSQL driver")
        .doesNotContain("user=postgres");
    assertThat(r.out()).contains("fix: ");
  }

  private static DiskSpace big() {
    return p -> new DiskSpace.Space(100L << 30, 200L << 30);
  }

  /** Every entry of the home with its size, mode and modification time. */
  private static Map<String, String> snapshot(Path home) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> all = Files.walk(home)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        FileTime t = Files.getLastModifiedTime(p);
        out.put(
            home.relativize(p).toString(),
            Files.size(p)
                + " "
                + PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
                + " "
                + t);
      }
    }
    return out;
  }
}
