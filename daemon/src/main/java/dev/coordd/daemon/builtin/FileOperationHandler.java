package dev.coordd.daemon.builtin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.daemon.handler.TaskContext;
import dev.coordd.daemon.handler.TaskFailure;
import dev.coordd.daemon.handler.TaskHandler;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;

/**
 * The {@code file_operation} task type: read, write, append, list, stat and delete inside a {@link
 * PathSandbox}. Failures that retrying cannot fix (outside the sandbox, missing, too large) are
 * permanent; other I/O errors are left to the engine's retry policy.
 */
public final class FileOperationHandler implements TaskHandler {
  public static final List<String> OPERATIONS =
      List.of("read", "write", "append", "list", "stat", "delete");

  private static final JsonNode SCHEMA = schema();

  private final PathSandbox sandbox;
  private final long maxReadBytes;

  public FileOperationHandler(PathSandbox sandbox, long maxReadBytes) {
    if (maxReadBytes < 0) {
      throw new IllegalArgumentException("maxReadBytes must not be negative: " + maxReadBytes);
    }
    this.sandbox = sandbox;
    // readNBytes takes an int and reads one byte past the limit to notice growth.
    this.maxReadBytes = Math.min(maxReadBytes, Integer.MAX_VALUE - 16);
  }

  @Override
  public JsonNode handle(TaskContext context) throws TaskFailure, IOException {
    JsonNode data = context.data();
    if (data == null || !data.isObject()) {
      throw invalid("data must be an object with 'operation' and 'path'");
    }
    String operation = text(data, "operation");
    String path = text(data, "path");
    try {
      return switch (operation) {
        case "read" -> read(path, encoding(data));
        case "write" -> write(path, content(data), data.path("createDirectories").asBoolean(false));
        case "append" ->
            append(path, content(data), data.path("createDirectories").asBoolean(false));
        case "list" -> list(path);
        case "stat" -> stat(path);
        case "delete" -> delete(path);
        default ->
            throw invalid(
                "unknown operation '" + operation + "'; allowed: " + String.join(", ", OPERATIONS));
      };
    } catch (AccessDeniedException e) {
      throw TaskFailure.permanent("permission_denied", "permission denied: " + e.getFile());
    }
  }

  @Override
  public JsonNode dataSchema() {
    return SCHEMA;
  }

  private JsonNode read(String userPath, String encoding) throws TaskFailure, IOException {
    Path path = sandbox.resolve(userPath);
    BasicFileAttributes attrs = attributesOrNotFound(path, userPath);
    if (!attrs.isRegularFile()) {
      throw invalid("'" + userPath + "' is not a regular file; use list for folders");
    }
    if (attrs.size() > maxReadBytes) {
      throw tooLarge(userPath, attrs.size());
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      // Bounded even if the file grew since the size check.
      bytes = in.readNBytes((int) maxReadBytes + 1);
    }
    if (bytes.length > maxReadBytes) {
      throw tooLarge(userPath, bytes.length);
    }
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("path", path.toString());
    result.put("size", bytes.length);
    result.put("content", encode(bytes, encoding, userPath));
    result.put("encoding", encoding);
    return result;
  }

