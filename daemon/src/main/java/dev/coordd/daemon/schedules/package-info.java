/**
 * Cron and interval schedules: what a valid schedule is ({@code ScheduleSpecs}), its cron
 * expressions, and the {@code Scheduler} that creates one task per slot.
 */
package dev.coordd.daemon.schedules;
