/**
 * {@code coordd check}: the invocation queue for AI sessions, which works from the files even when
 * no daemon runs.
 */
package dev.coordd.cli.check;
