package io.switchboard.gateway.pacing;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The pace check tolerates a late arrival but not a burst")
class PacedTest {

  @Test
  void aLateArrivalPassesAndABurstFails() {
    assertThatCode(() -> Paced.assertPaced(List.of(0L, 50L, 100L, 150L), 50)).doesNotThrowAnyException();
    assertThatCode(() -> Paced.assertPaced(List.of(0L, 95L, 100L, 150L, 200L), 50)).doesNotThrowAnyException();
    assertThatThrownBy(() -> Paced.assertPaced(List.of(0L, 2L, 4L, 6L, 8L), 50)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> Paced.assertPaced(List.of(0L, 30L, 60L, 90L, 120L, 150L, 180L, 210L, 240L, 270L), 50))
        .as("a steady 30 ms pace where 50 ms were due").isInstanceOf(AssertionError.class);
  }
}
