package dev.coordd.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of a hot command read without picocli ({@link FastPath}), for their plain forms only:
 * {@code --name VALUE} or {@code --name=VALUE}, each at most once unless repeatable, and flags
 * given once. Anything else (help, an unknown or repeated option, a missing value, a value that
 * starts with '-' and so might be read as an option, "--") makes {@link #parse} answer null, and
 * picocli then handles the arguments with its usual usage and errors.
 */
public final class PlainArgs {
  private final Map<String, List<String>> values = new HashMap<>();

  private PlainArgs() {}

  /** {@code args[from..]} by these option names, or null when they are not all plain. */
  public static PlainArgs parse(
      String[] args, int from, Set<String> flags, Set<String> single, Set<String> repeatable) {
    PlainArgs parsed = new PlainArgs();
    for (int i = from; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String value = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        name = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      boolean flag = flags.contains(name);
      if (!flag && !single.contains(name) && !repeatable.contains(name)) {
        return null;
      }
      if (parsed.values.containsKey(name) && !repeatable.contains(name)) {
        return null;
      }
      if (flag) {
        if (value != null) {
          return null; // --json=true and the like: picocli's to judge
        }
      } else if (value == null) {
        if (i + 1 >= args.length) {
          return null;
        }
        value = args[++i];
      }
      if (!flag && (value.isEmpty() || value.startsWith("-"))) {
        return null;
      }
      // no lambda (nor string concatenation) on this path: the first one in a JVM costs
      // milliseconds of method-handle set-up, and `coordd check` needs none otherwise
      List<String> given = parsed.values.get(name);
      if (given == null) {
        given = new ArrayList<>();
        parsed.values.put(name, given);
      }
      given.add(flag ? "" : value);
    }
    return parsed;
  }

  /** False for a path picocli's converter would refuse (picocli words that error itself). */
  public static boolean isPath(String value) {
    try {
      if (value != null) {
        Path.of(value);
      }
      return true;
    } catch (InvalidPathException e) {
      return false;
    }
  }

  /** {@link Common} from {@code --home} and {@code --json}. */
  public Common common() {
    Common common = new Common();
    common.home = value("--home") == null ? null : Path.of(value("--home"));
    common.json = flag("--json");
    return common;
  }

  public boolean flag(String name) {
    return values.containsKey(name);
  }

  /** The option's value, or null when it was not given. */
  public String value(String name) {
    List<String> v = values.get(name);
    return v == null ? null : v.get(0);
  }

  /** Every value of a repeatable option, in order; empty when it was not given. */
  public List<String> values(String name) {
    return values.getOrDefault(name, List.of());
  }
}
