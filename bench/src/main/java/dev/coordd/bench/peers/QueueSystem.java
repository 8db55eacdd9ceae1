package dev.coordd.bench.peers;

import dev.coordd.bench.StoreTarget;
import java.nio.file.Path;

/**
 * A queue measured by latency and throughput: coordd or a peer. Every call sets up its own system
 * on the fresh store it is given, measures, and tears it down, so runs share nothing.
 */
public interface QueueSystem {
  String name();

  /**
   * Creates {@code n} no-op tasks one at a time, {@code rate} per second (the system idles between
   * them), and returns each one's time from just before its create to its handler's start, in ms.
   */
  double[] latencyMillis(StoreTarget store, Path dir, int n, double rate) throws Exception;

  /**
   * Acknowledged creates per second of {@code n} tasks that nothing runs meanwhile, made with the
   * system's batch create (coordd: {@code createTasks}; the peers: their own bulk API).
   */
  double batchCreatesPerSecond(StoreTarget store, Path dir, int n) throws Exception;

  /**
   * Tasks per second from the first create to the last completion recorded in the store, {@code n}
   * no-op tasks created with the system's batch create and run by its own workers.
   */
  double endToEndPerSecond(StoreTarget store, Path dir, int n) throws Exception;

  /** How this system was driven, for the report. */
  String method();
}
