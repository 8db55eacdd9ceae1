package dev.coordd.bench.peers;

/**
 * The shape of the load, the same for every system where it applies.
 *
 * @param connections client connections to a coordd daemon
 * @param inFlight single creates awaiting their answer per connection (pipelined requests)
 * @param batch tasks per batch create (coordd's createTasks, the peers' batch APIs)
 * @param workers handlers running at once: coordd's concurrency, the peers' worker threads
 * @param claimBatch tasks per external batch claim (coordd's claimTasks max)
 * @param daemonWarmup tasks a coordd daemon runs through every path before it is measured: the
 *     peers run in the benchmark's JVM, whose JIT the warm-up rounds have warmed, while each coordd
 *     measurement starts a new process
 */
public record Load(
    int connections, int inFlight, int batch, int workers, int claimBatch, int daemonWarmup) {}
