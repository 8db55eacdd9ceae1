package dev.coordd.daemon.events;

import dev.coordd.daemon.store.EventStore.SubscriptionRow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one reader receives: its own topic ({@code agent.<name>}), and its patterns for events after
 * each one's starting point. {@link #likes} narrows the store's scan; {@link #test} decides.
 */
record EventFilter(String direct, List<EventFilter.Sub> subs, List<String> likes) {
  /** Beyond this many topic filters the store returns every row and the matcher decides. */
  private static final int MAX_SQL_FILTERS = 64;

  /** A pattern and the seq after which it applies (a subscription's start; 0 for a watcher). */
  record Sub(TopicPattern pattern, long sinceSeq) {}

  static EventFilter of(String direct, List<Sub> subs) {
    Set<String> likes = new LinkedHashSet<>();
    if (direct != null) {
      likes.add(TopicPattern.likeExactly(direct));
    }
    subs.forEach(s -> likes.add(s.pattern().like()));
    boolean any = likes.contains("%") || likes.size() > MAX_SQL_FILTERS;
    return new EventFilter(direct, subs, any ? null : List.copyOf(likes));
  }

  /** An agent's filter: its own topic and its stored subscriptions. */
  static EventFilter ofAgent(String agent, List<SubscriptionRow> rows) {
    List<Sub> subs = new ArrayList<>(rows.size());
    for (SubscriptionRow r : rows) {
      subs.add(new Sub(TopicPattern.parse("pattern", r.pattern()), r.sinceSeq()));
    }
    return of(TopicPattern.directTopic(agent), subs);
  }

  boolean test(long seq, String topic) {
    if (direct != null && direct.equals(topic)) {
      return true;
    }
    for (Sub s : subs) {
      if (seq > s.sinceSeq() && s.pattern().matches(topic)) {
        return true;
      }
    }
    return false;
  }
}
