package dev.coordd.cli.init;

import java.nio.file.Path;

/**
 * One file coordd init would write. {@code before} is null when the file does not exist; {@code
 * newFileMode} ("0600" or "0644") applies only to a file it creates; {@code what} names coordd's
 * entry in it for the printed line.
 */
record Change(Path file, String before, String after, String newFileMode, String what) {
  boolean changed() {
    return !after.equals(before);
  }

  /** The line printed for this file, e.g. {@code updated .mcp.json (MCP server coordd)}. */
  String report(String shownPath, boolean dryRun) {
    String status =
        !changed()
            ? "unchanged"
            : dryRun
                ? (before == null ? "would create" : "would update")
                : before == null ? "created" : "updated";
    return status + " " + shownPath + (what == null ? "" : " (" + what + ")");
  }
}
