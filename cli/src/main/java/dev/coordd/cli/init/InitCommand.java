package dev.coordd.cli.init;

import picocli.CommandLine.Command;

/**
 * {@code coordd init claude|codex|gemini}: connects an agent CLI to coordd by merging coordd's
 * entries into that CLI's configuration files. Never clobbers: every other key, server and hook
 * stays; a file coordd cannot read safely is refused untouched (exit 2); an identical entry leaves
 * the file byte for byte as it was; every write is atomic (temp file, fsync, rename).
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description =
        "Connect an agent CLI (Claude Code, Codex, Gemini CLI) to coordd: the MCP server, what"
            + " lets the CLI call its tools without asking, and the SessionStart and SessionEnd"
            + " hooks, in the CLI's own configuration files.",
    subcommands = {ClaudeInit.class, CodexInit.class, GeminiInit.class})
public final class InitCommand {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private InitCommand() {}
}
