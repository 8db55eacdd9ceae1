package dev.coordd.cli.mcp;

import static dev.coordd.cli.mcp.ToolSchemas.bool;
import static dev.coordd.cli.mcp.ToolSchemas.duration;
import static dev.coordd.cli.mcp.ToolSchemas.props;
import static dev.coordd.cli.mcp.ToolSchemas.str;

import java.util.List;

/** The lock tools: lease a resource and release it. */
final class LockTools {
  static final int MAX_LOCK_SECONDS = 7 * 24 * 3600;
  static final long DEFAULT_LOCK_MS = 5 * 60_000;

  private LockTools() {}

  static final List<ToolDef> DEFS =
      List.of(
          ToolDef.of(
              "lock_acquire",
              "Lease a resource (path, glob, name) for agent; fails naming the holder.",
              List.of("resource", "agent"),
              props(
                  "resource",
                  str(),
                  "agent",
                  str(),
                  "ttl",
                  props("type", "string", "description", "e.g. 10m; default 5m"),
                  "shared",
                  bool(),
                  "wait",
                  duration()),
              (a, s) ->
                  s.acquireLock(
                      a.requiredString("resource"),
                      a.requiredString("agent"),
                      orElse(a.duration("ttl", MAX_LOCK_SECONDS), DEFAULT_LOCK_MS),
                      a.bool("shared"),
                      orElse(a.duration("wait", CoorddTools.MAX_WAIT_SECONDS), 0L))),
          ToolDef.of(
              "lock_release",
              "Release a resource lease the agent holds.",
              List.of("resource", "agent"),
              props("resource", str(), "agent", str()),
              (a, s) -> {
                s.releaseLock(a.requiredString("resource"), a.requiredString("agent"));
                return "released " + a.requiredString("resource");
              }));

  private static long orElse(Long value, long fallback) {
    return value == null ? fallback : value;
  }
}
