/**
 * {@code coordd check}: the invocation queue for AI sessions, which works from the files even when
 * no daemon runs (SQLite), and through this machine's daemon in a cluster (PostgreSQL).
 */
package dev.coordd.cli.check;
