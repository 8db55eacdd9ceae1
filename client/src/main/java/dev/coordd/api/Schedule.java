package dev.coordd.api;

/**
 * A schedule as stored. {@code source} is {@code config} for schedules from the configuration file
 * and {@code api} for those added at run time.
 */
public record Schedule(
    String name,
    String cron,
    Long everyMs,
    String zone,
    NewTask task,
    String misfire,
    boolean paused,
    Long nextRunAt,
    Long lastRunAt,
    String lastTaskId,
    String source,
    long createdAt) {}
