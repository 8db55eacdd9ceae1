package dev.coordd.daemon.events;

import dev.coordd.api.InvalidRequestException;
import dev.coordd.daemon.spec.Rules;
import java.util.regex.Pattern;

/**
 * Topics and the patterns that match them. A topic is dot-separated segments of letters, digits,
 * {@code _} and {@code -}, 1–200 characters ({@code build.done}). A pattern is a topic whose
 * segments may also be {@code *} (exactly one segment) or, as the last segment only, {@code >} (one
 * or more segments): {@code build.*} matches {@code build.done} but not {@code build.x.done};
 * {@code repo.>} matches both {@code repo.a} and {@code repo.a.b} but not {@code repo}.
 *
 * <p>An agent's own topic {@code agent.<name>} is always a valid topic and literal pattern, for
 * every valid agent name (names may hold {@code . @ :}), so a direct message reaches any agent.
 *
 * <p>Immutable and thread-safe. Matching is plain string work, no regular expression.
 */
public final class TopicPattern {
  public static final int MAX_LENGTH = 200;

  /** The prefix of an agent's own topic. */
  public static final String DIRECT_PREFIX = "agent.";

  static final String TOPIC_FORM =
      "dot-separated segments of letters, digits, _ and -"
          + " (e.g. build.done), 1-"
          + MAX_LENGTH
          + " characters";
  static final String PATTERN_FORM =
      TOPIC_FORM
          + ", where a segment may be * (exactly one"
          + " segment) and the last may be > (one or more segments), e.g. build.* or repo.>";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

  private final String text;
  private final String[] segments;
  private final boolean tail;

  private TopicPattern(String text, String[] segments) {
    this.text = text;
    this.segments = segments;
    this.tail = segments[segments.length - 1].equals(">");
  }

  /**
   * Parses a pattern.
   *
   * @throws InvalidRequestException on {@code field}, saying what is wrong and the allowed form
   */
  public static TopicPattern parse(String field, String pattern) {
    String problem = problem(pattern, true);
    if (problem != null) {
      throw new InvalidRequestException(
          field,
          field
              + " "
              + show(pattern)
              + " is not a valid"
              + " topic pattern: "
              + problem
              + "; use "
              + PATTERN_FORM);
    }
    return new TopicPattern(pattern, split(pattern));
  }

  /**
   * Checks a topic to publish on and returns it.
   *
   * @throws InvalidRequestException on {@code field}, saying what is wrong and the allowed form
   */
  public static String checkTopic(String field, String topic) {
    String problem = problem(topic, false);
    if (problem != null) {
      throw new InvalidRequestException(
          field,
          field
              + " "
              + show(topic)
              + " is not a valid"
              + " topic: "
              + problem
              + "; use "
              + TOPIC_FORM);
    }
    return topic;
  }

  /** The topic every agent receives without subscribing: {@code agent.<name>}. */
  public static String directTopic(String agent) {
    return DIRECT_PREFIX + agent;
  }

  public String text() {
    return text;
  }

  /** True when the pattern has no wildcard, i.e. it matches exactly one topic. */
  public boolean isLiteral() {
    for (String s : segments) {
      if (s.equals("*") || s.equals(">")) {
        return false;
      }
    }
    return true;
  }

  public boolean matches(String topic) {
    if (topic == null) {
      return false;
    }
    int n = segments.length;
    int last = tail ? n - 1 : n; // segments to compare one by one
    int pos = 0;
    for (int i = 0; i < last; i++) {
      if (pos > topic.length()) {
        return false; // the topic ran out of segments
      }
      int dot = topic.indexOf('.', pos);
      int end = dot < 0 ? topic.length() : dot;
      String seg = segments[i];
      if (seg.equals("*")) {
        if (end == pos) {
          return false;
        }
      } else if (end - pos != seg.length() || !topic.startsWith(seg, pos)) {
        return false;
      }
      pos = dot < 0 ? topic.length() + 1 : dot + 1;
    }
    if (tail) {
      return pos < topic.length(); // at least one more (non-empty) segment
    }
    return pos == topic.length() + 1; // every segment consumed, nothing left over
  }

  /**
   * A SQL {@code LIKE} pattern (escape character backslash) matching at least every topic this
   * pattern matches: wildcards become {@code %}. The store filters with it; {@link #matches}
   * decides.
   */
  public String like() {
    StringBuilder b = new StringBuilder(text.length() + 4);
    for (int i = 0; i < segments.length; i++) {
      if (i > 0) {
        b.append('.');
      }
      String s = segments[i];
      if (s.equals("*") || s.equals(">")) {
        b.append('%');
      } else {
        likeLiteral(b, s);
      }
    }
    return b.toString();
  }

  /** A {@code LIKE} pattern matching exactly {@code literal} (up to case, in SQLite). */
  public static String likeExactly(String literal) {
    StringBuilder b = new StringBuilder(literal.length() + 4);
    likeLiteral(b, literal);
    return b.toString();
  }

  private static void likeLiteral(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' || c == '_' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
  }

  /** What is wrong with a topic or pattern, or null when it is fine. */
  private static String problem(String value, boolean pattern) {
    if (value == null || value.isEmpty()) {
      return "it is empty";
    }
    if (value.length() > MAX_LENGTH) {
      return "it is " + value.length() + " characters long";
    }
    if (isDirect(value)) {
      return null;
    }
    String[] parts = split(value);
    for (int i = 0; i < parts.length; i++) {
      String s = parts[i];
      if (s.isEmpty()) {
        return parts.length == 1
            ? "it is empty"
            : i == 0
                ? "it starts with a dot"
                : i == parts.length - 1 ? "it ends with a dot" : "it has an empty segment (..)";
      }
      if (s.equals("*") || s.equals(">")) {
        if (!pattern) {
          return "wildcards (* and >) belong in patterns, not in a topic one publishes on";
        }
        if (s.equals(">") && i != parts.length - 1) {
          return "> may only be the last segment";
        }
        continue;
      }
      if (!SEGMENT.matcher(s).matches()) {
        return "segment " + show(s) + " holds " + forbidden(s, pattern);
      }
    }
    return null;
  }

  /** {@code agent.<valid agent name>}: an agent's own topic, whatever its name holds. */
  private static boolean isDirect(String value) {
    return value.startsWith(DIRECT_PREFIX) && Rules.isName(value.substring(DIRECT_PREFIX.length()));
  }

  private static String forbidden(String segment, boolean pattern) {
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '-';
      if (!ok) {
        String what =
            c == ' '
                ? "a space"
                : Character.isISOControl(c)
                    ? String.format("the control character U+%04X", (int) c)
                    : "'" + c + "'";
        if (pattern && (c == '*' || c == '>')) {
          return what + " inside a segment (a wildcard must be a whole segment)";
        }
        return what;
      }
    }
    return "a forbidden character";
  }

  private static String[] split(String value) {
    return value.split("\\.", -1);
  }

  private static String show(String value) {
    if (value == null) {
      return "(missing)";
    }
    return "'" + (value.length() > 80 ? value.substring(0, 77) + "..." : value) + "'";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicPattern p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
