package dev.coordd.daemon.locks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link GlobProgram} against the regular expressions it replaced ({@link RegexGlobs}), on many
 * generated short globs and names: the same globs are malformed, and the well-formed ones match the
 * same names. The seed is fixed so a failure repeats; the description names the glob and the name.
 */
class GlobProgramPropertyTest {
  /** Glob pieces: every wildcard and bracket, regex metacharacters, a two-char code point. */
  static final String[] GLOB_PIECES = {
    "a", "b", "c", "z", "/", "/", ".", "*", "*", "**", "**/", "?", "[", "]", "!", "^", "-", "{",
    "}", ",", "\\", "(", "+", "$", "é", "😀", " "
  };

  /** Name pieces: what globs say, and characters sets and alternatives are made of. */
  static final String[] NAME_PIECES = {
    "a", "b", "c", "z", "/", "/", ".", "-", "]", "!", "^", ",", "{", "}", "é", "😀", "\\", " ", "*"
  };

  static final int GLOBS = 30_000;
  static final int NAMES_PER_GLOB = 12;

  @Test
  void agrees_with_the_regular_expressions_on_generated_globs_and_names() {
    Random random = new Random(20_261_201L);
    int wellFormed = 0;
    int matched = 0;
    for (int g = 0; g < GLOBS; g++) {
      String glob = text(random, GLOB_PIECES, 10);
      Pattern oracle;
      try {
        oracle = RegexGlobs.compile(glob);
      } catch (IllegalArgumentException e) {
        assertMalformed(glob, e);
        continue;
      }
      GlobProgram program;
      try {
        program = GlobProgram.compile(glob);
      } catch (IllegalArgumentException e) {
        fail("'%s' compiles to a regular expression but GlobProgram refuses it: %s", glob, e);
        return;
      }
      wellFormed++;
      for (int k = 0; k < NAMES_PER_GLOB; k++) {
        String name = k % 2 == 0 ? text(random, NAME_PIECES, 12) : instance(random, glob);
        boolean expected = oracle.matcher(name).matches();
        assertThat(program.matches(name))
            .as("'%s' matches '%s' (the regex %s says %s)", glob, name, oracle, expected)
            .isEqualTo(expected);
        matched += expected ? 1 : 0;
      }
    }
    // The generator must exercise both answers, or agreeing proves little.
    assertThat(wellFormed).isGreaterThan(GLOBS / 3);
    assertThat(matched).isGreaterThan(wellFormed);
  }

  @Test
  void globs_and_names_overlap_as_the_regular_expressions_said() {
    Random random = new Random(7L);
    for (int i = 0; i < 50_000; i++) {
      String a = text(random, GLOB_PIECES, 8);
      String b = random.nextBoolean() ? text(random, NAME_PIECES, 10) : instance(random, a);
      boolean expected;
      try {
        expected = oracleOverlap(a, b);
      } catch (IllegalArgumentException e) {
        continue; // a malformed glob is refused at acquire; never compared
      }
      assertThat(Globs.overlap(a, b)).as("'%s' overlaps '%s'", a, b).isEqualTo(expected);
      assertThat(Globs.overlap(b, a)).as("'%s' overlaps '%s'", b, a).isEqualTo(expected);
    }
  }

  /** The overlap rule as it was, on the regular expressions. */
  static boolean oracleOverlap(String a, String b) {
    if (a.equals(b)) {
      return true;
    }
    boolean ga = Globs.isGlob(a);
    boolean gb = Globs.isGlob(b);
    if (ga && gb) {
      String pa = Globs.literalPrefix(a);
      String pb = Globs.literalPrefix(b);
      return pa.startsWith(pb) || pb.startsWith(pa);
    }
    if (ga) {
      return RegexGlobs.compile(a).matcher(b).matches();
    }
    if (gb) {
      return RegexGlobs.compile(b).matcher(a).matches();
    }
    return false;
  }

  private static void assertMalformed(String glob, IllegalArgumentException oracleSaid) {
    try {
      GlobProgram.compile(glob);
      fail("'%s' is malformed (%s) but GlobProgram accepts it", glob, oracleSaid.getMessage());
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).as("why '%s' is malformed", glob).isNotBlank();
    }
  }

  private static String text(Random random, String[] pieces, int maxPieces) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(maxPieces + 1);
    for (int i = 0; i < n; i++) {
      s.append(pieces[random.nextInt(pieces.length)]);
    }
    return s.toString();
  }

  /**
   * A name likely to match: the glob with each wildcard replaced by something it may stand for
   * (sometimes something it may not), so that matches are common, not luck.
   */
  private static String instance(Random random, String glob) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> s.append(text(random, NAME_PIECES, 3));
        case '?' -> s.append(NAME_PIECES[random.nextInt(NAME_PIECES.length)]);
        case '[', ']', '{', '}', ',', '!', '^' -> {
          if (random.nextInt(3) > 0) {
            s.append(NAME_PIECES[random.nextInt(NAME_PIECES.length)]);
          }
        }
        default -> s.append(c);
      }
    }
    return s.toString();
  }
}
