package dev.coordd.daemon.store;

import dev.coordd.api.Event;
import dev.coordd.api.Subscription;
import dev.coordd.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Event statements: the event log, per-agent cursors and subscriptions. Every statement is standard
 * SQL (SQLite and PostgreSQL alike), so none lives in the dialects. Topic filters are {@code LIKE}
 * patterns with a backslash escape; they may match more than asked (SQLite's {@code LIKE} ignores
 * ASCII case), so callers decide with their own matcher. Stateless and thread-safe.
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

  private static final String COLUMNS = "seq, topic, data, source, created_at";
  private static final String LIKE = "topic LIKE ? ESCAPE '\\'";

  public EventStore() {}

  /** Appends an event and returns its sequence number. */
  public long insert(
      Tx tx, String topic, String dataJson, String source, long now, boolean rulesPending)
      throws SQLException {
    Long seq =
        tx.queryOne(
            "INSERT INTO events (topic, data, source, created_at, rules_pending)"
                + " VALUES (?, ?, ?, ?, ?) RETURNING seq",
            rs -> rs.getLong(1),
            topic,
            dataJson,
            source,
            now,
            rulesPending ? 1 : 0);
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
    return tx.count("SELECT COALESCE(MAX(seq), 0) FROM events");
  }

  /**
   * Up to {@code limit} events after {@code afterSeq}, oldest first, whose topic is {@code LIKE}
   * one of {@code likes} (null: any topic).
   */
  public List<Event> after(Tx tx, long afterSeq, List<String> likes, int limit)
      throws SQLException {
    List<Object> args = new ArrayList<>();
    args.add(afterSeq);
    String where = topicFilter(likes, args);
    args.add(limit);
    return tx.query(
        "SELECT " + COLUMNS + " FROM events WHERE seq > ?" + where + " ORDER BY seq LIMIT ?",
        EventStore::event,
        args.toArray());
  }

  /** Up to {@code limit} events at or before {@code uptoSeq}, newest first; as {@link #after}. */
  public List<Event> before(Tx tx, long uptoSeq, List<String> likes, int limit)
      throws SQLException {
    List<Object> args = new ArrayList<>();
    args.add(uptoSeq);
    String where = topicFilter(likes, args);
    args.add(limit);
    return tx.query(
        "SELECT " + COLUMNS + " FROM events WHERE seq <= ?" + where + " ORDER BY seq DESC LIMIT ?",
        EventStore::event,
        args.toArray());
  }

  private static String topicFilter(List<String> likes, List<Object> args) {
    if (likes == null) {
      return "";
    }
    if (likes.isEmpty()) {
      return " AND 1 = 0";
    }
    StringBuilder b = new StringBuilder(" AND (");
    for (int i = 0; i < likes.size(); i++) {
      b.append(i == 0 ? "" : " OR ").append(LIKE);
      args.add(likes.get(i));
    }
    return b.append(')').toString();
  }

  /** True when the name is a registered agent, has a cursor or has a subscription. */
  public boolean known(Tx tx, String agent) throws SQLException {
    return tx.count(
            "SELECT (SELECT COUNT(*) FROM agents WHERE name = ?)"
                + " + (SELECT COUNT(*) FROM event_cursors WHERE agent = ?)"
                + " + (SELECT COUNT(*) FROM event_subscriptions WHERE agent = ?)",
            agent,
            agent,
            agent)
        > 0;
  }

  /** The agent's cursor, or null when it has none. */
  public Long cursor(Tx tx, String agent) throws SQLException {
    return tx.queryOne("SELECT seq FROM event_cursors WHERE agent = ?", rs -> rs.getLong(1), agent);
  }

  /** The first event on {@code topic}, or null when there is none. */
  public Long firstSeq(Tx tx, String topic) throws SQLException {
    return tx.queryOne(
        "SELECT MIN(seq) FROM events WHERE topic = ?",
        rs -> {
          long v = rs.getLong(1);
          return rs.wasNull() ? null : v;
        },
        topic);
  }

  /** Gives the agent a cursor at {@code seq} unless it has one. */
  public void ensureCursor(Tx tx, String agent, long seq) throws SQLException {
    tx.update(
        "INSERT INTO event_cursors (agent, seq) VALUES (?, ?) ON CONFLICT DO NOTHING", agent, seq);
  }

  /** Moves the cursor forward to {@code seq} (never back) and returns where it is now. */
  public long ack(Tx tx, String agent, long seq) throws SQLException {
    Long now =
        tx.queryOne(
            "INSERT INTO event_cursors (agent, seq) VALUES (?, ?)"
                + " ON CONFLICT (agent) DO UPDATE SET seq = CASE WHEN excluded.seq > event_cursors.seq"
                + " THEN excluded.seq ELSE event_cursors.seq END RETURNING seq",
            rs -> rs.getLong(1),
            agent,
            seq);
    return now == null ? seq : now;
  }

  /** Adds the subscription unless it exists; returns the row as it is. */
  public SubscriptionRow subscribe(Tx tx, String agent, String pattern, long sinceSeq, long now)
      throws SQLException {
    tx.update(
        "INSERT INTO event_subscriptions (agent, pattern, since_seq, created_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        agent,
        pattern,
        sinceSeq,
        now);
    return tx.queryOne(
        "SELECT * FROM event_subscriptions WHERE agent = ? AND pattern = ?",
        EventStore::subscription,
        agent,
        pattern);
  }

  /** False when there was no such subscription. */
  public boolean unsubscribe(Tx tx, String agent, String pattern) throws SQLException {
    return tx.update(
            "DELETE FROM event_subscriptions WHERE agent = ? AND pattern = ?", agent, pattern)
        > 0;
  }

  public List<SubscriptionRow> subscriptionsOf(Tx tx, String agent) throws SQLException {
    return tx.query(
        "SELECT * FROM event_subscriptions WHERE agent = ? ORDER BY pattern",
        EventStore::subscription,
        agent);
  }

  public List<SubscriptionRow> allSubscriptions(Tx tx) throws SQLException {
    return tx.query(
        "SELECT * FROM event_subscriptions ORDER BY agent, pattern", EventStore::subscription);
  }

  /**
   * Subscriptions of agents that hold events back from retention: signed on and heard from after
   * {@code aliveAfter} (not offline), with each one's cursor (0 when it has none).
   */
  public List<ReaderRow> activeReaders(Tx tx, long aliveAfter) throws SQLException {
    return tx.query(
        "SELECT s.agent, s.pattern, s.since_seq, COALESCE(c.seq, 0)"
            + " FROM event_subscriptions s JOIN agents a ON a.name = s.agent"
            + " LEFT JOIN event_cursors c ON c.agent = s.agent"
            + " WHERE a.signed_off = 0 AND a.last_heartbeat > ?",
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
        "SELECT seq, topic, created_at FROM events WHERE created_at < ?"
            + " AND (created_at > ? OR (created_at = ? AND seq > ?))"
            + " AND seq < ? ORDER BY created_at, seq LIMIT ?",
        rs -> new Candidate(rs.getLong(1), rs.getString(2), rs.getLong(3)),
        cutoff,
        fromCreatedAt,
        fromCreatedAt,
        fromSeq,
        belowSeq,
        limit);
  }

  public int delete(Tx tx, long seq) throws SQLException {
    return tx.update("DELETE FROM events WHERE seq = ?", seq);
  }

  /** Events whose rules have not made their tasks yet, created before {@code before}. */
  public List<Event> rulesPending(Tx tx, long before, int limit) throws SQLException {
    return tx.query(
        "SELECT "
            + COLUMNS
            + " FROM events WHERE rules_pending = 1"
            + " AND created_at < ? ORDER BY created_at, seq LIMIT ?",
        EventStore::event,
        before,
        limit);
  }

  public void rulesDone(Tx tx, long seq) throws SQLException {
    tx.update("UPDATE events SET rules_pending = 0 WHERE seq = ? AND rules_pending = 1", seq);
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
