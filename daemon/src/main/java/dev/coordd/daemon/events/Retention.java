package dev.coordd.daemon.events;

import dev.coordd.daemon.config.DaemonConfig;
import dev.coordd.daemon.engine.Engine;
import dev.coordd.daemon.store.EventStore;
import dev.coordd.daemon.store.EventStore.Candidate;
import dev.coordd.daemon.store.EventStore.ReaderRow;
import dev.coordd.daemon.store.Store;
import dev.coordd.daemon.store.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retention, a housekeeping chore: deletes events past retention that no active subscriber still
 * needs, and has the rules of events whose tasks a stopped daemon never made run again. Cheap: at
 * most one pass per {@value #PAUSE_MS} ms of clock time, each an indexed look at the oldest events,
 * in batches.
 *
 * <p>An event is kept while it is younger than the retention, while it is the newest event (so the
 * sequence never goes back), and while some active subscriber has not acknowledged it and receives
 * it (its topic matches one of the subscriber's patterns, or is its own topic). An active
 * subscriber is an agent with subscriptions that is not offline: one silent longer than {@code
 * offlineAfter}, or signed off, holds nothing back, so it cannot keep events forever.
 *
 * <p>Thread-safe: passes never overlap (one that finds another running returns).
 */
final class Retention {
  /** After a full pass, the next one starts no sooner than this (clock time). */
  static final long PAUSE_MS = 10_000;

  private static final int BATCH = 5_000;
  private static final Logger log = LoggerFactory.getLogger(Retention.class);

  /** An agent that holds events back: what it receives, after its cursor. */
  private record Reader(long cursor, EventFilter filter) {}

  private record Result(int deleted, int scanned, long lastCreatedAt, long lastSeq) {}

  private final Engine engine;
  private final Store store;
  private final Clock clock;
  private final EventStore events;
  private final RuleRunner rules;
  private final long retentionMs;

  private final ReentrantLock passLock = new ReentrantLock();
  private long nextPassAt = Long.MIN_VALUE; // guarded by passLock, as are the two below
  private long fromCreatedAt = Long.MIN_VALUE;
  private long fromSeq = 0;

  /**
   * @param retention events older than this are deleted unless an active subscriber still needs
   *     them; null means the default
   */
  Retention(Engine engine, EventStore events, RuleRunner rules, Duration retention) {
    this.engine = engine;
    this.store = engine.store();
    this.clock = engine.clock();
    this.events = events;
    this.rules = rules;
    this.retentionMs =
        (retention == null ? DaemonConfig.DEFAULT_EVENT_RETENTION : retention).toMillis();
  }

  void prune() {
    if (!passLock.tryLock()) {
      return; // a pass is running
    }
    try {
      long now = clock.millis();
      if (now < nextPassAt) {
        return;
      }
      rules.retryPending(now);
      long cutoff = now - retentionMs;
      long aliveAfter = now - engine.config().offlineAfter().toMillis();
      long fromAt = fromCreatedAt;
      long from = fromSeq;
      Result r = store.writer().execute(tx -> batch(tx, cutoff, aliveAfter, fromAt, from));
      if (r.scanned() == BATCH) {
        fromCreatedAt = r.lastCreatedAt(); // more to look at: go on next round
        fromSeq = r.lastSeq();
      } else {
        fromCreatedAt = Long.MIN_VALUE;
        fromSeq = 0;
        nextPassAt = now + PAUSE_MS;
      }
      if (r.deleted() > 0) {
        log.debug("retention deleted {} of {} old events", r.deleted(), r.scanned());
      }
    } finally {
      passLock.unlock();
    }
  }

  /** One batch, inside the writer, so no ack or subscription changes under the decision. */
  private Result batch(Tx tx, long cutoff, long aliveAfter, long fromCreatedAt, long fromSeq)
      throws SQLException {
    long latest = events.latestSeq(tx);
    List<Candidate> old = events.pruneCandidates(tx, cutoff, fromCreatedAt, fromSeq, latest, BATCH);
    if (old.isEmpty()) {
      return new Result(0, 0, fromCreatedAt, fromSeq);
    }
    List<Reader> readers = readers(events.activeReaders(tx, aliveAfter));
    int deleted = 0;
    for (Candidate c : old) {
      if (!needed(readers, c)) {
        deleted += events.delete(tx, c.seq());
      }
    }
    Candidate last = old.getLast();
    return new Result(deleted, old.size(), last.createdAt(), last.seq());
  }

  private static List<Reader> readers(List<ReaderRow> rows) {
    Map<String, List<ReaderRow>> byAgent = new LinkedHashMap<>();
    rows.forEach(r -> byAgent.computeIfAbsent(r.agent(), k -> new ArrayList<>()).add(r));
    List<Reader> out = new ArrayList<>();
    byAgent.forEach(
        (agent, list) -> {
          List<EventFilter.Sub> subs = new ArrayList<>();
          list.forEach(
              r ->
                  subs.add(
                      new EventFilter.Sub(
                          TopicPattern.parse("pattern", r.pattern()), r.sinceSeq())));
          out.add(
              new Reader(
                  list.get(0).cursor(), EventFilter.of(TopicPattern.directTopic(agent), subs)));
        });
    return out;
  }

  private static boolean needed(List<Reader> readers, Candidate c) {
    for (Reader r : readers) {
      if (c.seq() > r.cursor() && r.filter().test(c.seq(), c.topic())) {
        return true;
      }
    }
    return false;
  }
}
