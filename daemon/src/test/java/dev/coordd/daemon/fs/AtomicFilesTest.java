package dev.coordd.daemon.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path dir;

  @Test
  void a_written_file_is_private_and_leaves_no_temp_file_behind() throws IOException {
    Path file = dir.resolve("coordd.pid");
    AtomicFiles.write(file, bytes("42\n"));

    assertThat(Files.readString(file)).isEqualTo("42\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(names()).containsExactly("coordd.pid");
  }

  @Test
  void writing_replaces_the_whole_file_and_tightens_a_loose_one() throws IOException {
    Path file = dir.resolve("state.json");
    Files.writeString(file, "a much longer old content");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

    AtomicFiles.write(file, bytes("new"));

    assertThat(Files.readString(file)).isEqualTo("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void replacing_keeps_the_permissions_of_an_existing_file() throws IOException {
    Path file = dir.resolve("settings.json");
    Files.writeString(file, "{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

    AtomicFiles.replace(file, bytes("{\"a\":1}"), PosixFilePermissions.fromString("rw-------"));

    assertThat(Files.readString(file)).isEqualTo("{\"a\":1}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
  }

  @Test
  void replacing_gives_a_new_file_the_mode_asked_for() throws IOException {
    Path file = dir.resolve("new.toml");
    AtomicFiles.replace(file, bytes("x = 1\n"), PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void a_symlink_at_the_target_is_replaced_not_written_through() throws IOException {
    Path outside = Files.createDirectory(dir.resolve("outside")).resolve("victim");
    Files.writeString(outside, "untouched");
    Path inside = Files.createDirectory(dir.resolve("inside"));
    Path link = Files.createSymbolicLink(inside.resolve("file"), outside);

    AtomicFiles.write(link, bytes("written"));

    assertThat(Files.readString(outside)).isEqualTo("untouched");
    assertThat(Files.isSymbolicLink(link)).isFalse();
    assertThat(Files.readString(link, StandardCharsets.UTF_8)).isEqualTo("written");
  }

  @Test
  void a_move_of_a_file_that_is_gone_says_so() {
    assertThatThrownBy(() -> AtomicFiles.move(dir.resolve("gone"), dir.resolve("there")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void a_private_directory_is_created_with_its_parents_as_0700() throws IOException {
    Path nested = dir.resolve("a/b/c");
    AtomicFiles.privateDirectory(nested);

    assertThat(Files.isDirectory(nested, LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(nested)))
        .isEqualTo("rwx------");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private String[] names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
    }
  }
}
