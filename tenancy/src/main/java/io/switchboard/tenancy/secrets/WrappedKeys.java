package io.switchboard.tenancy.secrets;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import javax.crypto.AEADBadTagException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keys every node of a deployment shares, kept in PostgreSQL (table {@code wrapped_keys}) sealed with
 * AES-256-GCM under the master key, so that they outlive a master-key rotation: the first node to
 * need one stores it, sealed under its current master key; later nodes open it with whichever key of
 * their {@link MasterKeyRing} it names; a rotation re-seals it ({@link #resealUnderCurrentKey}).
 * The database never holds a key in the clear.
 */
public final class WrappedKeys {

  private static final String READ = "SELECT key_id, nonce, ciphertext FROM wrapped_keys WHERE name = $1";
  private static final String CREATE = """
      INSERT INTO wrapped_keys (name, key_id, nonce, ciphertext) VALUES ($1, $2, $3, $4)
      ON CONFLICT (name) DO NOTHING""";
  private static final String NAMES = "SELECT name FROM wrapped_keys ORDER BY name";
  private static final String RESEAL = """
      UPDATE wrapped_keys SET key_id = $3, nonce = $4, ciphertext = $5, sealed_at = now()
      WHERE name = $1 AND key_id = $2""";

  private final Pool pool;
  private final MasterKeyRing keys;

  public WrappedKeys(Pool pool, MasterKeyRing keys) {
    this.pool = pool;
    this.keys = keys;
  }

  /**
   * The key named {@code name}: opened from its row, or, when there is none yet, {@code initial}
   * sealed under the current master key and stored (if another node stored one first, theirs).
   * Fails when the row names a master key the ring lacks, or does not open.
   */
  public Future<byte[]> openOrCreate(String name, Supplier<byte[]> initial) {
    return read(name).compose(found -> {
      if (found != null) {
        return Future.succeededFuture(found);
      }
      SecretCipher cipher = new SecretCipher(keys.current());
      SecretCipher.Sealed sealed = cipher.sealKey(name, initial.get());
      return pool.preparedQuery(CREATE).execute(Tuple.of(name, cipher.keyId(), Buffer.buffer(sealed.nonce()),
          Buffer.buffer(sealed.ciphertext()))).compose(created -> read(name));
    });
  }

  /** Re-seals every stored key under the ring's current master key; answers the names it re-sealed. */
  public Future<List<String>> resealAllUnderCurrentKey() {
    return pool.query(NAMES).execute().compose(rows -> {
      List<String> names = new ArrayList<>();
      rows.forEach(row -> names.add(row.getString("name")));
      List<String> resealed = new ArrayList<>();
      Future<Void> chain = Future.succeededFuture();
      for (String name : names) {
        chain = chain.compose(v -> resealUnderCurrentKey(name).map(done -> {
          if (done) {
            resealed.add(name);
          }
          return null;
        }));
      }
      return chain.map(resealed);
    });
  }

  /** Re-seals the key under the ring's current master key; answers whether it had to. */
  public Future<Boolean> resealUnderCurrentKey(String name) {
    return pool.preparedQuery(READ).execute(Tuple.of(name)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(false);
      }
      Row row = rows.iterator().next();
      String keyId = row.getString("key_id");
      if (keyId.equals(keys.current().id())) {
        return Future.succeededFuture(false);
      }
      byte[] key;
      try {
        key = open(name, row);
      } catch (IllegalStateException e) {
        return Future.failedFuture(e);
      }
      SecretCipher cipher = new SecretCipher(keys.current());
      SecretCipher.Sealed sealed = cipher.sealKey(name, key);
      return pool.preparedQuery(RESEAL).execute(Tuple.of(name, keyId, cipher.keyId(), Buffer.buffer(sealed.nonce()),
          Buffer.buffer(sealed.ciphertext()))).map(updated -> updated.rowCount() == 1);
    });
  }

  private Future<byte[]> read(String name) {
    return pool.preparedQuery(READ).execute(Tuple.of(name)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(null);
      }
      try {
        return Future.succeededFuture(open(name, rows.iterator().next()));
      } catch (IllegalStateException e) {
        return Future.failedFuture(e);
      }
    });
  }

  private byte[] open(String name, Row row) {
    String keyId = row.getString("key_id");
    MasterKey key = keys.byId(keyId).orElseThrow(() -> new IllegalStateException("the " + name + " key is sealed "
        + "under master key " + keyId + ", which this node lacks (it has " + String.join(", ", keys.ids())
        + "): start it with that key as " + MasterKey.ENV_VARIABLE + " or in " + MasterKeyRing.PREVIOUS_VARIABLE));
    try {
      return new SecretCipher(key).openKey(name, row.getBuffer("nonce").getBytes(),
          row.getBuffer("ciphertext").getBytes());
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("the " + name + " key does not open under master key " + keyId
          + ": its row in wrapped_keys was altered");
    }
  }
}
