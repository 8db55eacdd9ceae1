package dev.coordd.daemon.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.coordd.api.NewTask;
import dev.coordd.api.UnavailableException;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.Daemon;
import dev.coordd.daemon.config.ConfigLoader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The home on a real, small tmpfs (so "full" and "read-only" are the kernel's ENOSPC and EROFS, not
 * a simulation): callers are told plainly, the store stays intact, and the daemon goes on once
 * space returns. Needs permission to mount (root, as in CI's container); skipped otherwise.
 */
@Tag("reliability")
class FullDiskTest {
  @TempDir Path dir;
  Path disk;
  Path home;
  boolean mounted;

  @BeforeEach
  void mountSmallDisk() throws Exception {
    disk = dir.resolve("disk");
    Files.createDirectories(disk);
    mounted = run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", disk.toString()) == 0;
    assumeTrue(mounted, "cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)");
    home = disk.resolve("home");
  }

  @AfterEach
  void unmount() throws Exception {
    if (mounted) {
      run("umount", "-l", disk.toString());
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void a_full_disk_refuses_creates_keeps_the_store_intact_and_a_restart_with_space_recovers()
      throws Exception {
    Path filler = disk.resolve("filler");
    List<String> acked = new ArrayList<>();
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
        CoorddClient client = CoorddClient.connect(home)) {
      createUntilFull(client, filler, acked);
      assertThat(client.stats()).as("the daemon still answers").isNotNull();
      assertThat(daemon.isRunning()).isTrue();
      for (String id : acked) {
        assertThat(client.getTask(id).id())
            .as("acked %s readable on a full disk", id)
            .isEqualTo(id);
      }
      Files.delete(filler); // space returns
    }
    assertThat(integrityCheck(home.resolve("coordd.db"))).isEqualTo("ok");
    try (Daemon again = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      for (String id : acked) {
        assertThat(again.service().getTask(id).id())
            .as("acked %s after a restart", id)
            .isEqualTo(id);
      }
      assertThat(again.service().createTask(task(1000)).id()).isNotNull();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void a_full_disk_tells_callers_it_is_full_and_creates_resume_without_a_restart()
      throws Exception {
    Path filler = disk.resolve("filler");
    List<String> acked = new ArrayList<>();
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()));
        CoorddClient client = CoorddClient.connect(home)) {
      RuntimeException refused = createUntilFull(client, filler, acked);
      assertThat(refused.getMessage()).as("the caller is told why").containsIgnoringCase("full");

      Files.delete(filler);
      String after = null;
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (after == null && System.nanoTime() < until) {
        try {
          after = client.createTask(task(999)).id();
        } catch (RuntimeException e) {
          Thread.sleep(100);
        }
      }
      assertThat(after).as("creates work again once there is space").isNotNull();
    }
    assertThat(integrityCheck(home.resolve("coordd.db"))).isEqualTo("ok");
  }

  /** Acks some creates, fills the disk, and creates until refused; returns the refusal. */
  private static RuntimeException createUntilFull(
      CoorddClient client, Path filler, List<String> acked) {
    for (int i = 0; i < 20; i++) {
      acked.add(client.createTask(task(i)).id());
    }
    fill(filler);
    for (int i = 0; i < 200; i++) {
      try {
        acked.add(client.createTask(task(i)).id()); // a page or two may still fit
      } catch (UnavailableException e) {
        return e; // the daemon's side failed, not the request: the caller may retry later
      }
    }
    throw new AssertionError("200 creates of 2 KiB fitted on a full 4 MiB disk");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void a_read_only_home_stops_the_start_plainly_and_the_store_is_whole_when_writable_again()
      throws Exception {
    List<String> acked = new ArrayList<>();
    try (Daemon daemon = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      for (int i = 0; i < 20; i++) {
        acked.add(daemon.service().createTask(task(i)).id());
      }
    }
    assertThat(run("mount", "-o", "remount,ro", disk.toString())).isZero();
    assertThatThrownBy(() -> Daemon.start(ConfigLoader.load(home, Map.of(), Map.of())).close())
        .as("a daemon cannot run on a read-only home, and says so")
        .satisfies(e -> assertThat(e.getMessage()).containsIgnoringCase("read-only file system"));
    assertThat(run("mount", "-o", "remount,rw", disk.toString())).isZero();
    assertThat(integrityCheck(home.resolve("coordd.db"))).isEqualTo("ok");
    try (Daemon again = Daemon.start(ConfigLoader.load(home, Map.of(), Map.of()))) {
      for (String id : acked) {
        assertThat(again.service().getTask(id).id()).isEqualTo(id);
      }
    }
  }

  private static NewTask task(int i) {
    // 2 KiB of data so a few creates fill what the filler leaves
    return NewTask.of("later")
        .withAssignedTo("nobody")
        .withData(JsonNodeFactory.instance.objectNode().put("pad", "x".repeat(2048)).put("i", i));
  }

  /** Writes until the file system says it is full. */
  private static void fill(Path filler) {
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(filler)) {
      for (int size = chunk.length; size >= 1; size /= 2) {
        try {
          while (true) {
            out.write(chunk, 0, size);
            out.flush();
          }
        } catch (IOException full) {
          // ENOSPC at this size; try a smaller piece
        }
      }
    } catch (IOException closing) {
      // the last flush on close may fail too: the disk is full, which is the point
    }
  }

  private static String integrityCheck(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static int run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(10, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
