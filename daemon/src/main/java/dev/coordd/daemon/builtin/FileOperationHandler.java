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
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

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
    try (SandboxedPath target = sandbox.open(userPath, true, false)) {
      if (!target.exists()) {
        throw notFound(userPath, target);
      }
      if (target.name() == null || !target.attributes().isRegularFile()) {
        throw invalid("'" + userPath + "' is not a regular file; use list for folders");
      }
      if (target.attributes().size() > maxReadBytes) {
        throw tooLarge(userPath, target.attributes().size());
      }
      byte[] bytes;
      // O_NOFOLLOW: a link swapped in since the walk fails the open instead of being followed.
      try (InputStream in =
          Channels.newInputStream(
              target.folder().open(target.name(), Set.of(StandardOpenOption.READ)))) {
        // Bounded even if the file grew since the size check.
        bytes = in.readNBytes((int) maxReadBytes + 1);
      }
      if (bytes.length > maxReadBytes) {
        throw tooLarge(userPath, bytes.length);
      }
      ObjectNode result = Json.MAPPER.createObjectNode();
      result.put("path", target.location().toString());
      result.put("size", bytes.length);
      result.put("content", encode(bytes, encoding, userPath));
      result.put("encoding", encoding);
      return result;
    }
  }

  private JsonNode write(String userPath, byte[] content, boolean createDirectories)
      throws TaskFailure, IOException {
    try (SandboxedPath target = sandbox.open(userPath, false, createDirectories)) {
      String name = writable(userPath, target, "write it as a file");
      SecureFolder folder = target.folder();
      BasicFileAttributes attrs = target.attributes();
      // Keep an existing file's mode; a new file gets the process's default (umask).
      Set<PosixFilePermission> mode =
          attrs != null && attrs.isRegularFile() ? folder.permissions(name) : null;
      // Readers see the old content or the new, never a torn file: a temp file created with
      // O_EXCL|O_NOFOLLOW in the open folder, fsynced, renamed over the entry (renameat replaces
      // the entry itself, even a link swapped in since the look), then the folder fsynced.
      String temp = AtomicFiles.tempName(name);
      Set<OpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        try (FileChannel out =
            mode == null
                ? folder.open(temp, options)
                : folder.open(temp, options, PosixFilePermissions.asFileAttribute(mode))) {
          writeFully(out, content);
          out.force(true);
        }
        if (mode != null) {
          folder.setPermissions(temp, mode); // the umask may have narrowed the create
        }
        folder.move(temp, folder, name);
      } finally {
        deleteQuietly(folder, temp);
      }
      folder.sync();
      return written(target.location(), content.length);
    }
  }

  private JsonNode append(String userPath, byte[] content, boolean createDirectories)
      throws TaskFailure, IOException {
    try (SandboxedPath target = sandbox.open(userPath, false, createDirectories)) {
      String name = writable(userPath, target, "append to it");
      try (FileChannel out =
          target
              .folder()
              .open(
                  name,
                  Set.of(
                      StandardOpenOption.CREATE,
                      StandardOpenOption.WRITE,
                      StandardOpenOption.APPEND))) {
        writeFully(out, content);
        out.force(true);
      } catch (FileSystemException e) {
        BasicFileAttributes now = target.folder().attributes(name);
        if (now != null && now.isSymbolicLink()) {
          throw symlinkTarget(userPath); // Planted since the walk; O_NOFOLLOW caught it.
        }
        throw e;
      }
      return written(target.location(), content.length);
    }
  }

  private JsonNode list(String userPath) throws TaskFailure, IOException {
    try (SandboxedPath target = sandbox.open(userPath, true, false)) {
      if (!target.exists()) {
        throw notFound(userPath, target);
      }
      if (!target.attributes().isDirectory()) {
        throw invalid("'" + userPath + "' is not a folder");
      }
      List<ObjectNode> entries = new ArrayList<>();
      try (SecureFolder listed =
          target.name() == null ? null : target.folder().child(target.name())) {
        SecureFolder folder = listed == null ? target.folder() : listed;
        for (String name : folder.names()) {
          BasicFileAttributes attrs = folder.attributes(name);
          if (attrs == null) {
            continue; // Removed while listing.
          }
          ObjectNode entry = Json.MAPPER.createObjectNode();
          entry.put("name", name);
          entry.put("type", type(attrs));
          entry.put("size", size(attrs));
          entries.add(entry);
        }
      }
      entries.sort(Comparator.comparing(e -> e.get("name").asText()));
      ObjectNode result = Json.MAPPER.createObjectNode();
      result.put("path", target.location().toString());
      ArrayNode array = result.putArray("entries");
      entries.forEach(array::add);
      return result;
    }
  }

  private JsonNode stat(String userPath) throws TaskFailure, IOException {
    try (SandboxedPath target = sandbox.open(userPath, true, false)) {
      ObjectNode result = Json.MAPPER.createObjectNode();
      result.put("path", target.location().toString());
      if (!target.exists()) {
        result.put("exists", false);
        result.putNull("type");
        result.putNull("size");
        result.putNull("modifiedAt");
        return result;
      }
      BasicFileAttributes attrs = target.attributes();
      result.put("exists", true);
      result.put("type", type(attrs));
      result.put("size", size(attrs));
      result.put("modifiedAt", attrs.lastModifiedTime().toMillis());
      return result;
    }
  }

  private JsonNode delete(String userPath) throws TaskFailure, IOException {
    try (SandboxedPath target = sandbox.open(userPath, false, false)) {
      if (target.name() == null || sandbox.isRoot(target.location())) {
        throw TaskFailure.permanent(
            "sandbox", "'" + userPath + "' is a sandbox root; roots cannot be deleted");
      }
      BasicFileAttributes attrs = target.exists() ? target.attributes() : null;
      if (attrs != null && attrs.isSymbolicLink()) {
        throw symlinkTarget(userPath);
      }
      boolean deleted = false;
      try {
        // unlinkat/rmdir relative to the open folder act on the entry itself, never on what a
        // link swapped in since the look points to.
        if (attrs != null && attrs.isDirectory()) {
          target.folder().deleteDirectory(target.name());
          deleted = true;
        } else if (attrs != null) {
          target.folder().deleteFile(target.name());
          deleted = true;
        }
      } catch (NoSuchFileException e) {
        deleted = false; // Removed by someone else meanwhile.
      } catch (DirectoryNotEmptyException e) {
        throw TaskFailure.permanent(
            "not_empty",
            "'" + userPath + "' is a folder that is not empty; delete its entries first");
      }
      ObjectNode result = Json.MAPPER.createObjectNode();
      result.put("path", target.location().toString());
      result.put("deleted", deleted);
      return result;
    }
  }

  /** The entry a write or append goes to, refusing a missing folder, a folder or a link. */
  private static String writable(String userPath, SandboxedPath target, String what)
      throws TaskFailure {
    if (target.missingFolder() != null) {
      throw TaskFailure.permanent(
          "not_found",
          "folder "
              + target.missingFolder()
              + " does not exist; set createDirectories to create it");
    }
    BasicFileAttributes attrs = target.attributes();
    if (target.name() == null || attrs != null && attrs.isDirectory()) {
      throw invalid("'" + userPath + "' is a folder; cannot " + what);
    }
    if (attrs != null && attrs.isSymbolicLink()) {
      throw symlinkTarget(userPath);
    }
    return target.name();
  }

  private static TaskFailure notFound(String userPath, SandboxedPath target) {
    return TaskFailure.permanent(
        "not_found", "'" + userPath + "' does not exist (" + target.location() + ")");
  }

  private static void deleteQuietly(SecureFolder folder, String name) {
    try {
      folder.deleteFile(name);
    } catch (IOException e) {
      // Already renamed into place (the usual case), or never created.
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
