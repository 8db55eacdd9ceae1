/**
 * The task handlers the daemon ships: {@code file_operation} (sandboxed to the configured roots),
 * {@code coordination} barriers, and command handlers from the configuration. {@code PathSandbox}
 * walks a task's path from an open root one folder at a time ({@code SecureFolder}, openat-style),
 * so a folder swapped for a link cannot lead a request outside the roots.
 */
package dev.coordd.daemon.builtin;
