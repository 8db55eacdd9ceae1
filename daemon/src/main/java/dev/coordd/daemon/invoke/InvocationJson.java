package dev.coordd.daemon.invoke;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.coordd.api.CoorddException;
import dev.coordd.api.Invocation;
import dev.coordd.daemon.fs.AtomicFiles;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One invocation file's content: the {@link Invocation} as pretty JSON, written atomically. */
final class InvocationJson {
  private static final Logger log = LoggerFactory.getLogger(InvocationJson.class);

  private InvocationJson() {}

  static void write(Path file, Invocation inv) {
    try {
      AtomicFiles.write(file, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(inv));
    } catch (IOException e) {
      throw new CoorddException("invocations", "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  static Invocation read(Path file) {
    try {
      ObjectNode node = (ObjectNode) Json.MAPPER.readTree(file.toFile());
      return Json.MAPPER.treeToValue(node, Invocation.class);
    } catch (IOException | ClassCastException e) {
      throw new CoorddException(
          "invocations", "unreadable invocation file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The invocations in {@code dir}; an unreadable file is skipped and logged. */
  static List<Invocation> readAll(Path dir) {
    List<Invocation> out = new ArrayList<>();
    for (Path file : InvocationFolders.files(dir)) {
      try {
        out.add(read(file));
      } catch (CoorddException e) {
        log.warn("skipping {}", e.getMessage());
      }
    }
    return out;
  }
}
