/**
 * File-system helpers every writer of files in the home shares: atomic, fsynced, private writes and
 * renames.
 */
package dev.coordd.daemon.fs;
