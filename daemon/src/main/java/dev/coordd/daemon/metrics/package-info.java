/**
 * The daemon's metrics: one {@link dev.coordd.daemon.metrics.Metrics} per daemon, owning a
 * Micrometer Prometheus registry, told of task life (created, claimed, finished, leases expired),
 * claim and handler times, store writer commits, and reading the queue and agent gauges at scrape
 * time. Served as Prometheus text at {@code GET /metrics} on the HTTP door.
 */
package dev.coordd.daemon.metrics;
