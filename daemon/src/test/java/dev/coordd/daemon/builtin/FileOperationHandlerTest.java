package dev.coordd.daemon.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileOperationHandlerTest {
  private static final long MAX_READ = 64;

  @TempDir Path tmp;
  private Path root;
  private Path second;
  private Path outside;
  private FileOperationHandler handler;

  @BeforeEach
  void setUp() throws IOException {
    root = Files.createDirectories(tmp.resolve("root")).toRealPath();
    second = Files.createDirectories(tmp.resolve("second")).toRealPath();
    outside = Files.createDirectories(tmp.resolve("outside")).toRealPath();
    Files.writeString(outside.resolve("secret.txt"), "secret");
    handler = new FileOperationHandler(new PathSandbox(List.of(root, second)), MAX_READ);
  }

  // --- operations ---

  @Test
  void read_returns_utf8_content_size_and_real_path() throws Exception {
    Files.writeString(root.resolve("a.txt"), "héllo");

    JsonNode result = run(op("read", "a.txt"));

    assertThat(result.get("path").asText()).isEqualTo(root.resolve("a.txt").toString());
    assertThat(result.get("size").asLong()).isEqualTo(6);
    assertThat(result.get("content").asText()).isEqualTo("héllo");
    assertThat(result.get("encoding").asText()).isEqualTo("utf8");
  }

  @Test
  void read_with_base64_returns_binary_content() throws Exception {
    byte[] bytes = {0, (byte) 0xff, 1, (byte) 0x80};
    Files.write(root.resolve("b.bin"), bytes);

    JsonNode result = run(op("read", "b.bin").put("encoding", "base64"));

    assertThat(Base64.getDecoder().decode(result.get("content").asText())).isEqualTo(bytes);
    assertThat(result.get("encoding").asText()).isEqualTo("base64");
  }

  @Test
  void read_of_binary_file_as_utf8_is_refused_with_a_pointer_to_base64() throws Exception {
    Files.write(root.resolve("b.bin"), new byte[] {(byte) 0xff, (byte) 0xfe});

    TaskFailure failure = refused(op("read", "b.bin"));

    assertThat(failure.kind()).isEqualTo("invalid");
    assertThat(failure.getMessage()).contains("base64");
  }

  @Test
  void read_of_missing_file_fails_permanently_as_not_found() {
    TaskFailure failure = refused(op("read", "nope.txt"));

    assertThat(failure.kind()).isEqualTo("not_found");
    assertThat(failure.permanent()).isTrue();
    assertThat(failure.getMessage()).contains("nope.txt");
  }

  @Test
  void read_over_the_limit_is_refused_as_too_large_and_not_retried() throws Exception {
    Files.write(root.resolve("big.txt"), new byte[(int) MAX_READ + 1]);
    Files.write(root.resolve("fits.txt"), new byte[(int) MAX_READ]);

    TaskFailure failure = refused(op("read", "big.txt"));

    assertThat(failure.kind()).isEqualTo("too_large");
    assertThat(failure.permanent()).isTrue();
    assertThat(failure.getMessage()).contains("65 bytes", "64", "retrying will not help");
    assertThat(run(op("read", "fits.txt").put("encoding", "base64")).get("size").asLong())
        .isEqualTo(MAX_READ);
  }

  @Test
  void write_creates_the_file_and_reports_bytes_written() throws Exception {
    JsonNode result = run(op("write", "new.txt").put("content", "héllo"));

    assertThat(result.get("path").asText()).isEqualTo(root.resolve("new.txt").toString());
    assertThat(result.get("bytesWritten").asLong()).isEqualTo(6);
    assertThat(Files.readString(root.resolve("new.txt"))).isEqualTo("héllo");
  }

  @Test
  void write_decodes_base64_content() throws Exception {
    byte[] bytes = {1, 2, (byte) 0xff};

    run(
        op("write", "b.bin")
            .put("content", Base64.getEncoder().encodeToString(bytes))
            .put("encoding", "base64"));

    assertThat(Files.readAllBytes(root.resolve("b.bin"))).isEqualTo(bytes);
  }

  @Test
  void write_replaces_by_rename_keeping_permissions_and_leaving_no_temp_file() throws Exception {
    Path file = root.resolve("config.txt");
    Files.writeString(file, "old content that is longer");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Object before = fileKey(file);

    run(op("write", "config.txt").put("content", "new"));

    assertThat(Files.readString(file)).isEqualTo("new");
    // A new inode shows the content arrived by rename, never by truncating the file in place.
    assertThat(fileKey(file)).isNotEqualTo(before);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(names(root)).containsExactly("config.txt");
  }

  @Test
  void write_into_a_missing_folder_creates_it_only_when_asked() throws Exception {
    TaskFailure failure = refused(op("write", "a/b/c.txt").put("content", "x"));

    assertThat(failure.kind()).isEqualTo("not_found");
    assertThat(failure.getMessage()).contains("createDirectories");
    assertThat(root.resolve("a")).doesNotExist();

    run(op("write", "a/b/c.txt").put("content", "x").put("createDirectories", true));

    assertThat(Files.readString(root.resolve("a/b/c.txt"))).isEqualTo("x");
  }

  @Test
  void append_adds_to_the_end_and_creates_a_missing_file() throws Exception {
    run(op("append", "log.txt").put("content", "one\n"));
    JsonNode result = run(op("append", "log.txt").put("content", "two\n"));

    assertThat(result.get("bytesWritten").asLong()).isEqualTo(4);
    assertThat(Files.readString(root.resolve("log.txt"))).isEqualTo("one\ntwo\n");
  }

  @Test
  void list_returns_entries_sorted_by_name_with_types_and_sizes() throws Exception {
    Files.writeString(root.resolve("b.txt"), "abc");
    Files.createDirectory(root.resolve("a-dir"));
    Files.createSymbolicLink(root.resolve("c-link"), root.resolve("b.txt"));

    JsonNode result = run(op("list", "."));

    assertThat(result.get("path").asText()).isEqualTo(root.toString());
    JsonNode entries = result.get("entries");
    assertThat(entries.findValuesAsText("name")).containsExactly("a-dir", "b.txt", "c-link");
    assertThat(entries.findValuesAsText("type")).containsExactly("directory", "file", "symlink");
    assertThat(entries.get(1).get("size").asLong()).isEqualTo(3);
  }

  @Test
  void list_of_a_file_is_invalid() throws Exception {
    Files.writeString(root.resolve("a.txt"), "x");

    assertThat(refused(op("list", "a.txt")).kind()).isEqualTo("invalid");
  }

  @Test
  void stat_reports_type_size_and_modification_time() throws Exception {
    Path file = root.resolve("a.txt");
    Files.writeString(file, "abcd");

    JsonNode result = run(op("stat", "a.txt"));

    assertThat(result.get("exists").asBoolean()).isTrue();
    assertThat(result.get("type").asText()).isEqualTo("file");
    assertThat(result.get("size").asLong()).isEqualTo(4);
    assertThat(result.get("modifiedAt").asLong())
        .isEqualTo(Files.getLastModifiedTime(file).toMillis());
    assertThat(run(op("stat", ".")).get("type").asText()).isEqualTo("directory");
  }

  @Test
  void stat_of_a_missing_path_succeeds_with_exists_false() throws Exception {
    JsonNode result = run(op("stat", "missing/file.txt"));

    assertThat(result.get("exists").asBoolean()).isFalse();
    assertThat(result.get("path").asText()).isEqualTo(root.resolve("missing/file.txt").toString());
    assertThat(result.get("type").isNull()).isTrue();
  }

  @Test
  void delete_removes_a_file_and_reports_false_when_nothing_was_there() throws Exception {
    Files.writeString(root.resolve("a.txt"), "x");

    assertThat(run(op("delete", "a.txt")).get("deleted").asBoolean()).isTrue();
    assertThat(root.resolve("a.txt")).doesNotExist();
    assertThat(run(op("delete", "a.txt")).get("deleted").asBoolean()).isFalse();
  }

  @Test
  void delete_of_a_non_empty_folder_is_refused_but_an_empty_one_goes() throws Exception {
    Files.createDirectories(root.resolve("full"));
    Files.writeString(root.resolve("full/a.txt"), "x");
    Files.createDirectories(root.resolve("empty"));

    TaskFailure failure = refused(op("delete", "full"));

    assertThat(failure.kind()).isEqualTo("not_empty");
    assertThat(root.resolve("full/a.txt")).exists();
    assertThat(run(op("delete", "empty")).get("deleted").asBoolean()).isTrue();
  }

  @Test
  void delete_of_a_root_is_refused() throws Exception {
    for (String path : List.of(".", root.toString(), second.toString(), "sub/..")) {
      TaskFailure failure = refused(op("delete", path));
      assertThat(failure.kind()).as(path).isEqualTo("sandbox");
      assertThat(failure.getMessage()).as(path).contains("root");
    }
    assertThat(root).isDirectory();
    assertThat(second).isDirectory();
  }

  @Test
  void unknown_operation_is_invalid_and_lists_the_allowed_ones() {
    TaskFailure failure = refused(op("chmod", "a.txt"));

    assertThat(failure.kind()).isEqualTo("invalid");
    assertThat(failure.permanent()).isTrue();
    assertThat(failure.getMessage()).contains("chmod", "read, write, append, list, stat, delete");
  }

  // --- sandbox ---

  @Test
  void dot_dot_escape_is_refused() {
    for (String path : List.of("../outside/secret.txt", "sub/../../outside/secret.txt", "..")) {
      TaskFailure failure = refused(op("read", path));
      assertThat(failure.kind()).as(path).isEqualTo("sandbox");
      assertThat(failure.permanent()).isTrue();
      assertThat(failure.getMessage()).contains(path, root.toString());
    }
    assertThat(refused(op("write", "../outside/new.txt").put("content", "x")).kind())
        .isEqualTo("sandbox");
    assertThat(outside.resolve("new.txt")).doesNotExist();
  }

  @Test
  void dot_dot_that_stays_inside_the_root_is_fine() throws Exception {
    Files.writeString(root.resolve("a.txt"), "x");

    assertThat(run(op("read", "sub/../a.txt")).get("content").asText()).isEqualTo("x");
  }

  @Test
  void absolute_path_outside_the_roots_is_refused() throws IOException {
    Path sibling = Files.createDirectories(tmp.resolve("root-sibling"));
    for (String path :
        List.of(outside.resolve("secret.txt").toString(), "/etc/passwd", sibling + "/x.txt")) {
      TaskFailure failure = refused(op("read", path));
      assertThat(failure.kind()).as(path).isEqualTo("sandbox");
      assertThat(failure.getMessage()).contains(path).contains(root.toString(), second.toString());
    }
  }

  @Test
  void absolute_path_inside_another_root_is_allowed() throws Exception {
    run(op("write", second.resolve("x.txt").toString()).put("content", "2"));

    assertThat(Files.readString(second.resolve("x.txt"))).isEqualTo("2");
  }

  @Test
  void empty_path_and_nul_character_are_refused() {
    assertThat(refused(op("read", "")).kind()).isEqualTo("sandbox");
    assertThat(refused(op("read", "  ")).kind()).isEqualTo("sandbox");
    TaskFailure nul = refused(op("read", "a\0.txt"));
    assertThat(nul.kind()).isEqualTo("sandbox");
    assertThat(nul.getMessage()).contains("NUL");
  }

  @Test
  void symlink_escaping_root_is_refused_for_read() throws Exception {
    Files.createSymbolicLink(root.resolve("out-dir"), outside);
    Files.createSymbolicLink(root.resolve("out-file"), outside.resolve("secret.txt"));

    for (String path : List.of("out-dir/secret.txt", "out-file")) {
      TaskFailure failure = refused(op("read", path));
      assertThat(failure.kind()).as(path).isEqualTo("sandbox");
      assertThat(failure.getMessage()).contains(outside.toString());
    }
    assertThat(refused(op("list", "out-dir")).kind()).isEqualTo("sandbox");
  }

  @Test
  void symlink_escaping_root_is_refused_for_write() throws Exception {
    Files.createSymbolicLink(root.resolve("out-dir"), outside);

    TaskFailure failure =
        refused(
            op("write", "out-dir/new/x.txt").put("content", "x").put("createDirectories", true));

    assertThat(failure.kind()).isEqualTo("sandbox");
    assertThat(refused(op("append", "out-dir/secret.txt").put("content", "x")).kind())
        .isEqualTo("sandbox");
    assertThat(refused(op("delete", "out-dir/secret.txt")).kind()).isEqualTo("sandbox");
    assertThat(outside.resolve("new")).doesNotExist();
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
  }

  @Test
  void symlink_planted_as_write_target_is_refused() throws Exception {
    Files.writeString(root.resolve("real.txt"), "real");
    Files.createSymbolicLink(root.resolve("inside-link"), root.resolve("real.txt"));
    Files.createSymbolicLink(root.resolve("outside-link"), outside.resolve("secret.txt"));

    for (String path : List.of("inside-link", "outside-link")) {
      assertThat(refused(op("write", path).put("content", "x")).kind())
          .as(path)
          .isEqualTo("sandbox");
      assertThat(refused(op("append", path).put("content", "x")).kind())
          .as(path)
          .isEqualTo("sandbox");
      assertThat(refused(op("delete", path)).kind()).as(path).isEqualTo("sandbox");
      assertThat(root.resolve(path)).as(path).isSymbolicLink();
    }
    assertThat(Files.readString(root.resolve("real.txt"))).isEqualTo("real");
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
  }

  @Test
  void dangling_symlink_pointing_outside_is_refused() throws Exception {
    Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("planted.txt"));

    assertThat(refused(op("write", "dangling").put("content", "x")).kind()).isEqualTo("sandbox");
    assertThat(refused(op("append", "dangling").put("content", "x")).kind()).isEqualTo("sandbox");
    assertThat(refused(op("read", "dangling")).kind()).isEqualTo("sandbox");
    assertThat(refused(op("write", "dangling/x.txt").put("content", "x")).kind())
        .isEqualTo("sandbox");
    assertThat(outside.resolve("planted.txt")).doesNotExist();
  }

  @Test
  void symlink_pointing_inside_a_root_can_be_read() throws Exception {
    Files.writeString(second.resolve("real.txt"), "shared");
    Files.createSymbolicLink(root.resolve("alias"), second.resolve("real.txt"));

    JsonNode result = run(op("read", "alias"));

    assertThat(result.get("content").asText()).isEqualTo("shared");
    assertThat(result.get("path").asText()).isEqualTo(second.resolve("real.txt").toString());
  }

  @Test
  void a_link_at_the_last_name_never_leads_any_operation_outside() throws Exception {
    Files.createSymbolicLink(root.resolve("planted"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("planted-dir"), outside);
    Files.createSymbolicLink(root.resolve("planted-new"), outside.resolve("new.txt"));
    List<String> outsideBefore = names(outside);

    assertThat(refused(op("read", "planted")).kind()).isEqualTo("sandbox");
    assertThat(refused(op("stat", "planted")).kind()).isEqualTo("sandbox");
    assertThat(refused(op("list", "planted-dir")).kind()).isEqualTo("sandbox");
    for (String path : List.of("planted", "planted-new")) {
      assertThat(refused(op("write", path).put("content", "x")).kind())
          .as(path)
          .isEqualTo("sandbox");
      assertThat(refused(op("append", path).put("content", "x")).kind())
          .as(path)
          .isEqualTo("sandbox");
      assertThat(refused(op("delete", path)).kind()).as(path).isEqualTo("sandbox");
      assertThat(root.resolve(path)).as(path).isSymbolicLink();
    }
    assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo("secret");
    assertThat(names(outside)).isEqualTo(outsideBefore);
  }

  @Test
  void relative_links_inside_a_root_are_followed_from_the_folder_that_holds_them()
      throws Exception {
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/a.txt"), "a");
    Files.createSymbolicLink(root.resolve("alias"), Path.of("sub"));
    Files.createSymbolicLink(root.resolve("sub/again"), Path.of("../sub/./a.txt"));

    JsonNode viaFolderLink = run(op("read", "alias/a.txt"));
    JsonNode viaFileLink = run(op("read", "sub/again"));

    assertThat(viaFolderLink.get("content").asText()).isEqualTo("a");
    assertThat(viaFolderLink.get("path").asText()).isEqualTo(root.resolve("sub/a.txt").toString());
    assertThat(viaFileLink.get("content").asText()).isEqualTo("a");
    assertThat(run(op("list", "alias")).get("entries").findValuesAsText("name"))
        .containsExactly("a.txt", "again");
  }

  @Test
  void a_relative_link_climbing_out_of_a_root_is_refused() throws Exception {
    Files.createSymbolicLink(root.resolve("up"), Path.of("../outside"));

    TaskFailure read = refused(op("read", "up/secret.txt"));

    assertThat(read.kind()).isEqualTo("sandbox");
    assertThat(read.getMessage()).contains(outside.resolve("secret.txt").toString(), "outside");
    assertThat(refused(op("write", "up/new.txt").put("content", "x")).kind()).isEqualTo("sandbox");
    assertThat(outside.resolve("new.txt")).doesNotExist();
  }

  @Test
  void a_link_loop_is_refused_saying_what_to_look_for() throws Exception {
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));

    for (String path : List.of("loop", "loop/x.txt")) {
      TaskFailure failure = refused(op("read", path));
      assertThat(failure.kind()).as(path).isEqualTo("sandbox");
      assertThat(failure.getMessage()).as(path).contains("symbolic links", "points to itself");
    }
  }

  @Test
  void create_directories_through_a_link_inside_the_root_creates_them_where_it_points()
      throws Exception {
    Files.createDirectories(root.resolve("sub"));
    Files.createSymbolicLink(root.resolve("l"), Path.of("sub"));

    JsonNode result =
        run(op("write", "l/new/deep/x.txt").put("content", "x").put("createDirectories", true));

    Path written = root.resolve("sub/new/deep/x.txt");
    assertThat(result.get("path").asText()).isEqualTo(written.toString());
    assertThat(Files.readString(written)).isEqualTo("x");
    assertThat(names(root)).as("no temporary folders left").containsExactly("l", "sub");
  }

  @Test
  void create_directories_makes_a_tree_deeper_than_the_link_limit() throws Exception {
    String deep = "d/".repeat(50) + "x.txt";

    run(op("write", deep).put("content", "x").put("createDirectories", true));

    assertThat(Files.readString(root.resolve(deep))).isEqualTo("x");
  }

  @Test
  void the_daemons_own_folder_inside_a_root_stays_off_limits_even_through_a_link()
      throws Exception {
    Path home = Files.createDirectories(root.resolve(".coordd"));
    Files.writeString(home.resolve("coordd.db"), "db");
    Files.createSymbolicLink(root.resolve("h"), Path.of(".coordd"));
    handler = new FileOperationHandler(new PathSandbox(List.of(root), List.of(home)), MAX_READ);

    for (String path : List.of(".coordd/coordd.db", "h/coordd.db")) {
      TaskFailure failure = refused(op("read", path));
      assertThat(failure.kind()).as(path).isEqualTo("sandbox");
      assertThat(failure.getMessage()).as(path).contains("daemon's own folder");
    }
    assertThat(
            refused(op("write", "h/new/x.txt").put("content", "x").put("createDirectories", true))
                .kind())
        .isEqualTo("sandbox");
    assertThat(home.resolve("new")).doesNotExist();
  }

  @Test
  void a_root_configured_through_a_link_is_used_at_its_real_location() throws Exception {
    Path linkedRoot = Files.createSymbolicLink(tmp.resolve("root-link"), root);
    Files.writeString(root.resolve("a.txt"), "x");
    handler = new FileOperationHandler(new PathSandbox(List.of(linkedRoot)), MAX_READ);

    assertThat(run(op("read", "a.txt")).get("path").asText())
        .isEqualTo(root.resolve("a.txt").toString());
    assertThat(run(op("read", linkedRoot.resolve("a.txt").toString())).get("content").asText())
        .isEqualTo("x");
  }

  @Test
  void a_missing_root_is_reported_with_the_fix() throws Exception {
    Path gone = tmp.resolve("gone");
    handler = new FileOperationHandler(new PathSandbox(List.of(gone)), MAX_READ);

    TaskFailure failure = refused(op("read", "a.txt"));

    assertThat(failure.kind()).isEqualTo("not_found");
    assertThat(failure.getMessage()).contains(gone.toString(), "fileRoots");
  }

  // --- schema ---

  @Test
  void data_schema_requires_operation_and_path_and_rejects_unknown_fields() {
    JsonSchema schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(handler.dataSchema());

    assertThat(schema.validate(op("read", "a.txt"))).isEmpty();
    assertThat(
            schema.validate(
                op("write", "a.txt").put("content", "x").put("createDirectories", true)))
        .isEmpty();
    assertThat(schema.validate(op("write", "a.txt"))).isNotEmpty();
    assertThat(schema.validate(op("chmod", "a.txt"))).isNotEmpty();
    assertThat(schema.validate(op("read", ""))).isNotEmpty();
    assertThat(schema.validate(op("read", "a.txt").put("mode", "755"))).isNotEmpty();
    assertThat(schema.validate(op("read", "a.txt").put("encoding", "latin1"))).isNotEmpty();
    assertThat(schema.validate(Json.MAPPER.createObjectNode().put("path", "a.txt"))).isNotEmpty();
  }

  // --- helpers ---

  private static ObjectNode op(String operation, String path) {
    return Json.MAPPER.createObjectNode().put("operation", operation).put("path", path);
  }

  private JsonNode run(ObjectNode data) throws Exception {
    return handler.handle(TestContexts.running("file_operation", data));
  }

  private TaskFailure refused(ObjectNode data) {
    Throwable thrown = catchThrowable(() -> run(data));
    assertThat(thrown).as(data.toString()).isInstanceOf(TaskFailure.class);
    return (TaskFailure) thrown;
  }

  private static Object fileKey(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
        .fileKey();
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> children = Files.list(folder)) {
      return children.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
