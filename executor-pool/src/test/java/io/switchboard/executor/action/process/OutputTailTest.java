package io.switchboard.executor.action.process;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutputTailTest {

  @Test
  void theOutputTailKeepsTheLastBytesAcrossWrapsAndStartsAtAWholeLine() {
    OutputTail tail = new OutputTail(10);
    byte[] text = "ab\ncdefgh\nijk\n".getBytes();
    for (byte b : text) {
      tail.write(new byte[] {b}, 0, 1);
    }
    assertThat(tail.truncated()).isTrue();
    assertThat(tail.total()).isEqualTo(14);
    assertThat(tail.text()).isEqualTo("ijk\n");
    OutputTail big = new OutputTail(4);
    big.write("0123456789".getBytes(), 0, 10);
    assertThat(big.text()).isEqualTo("6789");
    OutputTail exact = new OutputTail(4);
    exact.write("a\nb".getBytes(), 0, 3);
    assertThat(exact.truncated()).isFalse();
    assertThat(exact.text()).isEqualTo("a\nb");
  }

  @Test
  void theLastLinesAreAtMostTwentyAndALongLastLineIsCutAtItsStart() {
    StringBuilder many = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      many.append("line ").append(i).append('\n');
    }
    assertThat(OutputTail.lastLines(many.toString()).lines().toList()).hasSize(20).startsWith("line 11")
        .endsWith("line 30");
    assertThat(OutputTail.lastLines("")).isEmpty();
    String last = OutputTail.lastLines("short\n" + "x".repeat(3000) + "y");
    assertThat(last).startsWith("…x").endsWith("y").hasSize(2000);
  }
}
