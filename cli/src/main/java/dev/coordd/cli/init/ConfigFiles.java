package dev.coordd.cli.init;

import dev.coordd.daemon.fs.AtomicFiles;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Reading and writing the agent CLIs' configuration files. */
final class ConfigFiles {
  private ConfigFiles() {}

  /** The file's text, or null when it does not exist. Refuses anything that is not UTF-8 text. */
  static String readIfExists(Path file) throws IOException {
    if (!Files.exists(file)) {
      if (Files.isSymbolicLink(file)) {
        throw new Refused(
            file
                + " is a dangling symbolic link; nothing was changed: point it at a file or"
                + " remove it, then run coordd init again");
      }
      return null;
    }
    if (!Files.isRegularFile(file)) {
      throw new Refused(
          file
              + " is not a regular file; nothing was changed: move it away, then run coordd"
              + " init again");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (CharacterCodingException e) {
      throw new Refused(
          file
              + " is not UTF-8 text; nothing was changed: save it as UTF-8, then run coordd"
              + " init again");
    }
  }

  /**
   * Writes through {@link AtomicFiles} (temp file in the same folder, fsync, rename). A symbolic
   * link is followed, so a linked dotfile stays a link. An existing file keeps its permissions.
   */
  static void writeAtomically(Path file, String content, String newFileMode) throws IOException {
    Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file.toAbsolutePath();
    Files.createDirectories(target.getParent());
    AtomicFiles.replace(
        target,
        content.getBytes(StandardCharsets.UTF_8),
        PosixFilePermissions.fromString(newFileMode.equals("0600") ? "rw-------" : "rw-r--r--"));
  }

  /** A parser's message without the excerpt lines that follow its first. */
  static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
