package dev.coordd.daemon.builtin;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Deque;

/**
 * Where a user path led inside the sandbox: the open {@link #folder()} holding its last entry, that
 * entry's {@link #name()} and what was there when it was looked at. Operations act on the entry
 * relative to the open folder, so nothing is re-resolved by path. Closing this closes every folder
 * opened on the way.
 *
 * @param opened the folders opened on the way, innermost first; the innermost is {@link #folder()}
 * @param name the last entry, or null when the path is the folder itself (a root, or a link's
 *     target ending in {@code .})
 * @param attributes the entry's own attributes (a link shows as a link), or the folder's when
 *     {@code name} is null; null when nothing is there
 * @param location where the entry is, for messages and results
 * @param missingFolder the first folder on the way that does not exist, or null when all do (then
 *     the entry sits in {@link #folder()})
 */
record SandboxedPath(
    Deque<SecureFolder> opened,
    String name,
    BasicFileAttributes attributes,
    Path location,
    Path missingFolder)
    implements Closeable {

  SecureFolder folder() {
    return opened.peek();
  }

  boolean exists() {
    return missingFolder == null && attributes != null;
  }

  @Override
  public void close() throws IOException {
    IOException failure = null;
    while (!opened.isEmpty()) {
      try {
        opened.pop().close();
      } catch (IOException e) {
        failure = e;
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
