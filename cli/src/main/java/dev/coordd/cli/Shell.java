package dev.coordd.cli;

import java.util.ArrayList;
import java.util.List;

/** Shell words, for the commands coordd writes into agents' settings and suggests to people. */
public final class Shell {
  private Shell() {}

  /** {@code s} as one shell word: unchanged when safe, else in single quotes. */
  public static String quote(String s) {
    if (!s.isEmpty()
        && s.chars()
            .allMatch(
                c -> (c < 128 && Character.isLetterOrDigit(c)) || "/._-+:@,=%".indexOf(c) >= 0)) {
      return s;
    }
    return "'" + s.replace("'", "'\\''") + "'";
  }

  /**
   * Splits a command line into words the way a POSIX shell would for the forms {@link #quote}
   * writes and people type: whitespace, single quotes, double quotes and backslash escapes.
   */
  public static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\'
            && i + 1 < command.length()
            && "\"\\$`".indexOf(command.charAt(i + 1)) >= 0) {
          word.append(command.charAt(++i));
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < command.length()) {
        word.append(command.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
