package io.switchboard.tenancy.secrets;

import java.time.Instant;

/**
 * One version of a secret, without its value.
 *
 * @param name the secret's name
 * @param version its version number, 1 for the first
 * @param updatedAt when this version was written
 */
public record SecretVersion(String name, long version, Instant updatedAt) {
}
