/** {@code coordd schedule}: add, list, pause, resume and remove schedules. */
package dev.coordd.cli.schedules;
