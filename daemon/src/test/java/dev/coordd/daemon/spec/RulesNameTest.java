package dev.coordd.daemon.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written name check says exactly what the published {@link Rules#NAME} pattern says. */
class RulesNameTest {
  private static final String ALPHABET = "aZ09._@:- /\\\n\té٣０Ωß$*\u0000";

  @Test
  void edge_cases_agree_with_the_pattern() {
    List<String> cases =
        List.of(
            "",
            "a",
            "A",
            "0",
            ".a",
            "_a",
            "-a",
            "@a",
            ":a",
            "a.b_c@d:e-f",
            "a b",
            "a\n",
            "\na",
            "é",
            "aé",
            "a٣",
            "a".repeat(128),
            "a".repeat(129),
            "..",
            "a/b");
    for (String s : cases) {
      assertThat(Rules.isName(s)).as("'%s'", s).isEqualTo(Rules.NAME.matcher(s).matches());
    }
    assertThat(Rules.isName(null)).isFalse();
  }

  @Test
  void random_strings_agree_with_the_pattern() {
    Random random = new Random(14);
    List<String> disagree = new ArrayList<>();
    for (int n = 0; n < 50_000; n++) {
      int length = random.nextInt(4) == 0 ? 125 + random.nextInt(6) : random.nextInt(8);
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < length; i++) {
        // mostly allowed characters, so long strings near the length limit are often names
        int pick = random.nextInt(20) == 0 ? random.nextInt(ALPHABET.length()) : random.nextInt(9);
        s.append(ALPHABET.charAt(pick));
      }
      String value = s.toString();
      if (Rules.isName(value) != Rules.NAME.matcher(value).matches()) {
        disagree.add(value);
      }
    }
    assertThat(disagree).isEmpty();
  }
}
