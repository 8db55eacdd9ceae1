package dev.coordd.api;

/**
 * A schedule to add: exactly one of {@code cron} (5 fields, in {@code zone}, default UTC) or {@code
 * everyMs}; each slot creates one task from {@code task}.
 *
 * @param misfire what to do with slots missed while no daemon ran: {@code skip} (default) or {@code
 *     run_once} (one task for all of them)
 */
public record ScheduleSpec(
    String name, String cron, Long everyMs, String zone, NewTask task, String misfire) {}
