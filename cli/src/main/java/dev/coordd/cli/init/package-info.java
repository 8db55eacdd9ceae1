/**
 * {@code coordd init}: merges coordd's MCP server, its tool approval and the session hooks into
 * agent CLIs' own configuration files (JSON for Claude Code, Gemini CLI and Codex's hooks.json,
 * TOML for Codex's config.toml) without clobbering the user's.
 */
package dev.coordd.cli.init;
