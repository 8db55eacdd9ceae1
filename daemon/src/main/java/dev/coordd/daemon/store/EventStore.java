package dev.coordd.daemon.store;

import dev.coordd.api.Event;
import dev.coordd.api.Subscription;
import dev.coordd.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Event steps: the event log, per-agent cursors and subscriptions, with the SQL of the
 * transaction's dialect ({@link EventSql}). Topic filters are {@code LIKE} patterns with a
 * backslash escape; they may match more than asked (SQLite's {@code LIKE} ignores ASCII case), so
 * callers decide with their own matcher. Stateless and thread-safe.
 */
public final class EventStore {
  /** A subscription row: {@code sinceSeq} is the newest event when it was made. */
  public record SubscriptionRow(String agent, String pattern, long sinceSeq, long createdAt) {
    public Subscription toSubscription() {
      return new Subscription(agent, pattern, createdAt);
    }
  }

  /** A subscription of an agent that counts for retention, with the agent's cursor. */
  public record ReaderRow(String agent, String pattern, long sinceSeq, long cursor) {}

  /** An event considered for deletion. */
  public record Candidate(long seq, String topic, long createdAt) {}

  public EventStore() {}

  /** Appends an event and returns its sequence number. */
  public long insert(
      Tx tx, String topic, String dataJson, String source, long now, boolean rulesPending)
      throws SQLException {
    Long seq =
        tx.queryOne(
            tx.sql().events().insert(),
            rs -> rs.getLong(1),
            topic,
            dataJson,
            Tx.text(source),
            now,
            rulesPending);
    if (seq == null) {
      throw new SQLException("inserting an event returned no sequence number");
    }
    return seq;
  }

  /**
   * The newest sequence number there is (0 when there never was an event). Retention never deletes
   * the newest event, so this is also the newest ever handed out.
   */
  public long latestSeq(Tx tx) throws SQLException {
    return tx.count(tx.sql().events().latestSeq());
  }

  /**
   * Up to {@code limit} events after {@code afterSeq}, oldest first, whose topic is {@code LIKE}
   * one of {@code likes} (null: any topic).
   */
  public List<Event> after(Tx tx, long afterSeq, List<String> likes, int limit)
      throws SQLException {
    return tx.query(
        tx.sql().events().after(likes == null ? -1 : likes.size()),
        EventStore::event,
        args(afterSeq, likes, limit));
  }

  /** Up to {@code limit} events at or before {@code uptoSeq}, newest first; as {@link #after}. */
  public List<Event> before(Tx tx, long uptoSeq, List<String> likes, int limit)
      throws SQLException {
    return tx.query(
        tx.sql().events().before(likes == null ? -1 : likes.size()),
        EventStore::event,
        args(uptoSeq, likes, limit));
  }

  private static Object[] args(long seq, List<String> likes, int limit) {
    List<Object> args = new ArrayList<>();
    args.add(seq);
    if (likes != null) {
      args.addAll(likes);
    }
    args.add(limit);
    return args.toArray();
  }

  /** True when the name is a registered agent, has a cursor or has a subscription. */
  public boolean known(Tx tx, String agent) throws SQLException {
    return tx.count(tx.sql().events().known(), agent, agent, agent) > 0;
  }

  /** The agent's cursor, or null when it has none. */
  public Long cursor(Tx tx, String agent) throws SQLException {
    return tx.queryOne(tx.sql().events().cursor(), rs -> rs.getLong(1), agent);
  }

  /** The first event on {@code topic}, or null when there is none. */
  public Long firstSeq(Tx tx, String topic) throws SQLException {
    return tx.queryOne(
        tx.sql().events().firstSeq(),
        rs -> {
          long v = rs.getLong(1);
          return rs.wasNull() ? null : v;
        },
        topic);
  }

  /** Gives the agent a cursor at {@code seq} unless it has one. */
  public void ensureCursor(Tx tx, String agent, long seq) throws SQLException {
    tx.update(tx.sql().events().ensureCursor(), agent, seq);
  }

  /** Moves the cursor forward to {@code seq} (never back) and returns where it is now. */
  public long ack(Tx tx, String agent, long seq) throws SQLException {
    Long now = tx.queryOne(tx.sql().events().ack(), rs -> rs.getLong(1), agent, seq);
    return now == null ? seq : now;
  }

  /** Adds the subscription unless it exists; returns the row as it is. */
  public SubscriptionRow subscribe(Tx tx, String agent, String pattern, long sinceSeq, long now)
      throws SQLException {
    tx.update(tx.sql().events().subscribe(), agent, pattern, sinceSeq, now);
    return tx.queryOne(tx.sql().events().subscription(), EventStore::subscription, agent, pattern);
  }

  /** False when there was no such subscription. */
  public boolean unsubscribe(Tx tx, String agent, String pattern) throws SQLException {
    return tx.update(tx.sql().events().unsubscribe(), agent, pattern) > 0;
  }

  public List<SubscriptionRow> subscriptionsOf(Tx tx, String agent) throws SQLException {
    return tx.query(tx.sql().events().subscriptionsOf(), EventStore::subscription, agent);
  }

  public List<SubscriptionRow> allSubscriptions(Tx tx) throws SQLException {
    return tx.query(tx.sql().events().allSubscriptions(), EventStore::subscription);
  }

  /**
   * Subscriptions of agents that hold events back from retention: signed on and heard from after
   * {@code aliveAfter} (not offline), with each one's cursor (0 when it has none).
   */
  public List<ReaderRow> activeReaders(Tx tx, long aliveAfter) throws SQLException {
    return tx.query(
        tx.sql().events().activeReaders(),
        rs -> new ReaderRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)),
        aliveAfter);
  }

  /**
   * Up to {@code limit} events created before {@code cutoff} and older than the newest, in
   * (created_at, seq) order after the position ({@code fromCreatedAt}, {@code fromSeq}).
   */
  public List<Candidate> pruneCandidates(
      Tx tx, long cutoff, long fromCreatedAt, long fromSeq, long belowSeq, int limit)
      throws SQLException {
    return tx.query(
        tx.sql().events().pruneCandidates(),
        rs -> new Candidate(rs.getLong(1), rs.getString(2), rs.getLong(3)),
        cutoff,
        fromCreatedAt,
        fromCreatedAt,
        fromSeq,
        belowSeq,
        limit);
  }

  public int delete(Tx tx, long seq) throws SQLException {
    return tx.update(tx.sql().events().delete(), seq);
  }

  /** Events whose rules have not made their tasks yet, created before {@code before}. */
  public List<Event> rulesPending(Tx tx, long before, int limit) throws SQLException {
    return tx.query(tx.sql().events().rulesPending(), EventStore::event, before, limit);
  }

  public void rulesDone(Tx tx, long seq) throws SQLException {
    tx.update(tx.sql().events().rulesDone(), seq);
  }

  private static Event event(ResultSet rs) throws SQLException {
    return new Event(
        rs.getLong("seq"),
        rs.getString("topic"),
        Json.read(rs.getString("data")),
        rs.getString("source"),
        rs.getLong("created_at"));
  }

  private static SubscriptionRow subscription(ResultSet rs) throws SQLException {
    return new SubscriptionRow(
        rs.getString("agent"),
        rs.getString("pattern"),
        rs.getLong("since_seq"),
        rs.getLong("created_at"));
  }
}
