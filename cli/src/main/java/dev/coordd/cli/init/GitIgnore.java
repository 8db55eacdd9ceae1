package dev.coordd.cli.init;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The coordd home inside a repository holds the queue, the socket, logs and other people's prompts:
 * it must never be committed. {@code init} adds it to the project's {@code .gitignore} (created if
 * missing), once, keeping every line already there.
 */
final class GitIgnore {
  private GitIgnore() {}

  /** The change to {@code <project>/.gitignore}, or null when the home is outside the project. */
  static Change plan(Path project, Path home) throws IOException {
    if (!home.startsWith(project) || home.equals(project)) {
      return null;
    }
    String relative = project.relativize(home).toString().replace('\\', '/');
    Path file = project.resolve(".gitignore");
    String before = ConfigFiles.readIfExists(file);
    String text = before == null ? "" : before;
    if (ignores(text, relative)) {
      return new Change(file, before, text, "0644", "coordd home ignored");
    }
    String after =
        text
            + (text.isEmpty() || text.endsWith("\n") ? "" : "\n")
            + "# coordd's home: the task queue, socket and logs of this machine (private)\n"
            + "/"
            + relative
            + "/\n";
    return new Change(file, before, after, "0644", "coordd home ignored");
  }

  /** True when a line of the file already names the home, in any of the usual spellings. */
  static boolean ignores(String gitignore, String relative) {
    Set<String> spellings = Set.of(relative, relative + "/", "/" + relative, "/" + relative + "/");
    return gitignore.lines().map(String::strip).anyMatch(spellings::contains);
  }
}
