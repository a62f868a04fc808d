package io.switchboard.deploy.cli;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The line diff {@code policy diff} prints. */
@DisplayName("policy diff's line diff")
class CliLineDiffTest {

  private static List<String> lines(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "line " + i).collect(Collectors.toList());
  }

  @Test
  @DisplayName("equal documents have no diff")
  void equal() {
    assertThat(LineDiff.between(lines(0, 5), lines(0, 5))).isEmpty();
  }

  @Test
  @DisplayName("a changed line is removed then added, with three lines of context, the rest folded")
  void changedLine() {
    List<String> before = lines(0, 20);
    List<String> after = lines(0, 20);
    after.set(10, "changed");
    assertThat(LineDiff.between(before, after)).containsExactly(
        "  ... (7 unchanged lines)", "  line 7", "  line 8", "  line 9", "- line 10", "+ changed", "  line 11",
        "  line 12", "  line 13", "  ... (6 unchanged lines)");
  }

  @Test
  @DisplayName("insertions and deletions in the middle keep the common lines")
  void insertAndDelete() {
    assertThat(LineDiff.between(List.of("a", "b", "c", "d"), List.of("a", "c", "x", "d")))
        .containsExactly("  a", "- b", "  c", "+ x", "  d");
    assertThat(LineDiff.between(List.of(), List.of("new"))).containsExactly("+ new");
    assertThat(LineDiff.between(List.of("old"), List.of())).containsExactly("- old");
  }
}
