package io.switchboard.deploy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("PromQl finds the metric names an expression reads, and nothing else")
class PromQlTest {

  @Test
  void namesNotFunctionsLabelsOrKeywords() {
    assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, platform) (rate(switchboard_x_bucket"
        + "{outcome=\"ok\",route=~\"a|b\"}[$__rate_interval])))")).containsExactly("switchboard_x_bucket");
    assertThat(PromQl.metricNames("sum by (platform) (increase(a_total{outcome=\"abandoned\"}[15m])) > 0 "
        + "or sum without (x) (b_total offset 5m) / on (instance) group_left (role) c > bool 1e3"))
        .containsExactly("a_total", "b_total", "c");
    assertThat(PromQl.metricNames("absent(up{job=\"switchboard\"}) and max(d:recorded) == 0")).containsExactly("d:recorded", "up");
  }
}
