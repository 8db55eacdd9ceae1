package dev.coordd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built archive, unpacked into a temporary folder and run as a user would: from outside the
 * checkout, through a link on a PATH that has no Maven, with a JAVA_HOME and nothing else.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DistributionIT {
  static final Path ARCHIVE = Path.of(System.getProperty("coordd.dist.archive"));
  static final String VERSION = System.getProperty("coordd.dist.version");
  static final Path CLI_LIB = Path.of(System.getProperty("coordd.cli.lib"));

  /** The tools bin/coordd uses; the PATH of these tests has these and nothing else. */
  static final List<String> TOOLS =
      List.of("readlink", "dirname", "sed", "cat", "mkdir", "cksum", "cut", "ls", "sort");

  @TempDir Path dir;
  Path installed;
  Path onPath;
  final List<Process> started = new ArrayList<>();

  record Run(int exit, String out, String err) {}

  @BeforeEach
  void unpackAndLink() throws Exception {
    assertThat(ARCHIVE).as("the archive mvn package makes").exists();
    Path share = Files.createDirectories(dir.resolve("share"));
    Run tar =
        finish(
            new ProcessBuilder("tar", "-xzf", ARCHIVE.toString(), "-C", share.toString()).start());
    assertThat(tar.exit()).as(tar.err()).isZero();
    installed = share.resolve("coordd-" + VERSION);
    onPath = Files.createDirectories(dir.resolve("bin"));
    Files.createSymbolicLink(onPath.resolve("coordd"), installed.resolve("bin/coordd"));
    for (String tool : TOOLS) {
      Path real =
          Stream.of("/usr/bin", "/bin")
              .map(d -> Path.of(d, tool))
              .filter(Files::isExecutable)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no " + tool + " in /usr/bin or /bin"));
      Files.createSymbolicLink(onPath.resolve(tool), real);
    }
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process p : started) {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void everyJarTheCliNeedsIsInLibAndOnTheClassPath() throws IOException {
    Set<String> lib = jarNames(installed.resolve("lib"));
    Set<String> needed = jarNames(CLI_LIB);
    needed.add("coordd-cli-" + VERSION + ".jar");
    assertThat(lib).as("lib/ of the archive").containsAll(needed);
    String classpath = Files.readString(installed.resolve("lib/classpath")).strip();
    Set<String> listed =
        Arrays.stream(classpath.split(":"))
            .map(e -> e.substring("lib/".length()))
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).as("lib/classpath").isEqualTo(lib);
    assertThat(Files.isExecutable(installed.resolve("bin/coordd"))).isTrue();
    assertThat(installed.resolve("README.txt")).exists();
  }

  @Test
  void runsWithoutMavenOrTheSourceTreeAndTalksToItsDaemon() throws Exception {
    Run version = coordd("--version");
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).isEqualTo("coordd " + VERSION + "\n");
    assertThat(version.err()).as("nothing on stderr: no build, no JVM warning").isEmpty();

    Path home = dir.resolve("work/.coordd");
    Process daemon = start("daemon", "--no-console", "--home", home.toString());
    awaitDaemon(home, daemon);

    Run created =
        coordd(
            "task",
            "create",
            "review",
            "--assigned-to",
            "alice",
            "--description",
            "from the archive",
            "--home",
            home.toString());
    assertThat(created.exit()).as(created.err()).isZero();
    String id = created.out().strip();
    Run list = coordd("task", "list", "--home", home.toString());
    assertThat(list.exit()).as(list.err()).isZero();
    assertThat(list.out()).contains(id).contains("review");

    daemon.destroy(); // SIGTERM: the daemon's graceful stop
    assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("the daemon stopped").isTrue();
    Run after = coordd("task", "list", "--home", home.toString());
    assertThat(after.exit()).as("no daemon now: " + after.err()).isEqualTo(3);
  }

  /** A cache another JDK made, or a damaged one, is passed over without a word. */
  @Test
  void aCacheThatDoesNotFitNeverBreaksStartUp() throws Exception {
    Path jsa = installed.resolve("lib/coordd.jsa");
    Path jdk = installed.resolve("lib/coordd.jsa.jdk");
    assertThat(jsa).as("the archive made at build time").exists();
    Run traced =
        coorddWith(Map.of("COORDD_JAVA_OPTS", "-Xlog:class+load=info:stderr"), "--version");
    assertThat(traced.err())
        .as("this JDK made it, so coordd's classes come from it")
        .contains("dev.coordd.cli.Main source: shared objects file");

    String thisJdk = Files.readString(jdk);
    Files.writeString(jdk, "21.0.1+12\n"); // made by another JDK: not used
    assertQuietVersion();
    Files.writeString(jdk, thisJdk);
    byte[] bytes = Files.readAllBytes(jsa);
    Files.write(jsa, Arrays.copyOf(bytes, 4096)); // this JDK's, but damaged
    assertQuietVersion();
    Files.delete(jsa);
    assertQuietVersion(); // none in lib/: one under $HOME/.cache/coordd, made on exit
    assertQuietVersion(); // …and used by the next start
  }

  private void assertQuietVersion() throws Exception {
    Run v = coordd("--version");
    assertThat(v.exit()).as(v.err()).isZero();
    assertThat(v.out()).isEqualTo("coordd " + VERSION + "\n");
    assertThat(v.err()).isEmpty();
  }

  private void awaitDaemon(Path home, Process daemon) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    Run stats = null;
    while (System.nanoTime() < deadline) {
      assertThat(daemon.isAlive()).as("the daemon is running").isTrue();
      stats = coordd("stats", "--home", home.toString());
      if (stats.exit() == 0) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the daemon did not answer within 120 s: " + stats);
  }

  private ProcessBuilder builder(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(onPath.resolve("coordd").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).directory(Files.createDirectories(dir.resolve("work")).toFile());
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", onPath.toString());
    env.put("HOME", Files.createDirectories(dir.resolve("user")).toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return pb;
  }

  private Process start(String... args) throws IOException {
    Process p =
        builder(args)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("daemon.log").toFile())
            .start();
    started.add(p);
    return p;
  }

  private Run coordd(String... args) throws Exception {
    return finish(builder(args).start());
  }

  private Run coorddWith(Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = builder(args);
    pb.environment().putAll(env);
    return finish(pb.start());
  }

  private static Run finish(Process p) throws Exception {
    p.getOutputStream().close();
    // stderr is drained on its own thread: a full pipe would block the process (and this test)
    FutureTask<byte[]> err = new FutureTask<>(p.getErrorStream()::readAllBytes);
    Thread.ofPlatform().daemon().start(err);
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("exited within 120 s").isTrue();
    return new Run(
        p.exitValue(),
        new String(out, StandardCharsets.UTF_8),
        new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8));
  }

  private static Set<String> jarNames(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".jar"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
