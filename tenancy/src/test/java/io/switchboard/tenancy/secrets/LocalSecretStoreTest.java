package io.switchboard.tenancy.secrets;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalSecretStoreTest extends SecretStoreContract {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;
  private MasterKey key;
  private LocalSecretStore store;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
    key = MasterKey.generate();
    store = new LocalSecretStore(pool, key);
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Override
  SecretStore store() {
    return store;
  }

  @Test
  void valuesAreStoredEncryptedNeverInPlaintext() {
    String value = "plaintext-marker-4711";
    Await.result(store.put("acme", "db-password", value));
    Await.result(store.put("acme", "db-password", value));

    List<Row> rows = rows("SELECT * FROM tenant_secrets");
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    byte[] nonce = row.getBuffer("nonce").getBytes();
    byte[] ciphertext = row.getBuffer("ciphertext").getBytes();
    assertThat(nonce).hasSize(12);
    assertThat(ciphertext).as("ciphertext plus 16-byte tag").hasSize(value.length() + 16);
    assertThat(row.getString("key_id")).isEqualTo(key.id());
    byte[] plain = value.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < row.size(); i++) {
      Object column = row.getValue(i);
      byte[] bytes = column instanceof Buffer buffer ? buffer.getBytes()
          : String.valueOf(column).getBytes(StandardCharsets.UTF_8);
      assertThat(indexOf(bytes, plain)).as("column %s", row.getColumnName(i)).isEqualTo(-1);
      assertThat(String.valueOf(column)).doesNotContain(HexFormat.of().formatHex(plain));
    }
  }

  @Test
  void everyWriteUsesAFreshNonce() {
    Await.result(store.put("acme", "a", "same-value"));
    Await.result(store.put("globex", "a", "same-value"));
    Await.result(store.put("acme", "a", "same-value"));
    List<Row> rows = rows("SELECT nonce, ciphertext FROM tenant_secrets ORDER BY tenant_id");
    String firstAcme = HexFormat.of().formatHex(rows.get(0).getBuffer("nonce").getBytes());
    String globex = HexFormat.of().formatHex(rows.get(1).getBuffer("nonce").getBytes());
    assertThat(firstAcme).isNotEqualTo(globex);
    assertThat(rows.get(0).getBuffer("ciphertext")).isNotEqualTo(rows.get(1).getBuffer("ciphertext"));
  }

  @Test
  void aCiphertextMovedToAnotherTenantNameOrVersionDoesNotDecrypt() {
    Await.result(store.put("acme", "db-password", "acme-secret-value"));
    Await.result(store.put("globex", "db-password", "globex-secret-value"));
    Await.result(store.put("globex", "other", "globex-other-value"));

    // a tamperer with database access copies acme's ciphertext into globex's rows
    TestDatabase.execute(url, """
        UPDATE tenant_secrets g SET nonce = a.nonce, ciphertext = a.ciphertext, version = a.version
        FROM tenant_secrets a WHERE a.tenant_id = 'acme' AND a.name = 'db-password' AND g.tenant_id = 'globex'""");

    assertThatThrownBy(() -> Await.result(store.get("globex", "db-password")))
        .isInstanceOf(SecretStoreException.class)
        .satisfies(e -> assertThat(((SecretStoreException) e).reason()).isEqualTo(SecretStoreException.Reason.UNREADABLE))
        .hasMessageContaining("db-password").hasMessageContaining("globex").hasMessageContaining("tampered")
        .message().doesNotContain("acme-secret-value").doesNotContain("globex-secret-value");
    assertThatThrownBy(() -> Await.result(store.get("globex", "other")))
        .isInstanceOf(SecretStoreException.class).hasMessageContaining("does not authenticate")
        .message().doesNotContain("acme-secret-value");
    assertThat(Await.result(store.get("acme", "db-password"))).contains("acme-secret-value");

    // within one tenant: a name's ciphertext under another name, and an old version replayed
    Await.result(store.put("acme", "api-key", "acme-api-key-value"));
    TestDatabase.execute(url, """
        UPDATE tenant_secrets t SET nonce = s.nonce, ciphertext = s.ciphertext
        FROM tenant_secrets s WHERE s.tenant_id = 'acme' AND s.name = 'db-password'
        AND t.tenant_id = 'acme' AND t.name = 'api-key'""");
    assertThatThrownBy(() -> Await.result(store.get("acme", "api-key")))
        .isInstanceOf(SecretStoreException.class).message().doesNotContain("acme-secret-value");

    Await.result(store.put("acme", "db-password", "acme-secret-value-2"));
    TestDatabase.execute(url, "UPDATE tenant_secrets SET version = 1 WHERE tenant_id = 'acme' AND name = 'db-password'");
    assertThatThrownBy(() -> Await.result(store.get("acme", "db-password")))
        .as("version 2's ciphertext under version 1").isInstanceOf(SecretStoreException.class);
  }

  @Test
  void aFlippedBitIsDetected() {
    Await.result(store.put("acme", "db-password", "acme-secret-value"));
    TestDatabase.execute(url, "UPDATE tenant_secrets SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)");
    assertThatThrownBy(() -> Await.result(store.get("acme", "db-password")))
        .isInstanceOf(SecretStoreException.class).hasMessageContaining("tampered");
    TestDatabase.execute(url, "UPDATE tenant_secrets SET ciphertext = set_byte(ciphertext, 0, get_byte(ciphertext, 0) # 1)");
    assertThat(Await.result(store.get("acme", "db-password"))).contains("acme-secret-value");
    TestDatabase.execute(url, "UPDATE tenant_secrets SET nonce = set_byte(nonce, 11, get_byte(nonce, 11) # 128)");
    assertThatThrownBy(() -> Await.result(store.get("acme", "db-password"))).isInstanceOf(SecretStoreException.class);
  }

  @Test
  void anotherMasterKeyCannotDecrypt() {
    Await.result(store.put("acme", "db-password", "acme-secret-value"));
    MasterKey other = MasterKey.generate();
    LocalSecretStore otherNode = new LocalSecretStore(pool, other);
    assertThatThrownBy(() -> Await.result(otherNode.get("acme", "db-password")))
        .isInstanceOf(SecretStoreException.class)
        .hasMessageContaining("master key " + key.id()).hasMessageContaining(other.id())
        .message().doesNotContain("acme-secret-value");

    // even with the key id forged to match, the tag does not verify under the wrong key
    TestDatabase.execute(url, "UPDATE tenant_secrets SET key_id = '" + other.id() + "'");
    assertThatThrownBy(() -> Await.result(otherNode.get("acme", "db-password")))
        .isInstanceOf(SecretStoreException.class).hasMessageContaining("does not authenticate");
  }

  @Test
  void aSecretSurvivesANewStoreWithTheSameKey() {
    Await.result(store.put("acme", "db-password", "acme-secret-value"));
    MasterKey sameKey = MasterKey.fromBase64(base64Of(key));
    assertThat(Await.result(new LocalSecretStore(pool, sameKey).get("acme", "db-password"))).contains("acme-secret-value");
  }

  @Test
  void concurrentPutsGetDistinctConsecutiveVersions() {
    List<Future<SecretVersion>> puts = IntStream.rangeClosed(1, 12)
        .mapToObj(i -> store.put("acme", "rotating", "value-" + i)).toList();
    List<Long> versions = puts.stream().map(f -> Await.result(f).version()).sorted().toList();
    assertThat(versions).containsExactlyElementsOf(IntStream.rangeClosed(1, 12).mapToObj(i -> (long) i).toList());
    assertThat(Await.result(store.list("acme"))).extracting(SecretVersion::version).containsExactly(12L);
  }

  @Test
  void versionNumbersAreNotReusedAfterADelete() {
    Await.result(store.put("acme", "db-password", "first-value"));
    Await.result(store.put("acme", "db-password", "second-value"));
    assertThat(Await.result(store.delete("acme", "db-password"))).isTrue();
    assertThat(rows("SELECT * FROM tenant_secrets WHERE ciphertext IS NOT NULL OR nonce IS NOT NULL")).isEmpty();
    assertThat(Await.result(store.put("acme", "db-password", "third-value")).version()).isEqualTo(3);
    assertThat(Await.result(store.get("acme", "db-password"))).contains("third-value");
  }

  @Test
  void aSecretOfAnUnknownTenantIsRefused() {
    assertThatThrownBy(() -> Await.result(store.put("initech", "db-password", "value-1")))
        .isInstanceOf(SecretStoreException.class)
        .satisfies(e -> assertThat(((SecretStoreException) e).reason()).isEqualTo(SecretStoreException.Reason.UNKNOWN_TENANT))
        .hasMessageContaining("no tenant 'initech'").message().doesNotContain("value-1");
    assertThat(Await.result(store.get("initech", "db-password"))).isEmpty();
  }

  private List<Row> rows(String sql) {
    return Await.result(pool.query(sql).execute().map(result -> {
      List<Row> list = new ArrayList<>();
      result.forEach(list::add);
      return list;
    }));
  }

  private static String base64Of(MasterKey key) {
    return java.util.Base64.getEncoder().encodeToString(key.secretKey().getEncoded());
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
