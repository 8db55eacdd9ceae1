package dev.coordd.daemon.store;

import java.util.Collections;

/**
 * Event statements in standard SQL: the event log, per-agent cursors and subscriptions. Topic
 * filters are {@code LIKE} patterns with a backslash escape.
 */
class EventSql {
  private static final String COLUMNS = "seq, topic, data, source, created_at";
  private static final String LIKE = "topic LIKE ? ESCAPE '\\'";

  /** Parameters: topic, data, source, created_at, rules_pending. */
  String insert() {
    return "INSERT INTO events (topic, data, source, created_at, rules_pending)"
        + " VALUES (?, ?, ?, ?, ?) RETURNING seq";
  }

  String latestSeq() {
    return "SELECT COALESCE(MAX(seq), 0) FROM events";
  }

  /** Parameters: after seq, one pattern per {@code likes}, limit. */
  String after(int likes) {
    return "SELECT "
        + COLUMNS
        + " FROM events WHERE seq > ?"
        + topicFilter(likes)
        + " ORDER BY seq LIMIT ?";
  }

  /** Parameters: up to seq, one pattern per {@code likes}, limit. */
  String before(int likes) {
    return "SELECT "
        + COLUMNS
        + " FROM events WHERE seq <= ?"
        + topicFilter(likes)
        + " ORDER BY seq DESC LIMIT ?";
  }

  /** Negative: any topic; zero: none. */
  private static String topicFilter(int likes) {
    if (likes < 0) {
      return "";
    }
    if (likes == 0) {
      return " AND 1 = 0";
    }
    return " AND (" + String.join(" OR ", Collections.nCopies(likes, LIKE)) + ")";
  }

  /** Parameters: agent, agent, agent. */
  String known() {
    return "SELECT (SELECT COUNT(*) FROM agents WHERE name = ?)"
        + " + (SELECT COUNT(*) FROM event_cursors WHERE agent = ?)"
        + " + (SELECT COUNT(*) FROM event_subscriptions WHERE agent = ?)";
  }

  String cursor() {
    return "SELECT seq FROM event_cursors WHERE agent = ?";
  }

  String firstSeq() {
    return "SELECT MIN(seq) FROM events WHERE topic = ?";
  }

  String ensureCursor() {
    return "INSERT INTO event_cursors (agent, seq) VALUES (?, ?) ON CONFLICT DO NOTHING";
  }

  /** Moves a cursor forward only. Parameters: agent, seq. */
  String ack() {
    return "INSERT INTO event_cursors (agent, seq) VALUES (?, ?)"
        + " ON CONFLICT (agent) DO UPDATE SET seq = CASE WHEN excluded.seq > event_cursors.seq"
        + " THEN excluded.seq ELSE event_cursors.seq END RETURNING seq";
  }

  String subscribe() {
    return "INSERT INTO event_subscriptions (agent, pattern, since_seq, created_at)"
        + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING";
  }

  String subscription() {
    return "SELECT * FROM event_subscriptions WHERE agent = ? AND pattern = ?";
  }

  String unsubscribe() {
    return "DELETE FROM event_subscriptions WHERE agent = ? AND pattern = ?";
  }

  String subscriptionsOf() {
    return "SELECT * FROM event_subscriptions WHERE agent = ? ORDER BY pattern";
  }

  String allSubscriptions() {
    return "SELECT * FROM event_subscriptions ORDER BY agent, pattern";
  }

  /** Parameters: alive after. */
  String activeReaders() {
    return "SELECT s.agent, s.pattern, s.since_seq, COALESCE(c.seq, 0)"
        + " FROM event_subscriptions s JOIN agents a ON a.name = s.agent"
        + " LEFT JOIN event_cursors c ON c.agent = s.agent"
        + " WHERE a.signed_off = FALSE AND a.last_heartbeat > ?";
  }

  /** Parameters: cutoff, from created_at, from created_at, from seq, below seq, limit. */
  String pruneCandidates() {
    return "SELECT seq, topic, created_at FROM events WHERE created_at < ?"
        + " AND (created_at > ? OR (created_at = ? AND seq > ?))"
        + " AND seq < ? ORDER BY created_at, seq LIMIT ?";
  }

  String delete() {
    return "DELETE FROM events WHERE seq = ?";
  }

  /** Parameters: created before, limit. */
  String rulesPending() {
    return "SELECT "
        + COLUMNS
        + " FROM events WHERE rules_pending = TRUE"
        + " AND created_at < ? ORDER BY created_at, seq LIMIT ?";
  }

  String rulesDone() {
    return "UPDATE events SET rules_pending = FALSE WHERE seq = ? AND rules_pending = TRUE";
  }
}
