/**
 * {@code coordd hook …}: commands that agent CLIs run on their own (the SessionStart and SessionEnd
 * hooks of Claude Code, Codex and Gemini CLI), which register the session as {@code
 * ROLE@<session>}, hand it what waits for it as context, sign it off at the end, and never break
 * the session.
 */
package dev.coordd.cli.hooks;
