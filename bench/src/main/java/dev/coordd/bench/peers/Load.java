package dev.coordd.bench.peers;

/** The shape of the load, the same for every system. */
public record Load(int connections, int threads, int workers, int claimBatch) {}
