package io.switchboard.gateway.progress;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("One job's message steps run one at a time; waiting progress lines collapse into the latest")
class JobMessageStepsTest {

  private final JobMessageSteps steps = new JobMessageSteps();
  private final List<String> shown = new ArrayList<>();

  @Test
  void linesWaitingForAStepCollapse() {
    Promise<Void> post = Promise.promise();
    steps.serially("acme", 1, () -> post.future());
    Future<Boolean> first = steps.progress("acme", 1, "step 1", this::show);
    Future<Boolean> second = steps.progress("acme", 1, "step 2", this::show);
    Future<Boolean> third = steps.progress("acme", 1, "step 3", this::show);
    assertThat(shown).isEmpty();
    assertThat(second.result()).isFalse();
    assertThat(third.result()).isFalse();

    post.complete();
    assertThat(first.result()).isTrue();
    assertThat(shown).containsExactly("step 3");
  }

  @Test
  void jobsAndTenantsDoNotWaitForEachOther() {
    Promise<Void> blocked = Promise.promise();
    steps.serially("acme", 1, () -> blocked.future());
    steps.progress("acme", 2, "other job", this::show);
    steps.progress("globex", 1, "other tenant", this::show);
    assertThat(shown).containsExactly("other job", "other tenant");
  }

  @Test
  void aFailedStepDoesNotStopTheNext() {
    steps.serially("acme", 1, () -> Future.failedFuture("connector down"));
    steps.progress("acme", 1, "after the failure", this::show);
    assertThat(shown).containsExactly("after the failure");
  }

  private Future<Void> show(String line) {
    shown.add(line);
    return Future.succeededFuture();
  }
}
