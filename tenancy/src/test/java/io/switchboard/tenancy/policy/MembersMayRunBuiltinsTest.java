package io.switchboard.tenancy.policy;

import io.switchboard.tenancy.command.BuiltinCommand;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

class MembersMayRunBuiltinsTest {

  private final PolicyDecider decider = new MembersMayRunBuiltins();

  @ParameterizedTest
  @EnumSource(BuiltinCommand.class)
  void allowsEveryBuiltinWithAReason(BuiltinCommand command) {
    Decision decision = decider.decide(new CommandRequest("acme", "slack", "U123", "C456"), command);
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.reason()).isNotBlank().contains(command.word());
  }

  @ParameterizedTest
  @EnumSource(BuiltinCommand.class)
  void allowsEveryBuiltinWhateverTheRequester(BuiltinCommand command) {
    Decision decision = decider.decide(new CommandRequest("globex", "sandbox", "someone-else", null), command);
    assertThat(decision.allowed()).isTrue();
    assertThat(decision.reason()).isNotBlank();
  }
}
