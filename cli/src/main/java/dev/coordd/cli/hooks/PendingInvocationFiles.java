package dev.coordd.cli.hooks;

import dev.coordd.api.Invocation;
import dev.coordd.cli.check.ClusterInvocations;
import dev.coordd.internal.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pending invocations read straight from {@code <home>/invocations/pending}, for when no daemon
 * answers: the session still learns what waits for an AI agent.
 */
final class PendingInvocationFiles {
  /** Why a cluster home shows no invocations while its daemon does not answer. */
  static final String CLUSTER_NOTE =
      "this home's store is PostgreSQL (cluster mode): pending invocations are in the shared"
          + " database and are listed once this machine's daemon answers";

  private PendingInvocationFiles() {}

  /**
   * Pending invocation files, oldest first; unreadable or expired ones are skipped. None in a
   * cluster home (PostgreSQL store): its invocations are in the shared database, which only the
   * daemon reads, and leftover files would be stale.
   */
  static List<Invocation> read(Path home, PrintWriter err) {
    if (ClusterInvocations.inDatabase(home)) {
      err.println("coordd: " + CLUSTER_NOTE);
      return new ArrayList<>();
    }
    Path dir = home.resolve("invocations").resolve("pending");
    List<Invocation> found = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return found;
    }
    long now = System.currentTimeMillis();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path file : files) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith(".") || !Files.isRegularFile(file)) {
          continue; // a temp file being written, or something that is not ours
        }
        try {
          Invocation inv = Json.MAPPER.readValue(file.toFile(), Invocation.class);
          if (inv.expiresAt() != null && inv.expiresAt() < now) {
            continue;
          }
          if (inv.id() == null) {
            inv = withId(inv, fileName.substring(0, fileName.length() - ".json".length()));
          }
          found.add(inv);
        } catch (IOException | RuntimeException e) {
          err.println(
              "coordd: skipping unreadable invocation file " + file + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      err.println("coordd: cannot list " + dir + ": " + e.getMessage());
    }
    found.sort(Comparator.comparingLong(Invocation::createdAt).thenComparing(Invocation::id));
    return found;
  }

  /** A file without an id is named for it. */
  private static Invocation withId(Invocation inv, String id) {
    return new Invocation(
        id,
        inv.taskId(),
        inv.agentType(),
        inv.command(),
        inv.context(),
        inv.status(),
        inv.createdAt(),
        inv.expiresAt(),
        inv.takenBy(),
        inv.takenAt(),
        inv.finishedAt(),
        inv.result(),
        inv.error());
  }
}
