/**
 * {@code coordd doctor}: checks a home without changing it (the home, socket and pid file, store,
 * configuration, programs on the PATH, disk, clock, logs), one class per area, and says for each
 * problem how to fix it. Works with no daemon running; the store is opened read-only.
 */
package dev.coordd.cli.doctor;
