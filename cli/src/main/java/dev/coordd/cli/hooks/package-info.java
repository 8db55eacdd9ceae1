/**
 * {@code coordd hook …}: commands that agent CLIs run on their own (Claude Code's SessionStart),
 * which register the session and hand it its pending work as context, and never break the session.
 */
package dev.coordd.cli.hooks;
