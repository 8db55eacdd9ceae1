package dev.coordd.daemon.fs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.coordd.internal.Owners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path dir;

  @Test
  void this_process_is_the_uid_that_owns_the_files_it_creates() throws Exception {
    Path mine = Files.writeString(dir.resolve("mine"), "x");
    assertThat(Owners.currentUid()).isEqualTo(Owners.uidOf(mine));
  }

  @Test
  void a_new_file_is_0600_and_a_new_folder_0700_and_their_parents_no_wider() throws Exception {
    Path file = dir.resolve("a.db");
    PrivateFiles.ensureFile(file);
    Path folder = dir.resolve("x/y/z");
    PrivateFiles.ensureDirectory(folder);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .isEqualTo("rwx------");
    assertThat(PrivateFiles.isOpenToOthers(dir.resolve("x"))).isFalse();
  }

  @Test
  void an_existing_file_keeps_its_content_and_loses_what_others_could_do() throws Exception {
    Path file = Files.writeString(dir.resolve("a.db"), "rows");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

    PrivateFiles.ensureFile(file);

    assertThat(Files.readString(file)).isEqualTo("rows");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void tightening_reports_the_change_and_keeps_the_owners_own_bits() throws Exception {
    Path script = Files.writeString(dir.resolve("hook.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertThat(PrivateFiles.tighten(script)).contains("hook.sh 0755 -> 0700");
    assertThat(PrivateFiles.tighten(script)).as("nothing left to change").isEmpty();
  }

  @Test
  void a_link_is_never_followed_and_a_pipe_never_opened() throws Exception {
    Path target = Files.writeString(dir.resolve("target"), "x");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    Path fifo = dir.resolve("fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", "-m", "666", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();

    assertThat(PrivateFiles.tighten(link)).isEmpty();
    assertThat(PrivateFiles.tighten(fifo)).isEmpty(); // returns: opening a pipe would block
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rw-r--r--");
  }
}
