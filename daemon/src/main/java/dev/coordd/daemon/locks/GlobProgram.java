package dev.coordd.daemon.locks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A glob ({@link Globs} gives the syntax) compiled to a Thompson NFA over code points, and matched
 * against whole names by simulating every state at once. Matching costs O(name length × states)
 * steps whatever the pattern: nothing backtracks, so no glob can make a match run for long (a
 * regular expression built from {@code **a**a**a**a**a**b} backtracks for minutes on a long name).
 *
 * <p>States are numbered from 0; state {@code size} is the match. A state either consumes one code
 * point that its test accepts (then goes to {@code onMatch}) or is an epsilon fork. A star is one
 * state that loops on itself and forks to what follows. Immutable and thread-safe.
 */
final class GlobProgram {
  private static final int NONE = -1;

  /** What a consuming state accepts; a fork state's test is null. */
  sealed interface Accepts {
    boolean accepts(int cp);
  }

  /** One code point exactly. */
  record Literal(int cp) implements Accepts {
    @Override
    public boolean accepts(int c) {
      return c == cp;
    }
  }

  /** {@code ?} and the loop of {@code *}: any code point but {@code /}. */
  record NotSlash() implements Accepts {
    @Override
    public boolean accepts(int c) {
      return c != '/';
    }
  }

  /** The loop of {@code **}: any code point. */
  record Any() implements Accepts {
    @Override
    public boolean accepts(int c) {
      return true;
    }
  }

  /**
   * {@code [..]}: inclusive ranges as pairs {@code lo, hi}; negated accepts all others, {@code /}
   * included (as the regular expressions this replaces did).
   */
  record CharSet(int[] ranges, boolean negated) implements Accepts {
    @Override
    public boolean accepts(int c) {
      for (int i = 0; i < ranges.length; i += 2) {
        if (c >= ranges[i] && c <= ranges[i + 1]) {
          return !negated;
        }
      }
      return negated;
    }
  }

  private final Accepts[] tests;
  private final int[] onMatch;
  private final int[][] forks;
  private final int wildcards;
  private final int alternatives;

  private GlobProgram(Builder b) {
    int n = b.tests.size();
    this.tests = b.tests.toArray(new Accepts[0]);
    this.onMatch = new int[n];
    this.forks = new int[n][];
    for (int i = 0; i < n; i++) {
      onMatch[i] = b.onMatch.get(i);
      forks[i] = b.forks.get(i).stream().mapToInt(Integer::intValue).toArray();
    }
    this.wildcards = b.wildcards;
    this.alternatives = b.alternatives;
  }

  /** {@code *}, {@code **}, {@code ?} and {@code [..]} in the glob. */
  int wildcards() {
    return wildcards;
  }

  /** Alternatives in all of its {@code {..}} groups together. */
  int alternatives() {
    return alternatives;
  }

  /**
   * @throws IllegalArgumentException when the glob is malformed (an unclosed {@code [} or {@code
   *     {}, a nested {@code {}, a reversed range such as {@code [z-a]})
   */
  static GlobProgram compile(String glob) {
    Builder b = new Builder();
    // Open ends of the alternatives of the current {..} group: each jumps past the group.
    List<Integer> altEnds = null;
    int groupFork = NONE;
    int i = 0;
    int n = glob.length();
    while (i < n) {
      int c = glob.codePointAt(i);
      switch (c) {
        case '*' -> {
          b.wildcards++;
          if (i + 1 < n && glob.charAt(i + 1) == '*') {
            if (i + 2 < n && glob.charAt(i + 2) == '/') {
              // Any folders, or none: skip straight on, or run any text and then a '/'.
              int skip = b.fork();
              b.link(skip, b.star(new Any()));
              b.consume(new Literal('/'));
              b.link(skip, b.forkNext());
              i += 3;
            } else {
              b.star(new Any());
              i += 2;
            }
            continue;
          }
          b.star(new NotSlash());
        }
        case '?' -> {
          b.wildcards++;
          b.consume(new NotSlash());
        }
        case '[' -> {
          int end = classEnd(glob, i);
          if (end < 0) {
            throw new IllegalArgumentException("unclosed '[' at position " + i);
          }
          b.wildcards++;
          b.consume(charSet(glob.substring(i + 1, end), i));
          i = end + 1;
          continue;
        }
        case '{' -> {
          if (altEnds != null) {
            throw new IllegalArgumentException("nested '{' at position " + i);
          }
          altEnds = new ArrayList<>();
          groupFork = b.fork();
          b.alternatives++;
          b.link(groupFork, b.forkNext());
        }
        case ',' -> {
          if (altEnds == null) {
            b.consume(new Literal(c));
          } else {
            altEnds.add(b.fork());
            b.alternatives++;
            b.link(groupFork, b.forkNext());
          }
        }
        case '}' -> {
          if (altEnds == null) {
            b.consume(new Literal(c));
          } else {
            int end = b.forkNext();
            for (int open : altEnds) {
              b.link(open, end);
            }
            altEnds = null;
          }
        }
        default -> b.consume(new Literal(c));
      }
      i += Character.charCount(c);
    }
    if (altEnds != null) {
      throw new IllegalArgumentException("unclosed '{'");
    }
    return new GlobProgram(b);
  }

