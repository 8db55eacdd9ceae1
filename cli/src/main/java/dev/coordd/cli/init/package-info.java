/**
 * {@code coordd init}: merges coordd's MCP server and hooks into agent CLIs' own configuration
 * files (JSON for Claude Code and Gemini CLI, TOML for Codex) without clobbering the user's.
 */
package dev.coordd.cli.init;
