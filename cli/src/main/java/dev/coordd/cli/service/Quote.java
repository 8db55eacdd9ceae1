package dev.coordd.cli.service;

/**
 * systemd's quoting. A value that holds a line break or another control character is refused, not
 * escaped: in a unit file it would start a directive of its own (an {@code ExecStartPre=} chosen by
 * whoever named the folder).
 */
final class Quote {
  private Quote() {}

  /** One word of a command line: as {@link #word}, and a {@code $} is not a variable. */
  static String execWord(String value) {
    return word(value).replace("$", "$$");
  }

  /** One word of an assignment or a command line: double-quoted when it needs to be. */
  static String word(String value) {
    String escaped = text(value);
    boolean plain = !escaped.isEmpty();
    for (char c : value.toCharArray()) {
      if (Character.isWhitespace(c) || c == '"' || c == '\'' || c == '\\' || c == ';') {
        plain = false;
      }
    }
    return plain ? escaped : '"' + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Free text: systemd expands % specifiers, so a % is doubled. */
  static String text(String value) {
    for (char c : value.toCharArray()) {
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            "'"
                + value.replaceAll("\\p{Cntrl}", "?")
                + "' holds a control character (such as a line break), which a systemd unit"
                + " cannot carry; use a path without one");
      }
    }
    return value.replace("%", "%%");
  }
}
