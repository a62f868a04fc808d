package io.switchboard.tenancy.secrets;

/** How the {@link VaultSecretStore} authenticates to Vault. {@code toString} never shows credentials. */
public sealed interface VaultAuth {

  /** A Vault token given by the operator; renewed while it is renewable, never replaced. */
  record Token(String token) implements VaultAuth {
    public Token {
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException("Vault token must not be empty");
      }
    }

    @Override
    public String toString() {
      return "Token[<redacted>]";
    }
  }

  /**
   * AppRole login ({@code auth/approle/login}) with a role id and secret id; the store logs in
   * again when its token can no longer be renewed or Vault refuses it.
   */
  record AppRole(String roleId, String secretId) implements VaultAuth {
    public AppRole {
      if (roleId == null || roleId.isBlank() || secretId == null || secretId.isBlank()) {
        throw new IllegalArgumentException("AppRole needs a role id and a secret id");
      }
    }

    @Override
    public String toString() {
      return "AppRole[roleId=<redacted>, secretId=<redacted>]";
    }
  }
}
