package io.switchboard.tenancy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("WorkspaceClaims.codeIn: only a message that is exactly verify <claim code> is a verification")
class WorkspaceClaimCodeTest {

  private static final String CODE = "sbc_0123456789abcdef01234567";

  @Test
  @DisplayName("verify and a code, in any case and with surrounding space, gives the code in lower case")
  void verifyWithACode() {
    assertThat(WorkspaceClaims.codeIn("verify " + CODE)).contains(CODE);
    assertThat(WorkspaceClaims.codeIn("  VERIFY   " + CODE.toUpperCase() + " ")).contains(CODE);
  }

  @Test
  @DisplayName("anything else is an ordinary command, so a tenant's own verify command keeps working")
  void anythingElse() {
    assertThat(WorkspaceClaims.codeIn("verify")).isEmpty();
    assertThat(WorkspaceClaims.codeIn("verify production api")).isEmpty();
    assertThat(WorkspaceClaims.codeIn("verify " + CODE + " now")).isEmpty();
    assertThat(WorkspaceClaims.codeIn("verify " + CODE.substring(0, CODE.length() - 1))).isEmpty();
    assertThat(WorkspaceClaims.codeIn("verify " + CODE + "0")).isEmpty();
    assertThat(WorkspaceClaims.codeIn("please verify " + CODE)).isEmpty();
    assertThat(WorkspaceClaims.codeIn(null)).isEmpty();
  }
}