  /** Whether the glob matches all of {@code name}. */
  boolean matches(String name) {
    int n = tests.length;
    int[] current = new int[n + 1];
    int[] next = new int[n + 1];
    int[] mark = new int[n + 1]; // the step a state was last added in: each is added once a step
    int[] stack = new int[n + 1];
    int generation = 1;
    int size = close(0, current, 0, mark, generation, stack);
    for (int i = 0; i < name.length() && size > 0; ) {
      int cp = name.codePointAt(i);
      i += Character.charCount(cp);
      generation++;
      int nextSize = 0;
      for (int k = 0; k < size; k++) {
        int s = current[k];
        if (s < n && tests[s] != null && tests[s].accepts(cp)) {
          nextSize = close(onMatch[s], next, nextSize, mark, generation, stack);
        }
      }
      int[] swap = current;
      current = next;
      next = swap;
      size = nextSize;
    }
    return mark[n] == generation;
  }

  /** Adds {@code from} and every state its forks reach to {@code set}; returns the new size. */
  private int close(int from, int[] set, int size, int[] mark, int generation, int[] stack) {
    if (mark[from] == generation) {
      return size;
    }
    int n = tests.length;
    // Marked as pushed, so each state is pushed once a step and the stack never outgrows n + 1.
    mark[from] = generation;
    int top = 0;
    stack[top++] = from;
    while (top > 0) {
      int s = stack[--top];
      set[size++] = s;
      if (s < n) {
        for (int f : forks[s]) {
          if (mark[f] != generation) {
            mark[f] = generation;
            stack[top++] = f;
          }
        }
      }
    }
    return size;
  }

  /** Index of the ']' closing the class opened at {@code open}; a ']' first in it is literal. */
  private static int classEnd(String glob, int open) {
    int j = open + 1;
    if (j < glob.length() && (glob.charAt(j) == '!' || glob.charAt(j) == '^')) {
      j++;
    }
    if (j < glob.length() && glob.charAt(j) == ']') {
      j++;
    }
    return glob.indexOf(']', j);
  }

  /**
   * The set a class body describes. A {@code -} between two characters makes a range; first or last
   * it is itself.
   */
  private static CharSet charSet(String body, int at) {
    int[] cps = body.codePoints().toArray();
    boolean negated = cps[0] == '!' || cps[0] == '^';
    int[] ranges = new int[cps.length * 2];
    int r = 0;
    for (int i = negated ? 1 : 0; i < cps.length; ) {
      int lo = cps[i];
      int hi = lo;
      if (i + 2 < cps.length && cps[i + 1] == '-') {
        hi = cps[i + 2];
        if (hi < lo) {
          throw new IllegalArgumentException(
              "the range "
                  + Character.toString(lo)
                  + "-"
                  + Character.toString(hi)
                  + " in the class at position "
                  + at
                  + " runs backwards; write it low to high");
        }
        i += 3;
      } else {
        i++;
      }
      ranges[r++] = lo;
      ranges[r++] = hi;
    }
    return new CharSet(Arrays.copyOf(ranges, r), negated);
  }

  /** States as they are laid down, each consuming one code point or forking. */
  private static final class Builder {
    final List<Accepts> tests = new ArrayList<>();
    final List<Integer> onMatch = new ArrayList<>();
    final List<List<Integer>> forks = new ArrayList<>();
    int wildcards;
    int alternatives;

    /** A state consuming one code point, then going on to the next state. */
    int consume(Accepts t) {
      int s = add(t);
      onMatch.set(s, s + 1);
      return s;
    }

    /** A state consuming any run of what {@code t} accepts (none too), then going on. */
    int star(Accepts t) {
      int s = add(t);
      onMatch.set(s, s);
      forks.get(s).add(s + 1);
      return s;
    }

    /** A fork state with no targets yet. */
    int fork() {
      return add(null);
    }

    /** The state the next one laid down will be: where a fork made now should lead. */
    int forkNext() {
      return tests.size();
    }

    void link(int fork, int to) {
      forks.get(fork).add(to);
    }

    private int add(Accepts t) {
      tests.add(t);
      onMatch.add(NONE);
      forks.add(new ArrayList<>());
      return tests.size() - 1;
    }
  }
}
