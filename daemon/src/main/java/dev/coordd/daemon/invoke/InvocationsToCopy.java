package dev.coordd.daemon.invoke;

import dev.coordd.api.CoorddException;
import dev.coordd.api.Invocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Every invocation file of a home ({@code pending/}, {@code processing/} and the kept {@code
 * archive/}), for {@code coordd store copy}: in a cluster they live in the store's table, so the
 * copy moves them there with the rest. Read strictly, unlike the daemon's listing (which skips a
 * bad file and goes on): a copy that silently dropped one would lose its task's agent work, so an
 * unreadable file stops the copy with its name. The files are only read.
 */
public final class InvocationsToCopy {
  private InvocationsToCopy() {}

  /** The home's invocations, oldest first, each with the state its folder gives it. */
  public static List<Invocation> read(Path home) {
    InvocationFolders folders = new InvocationFolders(home.resolve("invocations"));
    List<Invocation> all = new ArrayList<>();
    for (Path file : InvocationFolders.files(folders.pending())) {
      all.add(inFolder(file, Invocation.PENDING));
    }
    for (Path file : InvocationFolders.files(folders.processing())) {
      all.add(inFolder(file, Invocation.PROCESSING));
    }
    for (Path file : InvocationFolders.files(folders.archive())) {
      all.add(inFolder(file, null));
    }
    all.sort(Comparator.comparingLong(Invocation::createdAt).thenComparing(Invocation::id));
    return all;
  }

  /**
   * The file's invocation in the state its folder says: the folder is the truth (a rename moves
   * it), the status inside is written just after. An open one is read as its folder's state; an
   * archived one still open inside was caught between its finish's rename and its outcome, which is
   * lost, so it arrives failed with that said.
   */
  private static Invocation inFolder(Path file, String folderStatus) {
    Invocation inv = readChecked(file);
    boolean open =
        Invocation.PENDING.equals(inv.status()) || Invocation.PROCESSING.equals(inv.status());
    if (folderStatus != null) {
      return folderStatus.equals(inv.status())
          ? inv
          : with(inv, folderStatus, inv.finishedAt(), inv.error());
    }
    if (!open) {
      return inv.finishedAt() != null ? inv : with(inv, inv.status(), modified(file), inv.error());
    }
    return with(
        inv,
        Invocation.FAILED,
        modified(file),
        "its finish was interrupted before the outcome was written (found in archive/ by store"
            + " copy)");
  }

  private static Invocation readChecked(Path file) {
    Invocation inv;
    try {
      inv = InvocationJson.read(file);
    } catch (CoorddException e) {
      throw unusable(file, e.getMessage());
    }
    String name = file.getFileName().toString();
    String stem = name.substring(0, name.length() - ".json".length());
    if (!stem.equals(inv.id())) {
      throw unusable(file, "its id is '" + inv.id() + "', not the file's name " + stem);
    }
    for (String[] field :
        new String[][] {
          {"taskId", inv.taskId()},
          {"agentType", inv.agentType()},
          {"command", inv.command()},
          {"status", inv.status()}
        }) {
      if (field[1] == null) {
        throw unusable(file, "it has no " + field[0]);
      }
    }
    if (inv.createdAt() <= 0) {
      throw unusable(file, "it has no createdAt");
    }
    return inv;
  }

  private static IllegalArgumentException unusable(Path file, String why) {
    return new IllegalArgumentException(
        "the invocation file "
            + file
            + " cannot be copied ("
            + why
            + "), so nothing was copied; restore it, or move it out of invocations/ if it is not"
            + " a coordd invocation, then copy again");
  }

  private static long modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new CoorddException(
          "invocations", "cannot read " + file + " for the copy: " + e.getMessage(), e);
    }
  }

  private static Invocation with(Invocation i, String status, Long finishedAt, String error) {
    return new Invocation(
        i.id(),
        i.taskId(),
        i.agentType(),
        i.command(),
        i.context(),
        status,
        i.createdAt(),
        i.expiresAt(),
        i.takenBy(),
        i.takenAt(),
        finishedAt,
        i.result(),
        error);
  }
}
