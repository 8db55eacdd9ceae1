package dev.coordd.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TablesTest {
  @Test
  void columnsAreAsWideAsTheirWidestCellAndLeftAligned() {
    String table =
        Tables.render(
            List.of("NAME", "STATUS", "N"),
            List.of(List.of("daemon", "active", "1"), List.of("a", "stale", "12345")));
    assertThat(table)
        .isEqualTo("NAME    STATUS  N\n" + "daemon  active  1\n" + "a       stale   12345\n");
  }

  @Test
  void headerWiderThanCellsSetsTheWidthAndNoTrailingBlanks() {
    String table = Tables.render(List.of("ATTEMPTS", "X"), List.of(List.of("1/3", "")));
    assertThat(table).isEqualTo("ATTEMPTS  X\n1/3\n");
  }

  @Test
  void longCellsAreCutWithAnEllipsis() {
    String longText = "x".repeat(100);
    String table = Tables.render(List.of("A", "B"), List.of(List.of(longText, "end")));
    String row = table.lines().toList().get(1);
    assertThat(row).startsWith("x".repeat(Tables.MAX_CELL - 1) + "…  end");
    assertThat(Tables.truncate("hello", 5)).isEqualTo("hello");
    assertThat(Tables.truncate("hello!", 5)).isEqualTo("hell…");
    assertThat(Tables.truncate(null, 5)).isEmpty();
  }

  @Test
  void nullsShortRowsAndLineBreaksAreHandled() {
    String table =
        Tables.render(
            List.of("A", "B", "C"), List.of(Arrays.asList("one\ntwo", null), List.of("z")));
    assertThat(table).isEqualTo("A        B  C\none two\nz\n");
  }

  @Test
  void rowsWiderThanTheHeaderAreRefused() {
    assertThatThrownBy(() -> Tables.render(List.of("A"), List.of(List.of("1", "2"))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyTableIsTheHeader() {
    assertThat(Tables.render(List.of("ID", "TYPE"), List.of())).isEqualTo("ID  TYPE\n");
  }

  @Test
  void agoPicksTheLargestWholeUnit() {
    long now = 1_000_000_000_000L;
    assertThat(Tables.ago(now, now)).isEqualTo("just now");
    assertThat(Tables.ago(now - 999, now)).isEqualTo("just now");
    assertThat(Tables.ago(now - 3_000, now)).isEqualTo("3s ago");
    assertThat(Tables.ago(now - 59_999, now)).isEqualTo("59s ago");
    assertThat(Tables.ago(now - 60_000, now)).isEqualTo("1m ago");
    assertThat(Tables.ago(now - 5 * 3_600_000L - 1, now)).isEqualTo("5h ago");
    assertThat(Tables.ago(now - 49 * 3_600_000L, now)).isEqualTo("2d ago");
    assertThat(Tables.ago(now + 5_000, now)).isEqualTo("in 5s");
    assertThat(Tables.ago(now + 500, now)).isEqualTo("in 1s");
    assertThat(Tables.ago(0, now)).isEqualTo("never");
  }
}
