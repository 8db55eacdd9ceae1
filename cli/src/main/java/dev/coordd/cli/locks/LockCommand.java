package dev.coordd.cli.locks;

import dev.coordd.api.Lock;
import dev.coordd.cli.Common;
import dev.coordd.cli.Output;
import dev.coordd.cli.console.Tables;
import dev.coordd.client.CoorddClient;
import dev.coordd.daemon.locks.Locks;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code coordd lock acquire|release|list}: leases on files, globs or any name, so that agents do
 * not step on each other. A refused acquire exits 1 and says who holds the resource until when.
 */
@Command(
    name = "lock",
    mixinStandardHelpOptions = true,
    description = "Reserve resources (files, globs like src/**, any name) between agents.",
    subcommands = {
      LockCommand.Acquire.class,
      LockCommand.Release.class,
      LockCommand.ListLocks.class
    })
public final class LockCommand {

  @Command(
      name = "acquire",
      mixinStandardHelpOptions = true,
      description = {
        "Take an exclusive (or shared) lease on RESOURCE, or renew your own.",
        "Globs (* ? ** [..] {a,b}) conflict with the names they match and with globs whose"
            + " text before the first wildcard overlaps; a glob may hold at most "
            + Locks.MAX_GLOB_WILDCARDS
            + " wildcards and "
            + Locks.MAX_GLOB_ALTERNATIVES
            + " {..} alternatives. The lease ends at its TTL, on release, or when AGENT"
            + " stops sending heartbeats."
      })
  public static final class Acquire implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESOURCE")
    String resource;

    @Option(
        names = "--agent",
        required = true,
        paramLabel = "NAME",
        description = "Who holds the lease.")
    String agent;

    @Option(
        names = "--ttl",
        paramLabel = "DUR",
        defaultValue = "5m",
        converter = LeaseDurations.Ttl.class,
        description = "How long the lease lasts unless renewed (default 5m, at most 7d).")
    Duration ttl;

    @Option(
        names = "--shared",
        description =
            "A shared lease: others may share it too, nobody"
                + " may hold it exclusively meanwhile.")
    boolean shared;

    @Option(
        names = "--wait",
        paramLabel = "DUR",
        defaultValue = "0s",
        converter = LeaseDurations.Wait.class,
        description =
            "When others hold it, wait this long for it (default: answer at once; at most"
                + " 3650d).")
    Duration wait;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        Lock lock = client.acquireLock(resource, agent, ttl.toMillis(), shared, wait.toMillis());
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
          Output.json(out, lock);
        } else {
          out.println(
              lock.holder()
                  + " holds "
                  + lock.resource()
                  + " "
                  + mode(lock)
                  + " until "
                  + Instant.ofEpochMilli(lock.expiresAt()));
          out.flush();
        }
        return 0;
      }
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description = "Give up AGENT's lease on RESOURCE; refused for anyone but its holder.")
  public static final class Release implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESOURCE")
    String resource;

    @Option(names = "--agent", required = true, paramLabel = "NAME")
    String agent;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        client.releaseLock(resource, agent);
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
          Output.json(out, Map.of("resource", resource, "agent", agent, "released", true));
        } else {
          out.println(agent + " released " + resource);
          out.flush();
        }
        return 0;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Live leases: resource, holder, mode and time left.")
  public static final class ListLocks implements Callable<Integer> {
    @Mixin Common common;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try (CoorddClient client = common.connect()) {
        List<Lock> locks = client.listLocks();
        PrintWriter out = spec.commandLine().getOut();
        if (common.json) {
          Output.json(out, locks);
          return 0;
        }
        if (locks.isEmpty()) {
          out.println("no locks");
        } else {
          long now = System.currentTimeMillis();
          List<List<String>> rows = new ArrayList<>();
          for (Lock l : locks) {
            rows.add(List.of(l.resource(), l.holder(), mode(l), left(l.expiresAt(), now)));
          }
          out.print(Tables.render(List.of("RESOURCE", "HOLDER", "MODE", "EXPIRES IN"), rows));
        }
        out.flush();
        return 0;
      }
    }
  }

  static String mode(Lock lock) {
    return lock.shared() ? "shared" : "exclusive";
  }

  /** "5m", "42s"; "now" once it is due (the daemon's sweep is about to drop it). */
  static String left(long expiresAt, long now) {
    String ago = Tables.ago(expiresAt, now);
    return ago.startsWith("in ") ? ago.substring(3) : "now";
  }
}
