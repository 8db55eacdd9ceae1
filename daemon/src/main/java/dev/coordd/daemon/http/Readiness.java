package dev.coordd.daemon.http;

import dev.coordd.daemon.store.Store;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the daemon can take work: it is not stopping, and the store's writer commits a
 * transaction within {@link #LIMIT_MILLIS} (an empty one: it goes through the same queue and commit
 * as every write, so a stuck writer or a closed store shows). Thread-safe.
 */
final class Readiness {
  private static final Logger log = LoggerFactory.getLogger(Readiness.class);
  static final long LIMIT_MILLIS = 2_000;

  private final Store store;
  private final BooleanSupplier running;

  Readiness(Store store, BooleanSupplier running) {
    this.store = store;
    this.running = running;
  }

  boolean ready() {
    if (!running.getAsBoolean()) {
      return false;
    }
    try {
      store.writer().submit(tx -> Boolean.TRUE).get(LIMIT_MILLIS, TimeUnit.MILLISECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      log.warn("readiness: the store did not commit within {} ms: {}", LIMIT_MILLIS, e.toString());
      return false;
    }
  }
}
