package io.switchboard.tenancy.secrets;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The rules every store applies to tenant ids, secret names and values, so that a name is always a
 * single safe path segment (no {@code /}, no {@code ..}) and a value fits in one row or one Vault
 * entry. Error messages never repeat the rejected name or value: a caller that swapped name and
 * value by mistake must not find the value in a log.
 */
public final class SecretNames {

  /** The largest value accepted, in UTF-8 bytes: 64 KiB. */
  public static final int MAX_VALUE_BYTES = 64 * 1024;

  /** What a name may look like: 1-128 letters, digits, {@code _ . -}, starting with a letter or digit. */
  public static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}");

  /** What a tenant id may look like (the same rule as the {@code tenants} table). */
  public static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

  private SecretNames() {
  }

  /** Throws {@link IllegalArgumentException} unless {@code tenantId} is a valid tenant id. */
  public static void checkTenantId(String tenantId) {
    if (tenantId == null || !TENANT_ID.matcher(tenantId).matches()) {
      throw new IllegalArgumentException(
          "tenant id is not valid: use 1 to 63 lower-case letters, digits or '-', starting with a letter or digit");
    }
  }

  /** Throws {@link IllegalArgumentException} unless {@code name} is a valid secret name. */
  public static void checkName(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("secret name must not be empty");
    }
    if (!NAME.matcher(name).matches() || name.contains("..")) {
      throw new IllegalArgumentException("secret name is not valid: use 1 to 128 letters, digits, '_', '.' or '-', "
          + "starting with a letter or digit, without '..' or '/'");
    }
  }

  /** Throws {@link IllegalArgumentException} unless {@code value} is non-empty and at most 64 KiB. */
  public static void checkValue(String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("secret value must not be empty");
    }
    // A UTF-8 character takes at most 3 bytes per UTF-16 char, so short strings need no encoding.
    if (value.length() * 3L > MAX_VALUE_BYTES) {
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_VALUE_BYTES) {
        throw new IllegalArgumentException("secret value is " + bytes + " bytes in UTF-8; the limit is "
            + MAX_VALUE_BYTES + " bytes (64 KiB)");
      }
    }
  }

  /** Checks tenant id and name. */
  static void check(String tenantId, String name) {
    checkTenantId(tenantId);
    checkName(name);
  }
}
