package dev.coordd.api;

/**
 * A task type's queue: paused or not, its concurrency limit (null: none), and how many of its tasks
 * run and wait now. Every claimer, the daemon's workers and external agents alike, honours the
 * pause and the limit.
 */
public record QueueState(
    String type, boolean paused, Integer maxConcurrency, long running, long queued) {}
