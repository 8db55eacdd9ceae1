package dev.coordd.daemon.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Task types as metric tags, bounded: task types are strings any caller picks, and every distinct
 * tag value is a new time series in the registry and in Prometheus, so an agent that makes a type
 * per task (a uuid, a file name) would grow both without end. The first {@code max} types seen get
 * their own tag; every later type is counted under {@link #OTHER}, which no task type can be (a
 * type starts with a letter or digit). Thread-safe.
 *
 * @param <T> what is kept per tag (the meters of one type)
 */
final class TypeTags<T> {
  static final String OTHER = "_other";

  private final int max;
  private final Function<String, T> make;
  private final ConcurrentHashMap<String, T> byType = new ConcurrentHashMap<>();
  private volatile T other;

  TypeTags(int max, Function<String, T> make) {
    this.max = max;
    this.make = make;
  }

  /** What is kept for {@code type}: its own, or the shared {@link #OTHER} once the cap is full. */
  T of(String type) {
    T known = byType.get(type);
    return known != null ? known : admit(type);
  }

  /** The tag {@code type} is counted under. */
  String tag(String type) {
    return byType.containsKey(type) || admitted(type) ? type : OTHER;
  }

  private boolean admitted(String type) {
    admit(type);
    return byType.containsKey(type);
  }

  // Slow path, once per new type: locked so that concurrent first sightings cannot overshoot.
  private synchronized T admit(String type) {
    T known = byType.get(type);
    if (known != null) {
      return known;
    }
    if (byType.size() < max) {
      T made = make.apply(type);
      byType.put(type, made);
      return made;
    }
    if (other == null) {
      other = make.apply(OTHER);
    }
    return other;
  }

  int size() {
    return byType.size();
  }
}
