package io.switchboard.tenancy.secrets;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which secret store a node uses and how it is configured, read once from environment variables at
 * start-up. A bad or missing value fails with a message naming the variable; {@code toString}
 * never shows a key, token or secret id.
 *
 * <table>
 *   <caption>Variables</caption>
 *   <tr><td>{@value #STORE}</td><td>{@code local} (default) or {@code vault}</td></tr>
 *   <tr><td>{@value #MASTER_KEY}</td><td>local: base64 of 32 bytes; default: {@code <data dir>/master.key}</td></tr>
 *   <tr><td>{@value #VAULT_ADDR}</td><td>vault: base URL, required</td></tr>
 *   <tr><td>{@value #VAULT_TOKEN}</td><td>vault: a token, or else</td></tr>
 *   <tr><td>{@value #VAULT_ROLE_ID}, {@value #VAULT_SECRET_ID}</td><td>vault: AppRole credentials</td></tr>
 *   <tr><td>{@value #VAULT_KV_MOUNT}</td><td>vault: KV v2 mount, default {@code secret}</td></tr>
 *   <tr><td>{@value #VAULT_PATH_PREFIX}</td><td>vault: default {@code switchboard/tenants}; {@code /} for none</td></tr>
 *   <tr><td>{@value #VAULT_CACHE_SECONDS}</td><td>vault: read cache TTL, default 30, 0 turns it off</td></tr>
 *   <tr><td>{@value #VAULT_CACERT}</td><td>vault: PEM file of the CA certificate(s) to trust instead of the JVM's;
 *       read here, at start-up</td></tr>
 *   <tr><td>{@value #VAULT_SKIP_VERIFY}</td><td>vault: {@code true} to check no certificate at all (development
 *       only); default {@code false}; not together with {@value #VAULT_CACERT}</td></tr>
 * </table>
 *
 * @param backend which store to use
 * @param masterKey the local store's key from {@value #MASTER_KEY}, when given; see {@link MasterKey#load}
 * @param vault the Vault settings; present exactly when {@code backend} is {@link Backend#VAULT}
 */
public record SecretStoreSettings(Backend backend, Optional<MasterKey> masterKey, Optional<VaultSettings> vault,
                                  List<MasterKey> previousMasterKeys) {

  public static final String STORE = "SWITCHBOARD_SECRET_STORE";
  public static final String MASTER_KEY = MasterKey.ENV_VARIABLE;
  public static final String VAULT_ADDR = "SWITCHBOARD_VAULT_ADDR";
  public static final String VAULT_TOKEN = "SWITCHBOARD_VAULT_TOKEN";
  public static final String VAULT_ROLE_ID = "SWITCHBOARD_VAULT_ROLE_ID";
  public static final String VAULT_SECRET_ID = "SWITCHBOARD_VAULT_SECRET_ID";
  public static final String VAULT_KV_MOUNT = "SWITCHBOARD_VAULT_KV_MOUNT";
  public static final String VAULT_PATH_PREFIX = "SWITCHBOARD_VAULT_PATH_PREFIX";
  public static final String VAULT_CACHE_SECONDS = "SWITCHBOARD_VAULT_CACHE_SECONDS";
  public static final String VAULT_CACERT = "SWITCHBOARD_VAULT_CACERT";
  public static final String VAULT_SKIP_VERIFY = "SWITCHBOARD_VAULT_SKIP_VERIFY";
  /** Read only to tell a node that shares its database from the embedded one (see {@link #fromEnv}). */
  public static final String DATABASE_URL = "SWITCHBOARD_DATABASE_URL";

  /** The two implementations. */
  public enum Backend { LOCAL, VAULT }

  public SecretStoreSettings {
    if ((backend == Backend.VAULT) != vault.isPresent()) {
      throw new IllegalArgumentException("Vault settings must be given exactly when the backend is vault");
    }
    previousMasterKeys = List.copyOf(previousMasterKeys);
    if (!previousMasterKeys.isEmpty() && masterKey.isEmpty()) {
      throw new IllegalArgumentException(MasterKeyRing.PREVIOUS_VARIABLE + " is set but " + MASTER_KEY
          + " is not: a rotation names the new key in " + MASTER_KEY + " and the old ones in "
          + MasterKeyRing.PREVIOUS_VARIABLE);
    }
  }

  /** Settings without a rotation under way. */
  public SecretStoreSettings(Backend backend, Optional<MasterKey> masterKey, Optional<VaultSettings> vault) {
    this(backend, masterKey, vault, List.of());
  }

  /** The node's master keys, its current one {@code current} (from the variable or the key file). */
  public MasterKeyRing ring(MasterKey current) {
    return new MasterKeyRing(current, previousMasterKeys);
  }

  /** The zero-configuration default: the local store with the key file in the data directory. */
  public static SecretStoreSettings local() {
    return new SecretStoreSettings(Backend.LOCAL, Optional.empty(), Optional.empty());
  }

  /**
   * Reads the settings from environment variables (pass {@code System.getenv()}). With the local
   * store and an external database ({@value #DATABASE_URL} set), {@value #MASTER_KEY} is required:
   * a key file in each node's own data directory would give each node a different key.
   */
  public static SecretStoreSettings fromEnv(Map<String, String> env) {
    Optional<MasterKey> masterKey = optional(env, MASTER_KEY).map(MasterKey::fromBase64);
    List<MasterKey> previous = optional(env, MasterKeyRing.PREVIOUS_VARIABLE)
        .map(MasterKeyRing::previousFromBase64).orElse(List.of());
    masterKey.ifPresent(current -> new MasterKeyRing(current, previous));
    String store = optional(env, STORE).orElse("local").toLowerCase(Locale.ROOT);
    switch (store) {
      case "local" -> {
        for (String name : new String[] {VAULT_ADDR, VAULT_TOKEN, VAULT_ROLE_ID, VAULT_SECRET_ID, VAULT_CACERT}) {
          if (optional(env, name).isPresent()) {
            throw new IllegalArgumentException(name + " is set but " + STORE + " is 'local'; set "
                + STORE + "=vault to use Vault, or unset the SWITCHBOARD_VAULT_* variables");
          }
        }
        if (masterKey.isEmpty() && optional(env, DATABASE_URL).isPresent()) {
          throw new IllegalArgumentException(MASTER_KEY + " is required when " + DATABASE_URL + " is set: nodes "
              + "sharing a database must share the master key, or secrets written by one cannot be read by another. "
              + "Set it (openssl rand -base64 32) on every node, or use " + STORE + "=vault");
        }
        return new SecretStoreSettings(Backend.LOCAL, masterKey, Optional.empty(), previous);
      }
      case "vault" -> {
        return new SecretStoreSettings(Backend.VAULT, masterKey, Optional.of(vault(env)), previous);
      }
      default -> throw new IllegalArgumentException(STORE + " must be 'local' or 'vault' (got '" + store + "')");
    }
  }

  private static VaultSettings vault(Map<String, String> env) {
    String address = VaultSettings.address(optional(env, VAULT_ADDR).orElseThrow(() -> new IllegalArgumentException(
        VAULT_ADDR + " is required when " + STORE + "=vault")), VAULT_ADDR);
    Optional<String> token = optional(env, VAULT_TOKEN);
    Optional<String> roleId = optional(env, VAULT_ROLE_ID);
    Optional<String> secretId = optional(env, VAULT_SECRET_ID);
    VaultAuth auth;
    if (token.isPresent()) {
      if (roleId.isPresent() || secretId.isPresent()) {
        throw new IllegalArgumentException("set either " + VAULT_TOKEN + ", or " + VAULT_ROLE_ID + " and "
            + VAULT_SECRET_ID + ", not both");
      }
      auth = new VaultAuth.Token(token.get());
    } else if (roleId.isPresent() && secretId.isPresent()) {
      auth = new VaultAuth.AppRole(roleId.get(), secretId.get());
    } else if (roleId.isPresent() || secretId.isPresent()) {
      throw new IllegalArgumentException((roleId.isPresent() ? VAULT_SECRET_ID : VAULT_ROLE_ID)
          + " is required with " + (roleId.isPresent() ? VAULT_ROLE_ID : VAULT_SECRET_ID) + " (AppRole login)");
    } else {
      throw new IllegalArgumentException(STORE + "=vault needs " + VAULT_TOKEN + ", or " + VAULT_ROLE_ID
          + " and " + VAULT_SECRET_ID);
    }
    String mount = VaultSettings.path(optional(env, VAULT_KV_MOUNT).orElse(VaultSettings.DEFAULT_KV_MOUNT),
        VAULT_KV_MOUNT, false);
    String prefix = VaultSettings.path(optional(env, VAULT_PATH_PREFIX).orElse(VaultSettings.DEFAULT_PATH_PREFIX),
        VAULT_PATH_PREFIX, true);
    return new VaultSettings(address, auth, mount, prefix, cacheTtl(env), tls(env, address));
  }

  /** Reads and checks the CA file here, on the starting thread: it is file IO. */
  private static VaultTls tls(Map<String, String> env, String address) {
    Optional<String> caCert = optional(env, VAULT_CACERT);
    boolean skipVerify = skipVerify(env);
    if (skipVerify && caCert.isPresent()) {
      throw new IllegalArgumentException(VAULT_SKIP_VERIFY + "=true and " + VAULT_CACERT + " contradict each other: "
          + "keep " + VAULT_CACERT + " to verify Vault's certificate against that CA, or unset it to skip verification");
    }
    if ((skipVerify || caCert.isPresent()) && !address.startsWith("https://")) {
      throw new IllegalArgumentException((skipVerify ? VAULT_SKIP_VERIFY : VAULT_CACERT) + " is set but "
          + VAULT_ADDR + " is not an https:// URL (got '" + address + "'); use https:// or unset it");
    }
    if (skipVerify) {
      return VaultTls.skipVerify();
    }
    if (caCert.isEmpty()) {
      return VaultTls.jvmTrust();
    }
    Path file;
    try {
      file = Path.of(caCert.get());
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(VAULT_CACERT + " is not a valid file path (" + e.getMessage() + ")");
    }
    return VaultTls.caFile(file, VAULT_CACERT);
  }

  private static boolean skipVerify(Map<String, String> env) {
    String value = optional(env, VAULT_SKIP_VERIFY).orElse("false").toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(VAULT_SKIP_VERIFY + " must be true or false (got '" + value + "')");
    };
  }

  private static Duration cacheTtl(Map<String, String> env) {
    Optional<String> value = optional(env, VAULT_CACHE_SECONDS);
    if (value.isEmpty()) {
      return VaultSettings.DEFAULT_CACHE_TTL;
    }
    try {
      int seconds = Integer.parseInt(value.get());
      if (seconds >= 0) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(VAULT_CACHE_SECONDS + " must be a whole number of seconds, 0 or more (got '"
        + value.get() + "')");
  }

  private static Optional<String> optional(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }
}
