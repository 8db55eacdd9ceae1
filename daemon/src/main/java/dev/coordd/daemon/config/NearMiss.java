package dev.coordd.daemon.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean X?" for a misspelt name: a typo, wrong case, or a shortened name. */
final class NearMiss {
  private NearMiss() {}

  /** The known name a near miss was meant to be, if it is close enough not to mislead. */
  static Optional<String> of(String name, List<String> known) {
    if (known.isEmpty()) {
      return Optional.empty();
    }
    String closest =
        known.stream().min(Comparator.comparingInt(k -> distance(name, k))).orElseThrow();
    if (distance(name, closest) <= Math.max(2, name.length() / 3)) {
      return Optional.of(closest);
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return known.stream()
        .filter(k -> lower.length() >= 4 && k.toLowerCase(Locale.ROOT).startsWith(lower))
        .findFirst();
  }

  /** "; did you mean "X"?" for a near miss, else the list of known names. */
  static String hint(String name, List<String> known) {
    return of(name, known)
        .map(k -> "; did you mean \"" + k + "\"?")
        .orElse("; known: " + String.join(", ", known));
  }

  /** Levenshtein distance, ignoring case so {@code pollinterval} finds {@code pollInterval}. */
  static int distance(String a, String b) {
    a = a.toLowerCase(Locale.ROOT);
    b = b.toLowerCase(Locale.ROOT);
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitute = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(substitute, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] swap = prev;
      prev = cur;
      cur = swap;
    }
    return prev[b.length()];
  }
}
