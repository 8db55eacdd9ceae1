package dev.coordd.daemon.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scrape in the Prometheus text format (0.0.4), parsed strictly enough to fail a test on a
 * malformed line: every sample is {@code name{label="value",...} number}, comments start with
 * {@code #}. Samples are kept by their full series key, labels sorted, e.g. {@code
 * coordd_tasks_created_total{type="a"}}.
 */
public final class PrometheusText {
  private static final Pattern SAMPLE =
      Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)( \\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  private final Map<String, Double> samples = new LinkedHashMap<>();

  public static PrometheusText parse(String text) {
    PrometheusText p = new PrometheusText();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample line: " + line);
      }
      p.samples.put(key(m.group(1), m.group(3)), value(m.group(4), line));
    }
    return p;
  }

  private static String key(String name, String labels) {
    if (labels == null || labels.isEmpty()) {
      return name;
    }
    Map<String, String> sorted = new java.util.TreeMap<>();
    Matcher m = LABEL.matcher(labels);
    int end = 0;
    while (m.find() && m.start() == end) {
      sorted.put(m.group(1), m.group(2));
      end = m.end();
    }
    if (end != labels.length()) {
      throw new IllegalArgumentException("malformed labels: {" + labels + "}");
    }
    StringBuilder b = new StringBuilder(name).append('{');
    sorted.forEach((k, v) -> b.append(k).append("=\"").append(v).append("\","));
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }

  private static double value(String text, String line) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> {
        try {
          yield Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a number in: " + line, e);
        }
      }
    };
  }

  /** The sample {@code name} with exactly these labels, given as name, value, … in any order. */
  public OptionalDouble get(String name, String... labels) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < labels.length; i += 2) {
      b.append(labels[i]).append("=\"").append(labels[i + 1]).append("\",");
    }
    Double v = samples.get(key(name, b.isEmpty() ? null : b.substring(0, b.length() - 1)));
    return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
  }

  /** As {@link #get}, absent counting as 0 (a counter not yet incremented may be absent). */
  public double value(String name, String... labels) {
    return get(name, labels).orElse(0);
  }

  /** Series keys that start with {@code prefix}. */
  public java.util.List<String> series(String prefix) {
    return samples.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
  }
}