  private JsonNode write(String userPath, byte[] content, boolean createDirectories)
      throws TaskFailure, IOException {
    Path path = sandbox.resolveTarget(userPath);
    Path folder = parentFolder(path, userPath, createDirectories);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw invalid("'" + userPath + "' is a folder; cannot write it as a file");
    }
    // Readers see the old content or the new, never a torn file. The temp file is created with
    // O_EXCL (never follows a planted link) and rename(2) replaces the entry itself.
    AtomicFiles.replace(path, content, null);
    return written(path, content.length);
  }

  private JsonNode append(String userPath, byte[] content, boolean createDirectories)
      throws TaskFailure, IOException {
    Path path = sandbox.resolveTarget(userPath);
    parentFolder(path, userPath, createDirectories);
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      throw invalid("'" + userPath + "' is a folder; cannot append to it");
    }
    try (FileChannel out =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND,
            LinkOption.NOFOLLOW_LINKS)) {
      writeFully(out, content);
      out.force(true);
    } catch (FileSystemException e) {
      if (Files.isSymbolicLink(path)) {
        throw symlinkTarget(userPath); // Planted after the sandbox check; O_NOFOLLOW caught it.
      }
      throw e;
    }
    return written(path, content.length);
  }

  private JsonNode list(String userPath) throws TaskFailure, IOException {
    Path path = sandbox.resolve(userPath);
    if (!attributesOrNotFound(path, userPath).isDirectory()) {
      throw invalid("'" + userPath + "' is not a folder");
    }
    List<ObjectNode> entries = new ArrayList<>();
    try (DirectoryStream<Path> children = Files.newDirectoryStream(path)) {
      for (Path child : children) {
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
          continue; // Removed while listing.
        }
        ObjectNode entry = Json.MAPPER.createObjectNode();
        entry.put("name", child.getFileName().toString());
        entry.put("type", type(attrs));
        entry.put("size", size(attrs));
        entries.add(entry);
      }
    }
    entries.sort(Comparator.comparing(e -> e.get("name").asText()));
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("path", path.toString());
    ArrayNode array = result.putArray("entries");
    entries.forEach(array::add);
    return result;
  }

  private JsonNode stat(String userPath) throws TaskFailure, IOException {
    Path path = sandbox.resolve(userPath);
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("path", path.toString());
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      result.put("exists", false);
      result.putNull("type");
      result.putNull("size");
      result.putNull("modifiedAt");
      return result;
    }
    result.put("exists", true);
    result.put("type", type(attrs));
    result.put("size", size(attrs));
    result.put("modifiedAt", attrs.lastModifiedTime().toMillis());
    return result;
  }

  private JsonNode delete(String userPath) throws TaskFailure, IOException {
    Path path = sandbox.resolveTarget(userPath);
    if (sandbox.isRoot(path)) {
      throw TaskFailure.permanent(
          "sandbox", "'" + userPath + "' is a sandbox root; roots cannot be deleted");
    }
    boolean deleted;
    try {
      // unlink/rmdir act on the entry itself, never on what a link points to.
      deleted = Files.deleteIfExists(path);
    } catch (DirectoryNotEmptyException e) {
      throw TaskFailure.permanent(
          "not_empty",
          "'" + userPath + "' is a folder that is not empty; delete its entries first");
    }
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("path", path.toString());
    result.put("deleted", deleted);
    return result;
  }

  private static Path parentFolder(Path path, String userPath, boolean createDirectories)
      throws TaskFailure, IOException {
    Path folder = path.getParent();
    if (folder == null) {
      throw invalid("'" + userPath + "' has no parent folder");
    }
    if (Files.isDirectory(folder)) {
      return folder;
    }
    if (Files.exists(folder, LinkOption.NOFOLLOW_LINKS)) {
      throw invalid("'" + folder + "' exists and is not a folder");
    }
    if (!createDirectories) {
      throw TaskFailure.permanent(
          "not_found", "folder " + folder + " does not exist; set createDirectories to create it");
    }
    // The missing part was resolved as plain names under a checked real folder: no links in it.
    Files.createDirectories(folder);
    return folder;
  }

  private static BasicFileAttributes attributesOrNotFound(Path path, String userPath)
      throws TaskFailure, IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw TaskFailure.permanent("not_found", "'" + userPath + "' does not exist (" + path + ")");
    }
  }

  private static void writeFully(FileChannel out, byte[] content) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(content);
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }

  private static JsonNode written(Path path, long bytes) {
    ObjectNode result = Json.MAPPER.createObjectNode();
    result.put("path", path.toString());
    result.put("bytesWritten", bytes);
    return result;
  }

  private static String type(BasicFileAttributes attrs) {
    if (attrs.isSymbolicLink()) {
      return "symlink";
    }
    if (attrs.isDirectory()) {
      return "directory";
    }
    return attrs.isRegularFile() ? "file" : "other";
  }

  /** Only a regular file's size means anything to a caller; a folder's is filesystem detail. */
  private static long size(BasicFileAttributes attrs) {
    return attrs.isRegularFile() ? attrs.size() : 0;
  }

  private static String text(JsonNode data, String field) throws TaskFailure {
    JsonNode value = data.get(field);
    if (value == null || !value.isTextual()) {
      throw invalid("'" + field + "' is required and must be a string");
    }
    return value.asText();
  }

  private static String encoding(JsonNode data) throws TaskFailure {
    JsonNode value = data.get("encoding");
    String encoding = value == null || value.isNull() ? "utf8" : value.asText();
    if (!encoding.equals("utf8") && !encoding.equals("base64")) {
      throw invalid("unknown encoding '" + encoding + "'; allowed: utf8, base64");
    }
    return encoding;
  }

  private static byte[] content(JsonNode data) throws TaskFailure {
    String encoding = encoding(data);
    String content = text(data, "content");
    if (encoding.equals("utf8")) {
      return content.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return Base64.getDecoder().decode(content);
    } catch (IllegalArgumentException e) {
      throw invalid("content is not valid base64: " + e.getMessage());
    }
  }

  private static String encode(byte[] bytes, String encoding, String userPath) throws TaskFailure {
    if (encoding.equals("base64")) {
      return Base64.getEncoder().encodeToString(bytes);
    }
    try {
      // Strict, so binary content is refused rather than silently mangled.
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw invalid("'" + userPath + "' is not valid UTF-8 text; read it with encoding base64");
    }
  }

  private TaskFailure tooLarge(String userPath, long size) {
    return TaskFailure.permanent(
        "too_large",
        "'"
            + userPath
            + "' is "
            + size
            + " bytes, over the read limit of "
            + maxReadBytes
            + " bytes (fileMaxReadBytes); retrying will not help");
  }

  private static TaskFailure symlinkTarget(String userPath) {
    return TaskFailure.permanent(
        "sandbox",
        "'" + userPath + "' is a symbolic link; write, append and delete do not follow links");
  }

  private static TaskFailure invalid(String message) {
    return TaskFailure.permanent("invalid", message);
  }

  private static JsonNode schema() {
    try {
      return Json.MAPPER.readTree(
          """
          {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "file_operation data",
            "type": "object",
            "properties": {
              "operation": {"enum": ["read", "write", "append", "list", "stat", "delete"]},
              "path": {"type": "string", "minLength": 1},
              "content": {"type": "string"},
              "encoding": {"enum": ["utf8", "base64"]},
              "createDirectories": {"type": "boolean"}
            },
            "required": ["operation", "path"],
            "additionalProperties": false,
            "if": {"properties": {"operation": {"enum": ["write", "append"]}}},
            "then": {"required": ["content"]}
          }
          """);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("file_operation schema is not JSON", e);
    }
  }
}
