package io.switchboard.tenancy.secrets;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import javax.crypto.AEADBadTagException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded secret store: values encrypted with AES-256-GCM under the {@link MasterKey} (the
 * current key of a {@link MasterKeyRing}, any of whose keys opens what it sealed) and kept
 * in PostgreSQL (table {@code tenant_secrets}), one row per tenant and name holding the latest
 * version. Queries go through the reactive pool and the crypto is CPU only, so nothing blocks.
 *
 * <p>A put locks the secret's row for the length of a short transaction, so concurrent puts of one
 * name get consecutive version numbers. A delete keeps an empty row behind, so a name's version
 * numbers are never reused. A row that does not decrypt (written under another master key, or
 * tampered with, or copied from another tenant, name or version) fails with
 * {@link SecretStoreException.Reason#UNREADABLE}; its plaintext is never returned.
 */
public final class LocalSecretStore implements SecretStore {

  private static final String FOREIGN_KEY_VIOLATION = "23503";

  private static final String GET = """
      SELECT version, key_id, nonce, ciphertext FROM tenant_secrets
      WHERE tenant_id = $1 AND name = $2 AND ciphertext IS NOT NULL""";

  /** Creates the row if needed and locks it; answers the current version (0 for a new name). */
  private static final String LOCK_FOR_PUT = """
      INSERT INTO tenant_secrets (tenant_id, name, version) VALUES ($1, $2, 0)
      ON CONFLICT (tenant_id, name) DO UPDATE SET version = tenant_secrets.version
      RETURNING version""";

  private static final String WRITE = """
      UPDATE tenant_secrets SET version = $3, key_id = $4, nonce = $5, ciphertext = $6, updated_at = now()
      WHERE tenant_id = $1 AND name = $2
      RETURNING version, updated_at""";

  private static final String LIST = """
      SELECT name, version, updated_at FROM tenant_secrets
      WHERE tenant_id = $1 AND ciphertext IS NOT NULL ORDER BY name""";

  private static final String DELETE = """
      UPDATE tenant_secrets SET key_id = NULL, nonce = NULL, ciphertext = NULL, updated_at = now()
      WHERE tenant_id = $1 AND name = $2 AND ciphertext IS NOT NULL""";

  private static final String UNDER_PREVIOUS_KEYS = """
      SELECT tenant_id, name, version, key_id, nonce, ciphertext FROM tenant_secrets
      WHERE ciphertext IS NOT NULL AND key_id <> $1""";

  /** Re-seals a value only if nobody wrote the name since it was read. */
  private static final String RESEAL = """
      UPDATE tenant_secrets SET key_id = $5, nonce = $6, ciphertext = $7
      WHERE tenant_id = $1 AND name = $2 AND version = $3 AND key_id = $4""";

  /** What re-sealing under the current key did. */
  public record Resealed(int resealed, List<String> unreadable) {
  }

  private final Pool pool;
  private final MasterKeyRing keys;
  private final SecretCipher cipher;

  public LocalSecretStore(Pool pool, MasterKey masterKey) {
    this(pool, MasterKeyRing.of(masterKey));
  }

  /** A store that writes under the ring's current key and reads under any of its keys. */
  public LocalSecretStore(Pool pool, MasterKeyRing keys) {
    this.pool = pool;
    this.keys = keys;
    this.cipher = new SecretCipher(keys.current());
  }

  /**
   * Re-seals every value stored under a previous key of the ring under the current one, so the
   * previous keys can be dropped. A value whose key is not in the ring, or that does not open, is
   * left as it is and named; a value written meanwhile is already under the current key.
   */
  public Future<Resealed> resealUnderCurrentKey() {
    return pool.preparedQuery(UNDER_PREVIOUS_KEYS).execute(Tuple.of(cipher.keyId())).compose(rows -> {
      List<String> unreadable = new ArrayList<>();
      List<Tuple> updates = new ArrayList<>();
      for (Row row : rows) {
        String tenantId = row.getString("tenant_id");
        String name = row.getString("name");
        long version = row.getLong("version");
        String keyId = row.getString("key_id");
        Optional<MasterKey> key = keys.byId(keyId);
        try {
          if (key.isEmpty()) {
            throw new AEADBadTagException("master key " + keyId + " is not in the ring");
          }
          String value = new SecretCipher(key.get()).open(tenantId, name, version,
              row.getBuffer("nonce").getBytes(), row.getBuffer("ciphertext").getBytes());
          SecretCipher.Sealed sealed = cipher.seal(tenantId, name, version, value);
          updates.add(Tuple.of(tenantId, name, version, keyId, cipher.keyId(), Buffer.buffer(sealed.nonce()),
              Buffer.buffer(sealed.ciphertext())));
        } catch (AEADBadTagException e) {
          unreadable.add(tenantId + "/" + name + " (master key " + keyId + ")");
        }
      }
      if (updates.isEmpty()) {
        return Future.succeededFuture(new Resealed(0, unreadable));
      }
      return pool.preparedQuery(RESEAL).executeBatch(updates).map(result -> {
        int resealed = 0;
        for (var batch = result; batch != null; batch = batch.next()) {
          resealed += batch.rowCount();
        }
        return new Resealed(resealed, unreadable);
      });
    });
  }

  @Override
  public Future<Optional<String>> get(String tenantId, String name) {
    try {
      SecretNames.check(tenantId, name);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(GET).execute(Tuple.of(tenantId, name)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      Row row = rows.iterator().next();
      long version = row.getLong("version");
      String keyId = row.getString("key_id");
      Optional<MasterKey> key = keys.byId(keyId);
      if (key.isEmpty()) {
        return Future.failedFuture(unreadable(tenantId, name, version, "it was encrypted under master key "
            + keyId + " but this node has master key(s) " + String.join(", ", keys.ids())
            + "; start it with the master key the secret was stored with (or list it in "
            + MasterKeyRing.PREVIOUS_VARIABLE + ")"));
      }
      try {
        return Future.succeededFuture(Optional.of(new SecretCipher(key.get()).open(tenantId, name, version,
            row.getBuffer("nonce").getBytes(), row.getBuffer("ciphertext").getBytes())));
      } catch (AEADBadTagException e) {
        return Future.failedFuture(unreadable(tenantId, name, version,
            "the stored ciphertext does not authenticate: it was tampered with, or copied from another "
                + "tenant, name or version"));
      }
    });
  }

  @Override
  public Future<SecretVersion> put(String tenantId, String name, String value) {
    try {
      SecretNames.check(tenantId, name);
      SecretNames.checkValue(value);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return pool.withTransaction(tx -> write(tx, tenantId, name, value))
        .recover(e -> Future.failedFuture(e instanceof PgException pg && FOREIGN_KEY_VIOLATION.equals(pg.getSqlState())
            ? new SecretStoreException(SecretStoreException.Reason.UNKNOWN_TENANT,
                "cannot store secret '" + name + "': there is no tenant '" + tenantId + "'")
            : e));
  }

  private Future<SecretVersion> write(SqlConnection tx, String tenantId, String name, String value) {
    return tx.preparedQuery(LOCK_FOR_PUT).execute(Tuple.of(tenantId, name)).compose(locked -> {
      long version = locked.iterator().next().getLong("version") + 1;
      SecretCipher.Sealed sealed = cipher.seal(tenantId, name, version, value);
      Tuple args = Tuple.of(tenantId, name, version, cipher.keyId(),
          Buffer.buffer(sealed.nonce()), Buffer.buffer(sealed.ciphertext()));
      return tx.preparedQuery(WRITE).execute(args);
    }).map(rows -> {
      Row row = rows.iterator().next();
      return new SecretVersion(name, row.getLong("version"), row.getOffsetDateTime("updated_at").toInstant());
    });
  }

  @Override
  public Future<List<SecretVersion>> list(String tenantId) {
    try {
      SecretNames.checkTenantId(tenantId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(LIST).execute(Tuple.of(tenantId)).map(rows -> {
      List<SecretVersion> versions = new ArrayList<>(rows.size());
      for (Row row : rows) {
        versions.add(new SecretVersion(row.getString("name"), row.getLong("version"),
            row.getOffsetDateTime("updated_at").toInstant()));
      }
      return versions;
    });
  }

  @Override
  public Future<Boolean> delete(String tenantId, String name) {
    try {
      SecretNames.check(tenantId, name);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return pool.preparedQuery(DELETE).execute(Tuple.of(tenantId, name)).map(rows -> rows.rowCount() == 1);
  }

  private static SecretStoreException unreadable(String tenantId, String name, long version, String why) {
    return new SecretStoreException(SecretStoreException.Reason.UNREADABLE,
        "secret '" + name + "' (version " + version + ") of tenant '" + tenantId + "' cannot be decrypted: " + why);
  }
}
