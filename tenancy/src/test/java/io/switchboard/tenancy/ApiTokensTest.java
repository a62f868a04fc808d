package io.switchboard.tenancy;

import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.testkit.Await;
import io.switchboard.testkit.TestDatabase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ApiTokensTest {

  private Vertx vertx;
  private DatabaseUrl url;
  private Pool pool;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    url = TestDatabase.fresh();
    pool = TestDatabase.pool(vertx, url);
    TestDatabase.execute(url, "INSERT INTO tenants (id, name) VALUES ('acme', 'Acme'), ('globex', 'Globex')");
  }

  @AfterEach
  void tearDown() {
    Await.result(vertx.close());
  }

  @Test
  void aStoredTokenAuthenticatesToItsTenant() {
    String token = ApiTokens.generate();
    Await.result(ApiTokens.store(pool, "acme", token, "ci"));
    assertThat(Await.result(ApiTokens.authenticate(pool, token))).contains("acme");
    assertThat(Await.result(ApiTokens.countActive(pool, "acme"))).isEqualTo(1L);
    assertThat(Await.result(ApiTokens.countActive(pool, "globex"))).isZero();
  }

  @Test
  void onlyTheSha256OfTheTokenIsStored() {
    String token = ApiTokens.generate();
    Await.result(ApiTokens.store(pool, "acme", token, "ci"));
    List<Row> rows = Await.result(pool.query("SELECT * FROM api_tokens").execute().map(r -> {
      List<Row> list = new ArrayList<>();
      r.forEach(list::add);
      return list;
    }));
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.getString("tenant_id")).isEqualTo("acme");
    assertThat(row.getString("label")).isEqualTo("ci");
    assertThat(row.getString("token_hash")).isEqualTo(sha256Hex(token)).matches("[0-9a-f]{64}");
    for (int i = 0; i < row.size(); i++) {
      Object value = row.getValue(i);
      assertThat(String.valueOf(value)).as("column %s", row.getColumnName(i))
          .doesNotContain(token)
          .doesNotContain(token.substring(ApiTokens.PREFIX.length()));
    }
  }

  @Test
  void storingTheSameTokenTwiceKeepsOneRow() {
    String token = ApiTokens.generate();
    Await.result(ApiTokens.store(pool, "acme", token, "first"));
    Await.result(ApiTokens.store(pool, "acme", token, "second"));
    assertThat(Await.result(ApiTokens.countActive(pool, "acme"))).isEqualTo(1L);
    assertThat(Await.result(ApiTokens.authenticate(pool, token))).contains("acme");
  }

  @Test
  void anUnknownTokenIsNotAuthenticated() {
    String token = ApiTokens.generate();
    Await.result(ApiTokens.store(pool, "acme", token, "ci"));
    assertThat(Await.result(ApiTokens.authenticate(pool, ApiTokens.generate()))).isEmpty();
    assertThat(Await.result(ApiTokens.authenticate(pool, ""))).isEmpty();
    assertThat(Await.result(ApiTokens.authenticate(pool, sha256Hex(token))))
        .as("the stored hash itself is not a token").isEmpty();
    assertThat(Await.result(ApiTokens.authenticate(pool, token + "x"))).isEmpty();
  }

  @Test
  void aRevokedTokenStopsWorkingAtOnce() {
    String token = ApiTokens.generate();
    String other = ApiTokens.generate();
    Await.result(ApiTokens.store(pool, "acme", token, "ci"));
    Await.result(ApiTokens.store(pool, "acme", other, "laptop"));
    assertThat(Await.result(ApiTokens.authenticate(pool, token))).contains("acme");

    TestDatabase.execute(url, "UPDATE api_tokens SET revoked_at = now() WHERE token_hash = '" + sha256Hex(token) + "'");

    assertThat(Await.result(ApiTokens.authenticate(pool, token))).isEmpty();
    assertThat(Await.result(ApiTokens.authenticate(pool, other))).contains("acme");
    assertThat(Await.result(ApiTokens.countActive(pool, "acme"))).isEqualTo(1L);
  }

  @Test
  void aSuspendedTenantsTokenIsNotAuthenticated() {
    String acme = ApiTokens.generate();
    String globex = ApiTokens.generate();
    Await.result(ApiTokens.store(pool, "acme", acme, "ci"));
    Await.result(ApiTokens.store(pool, "globex", globex, "ci"));
    assertThat(Await.result(ApiTokens.authenticate(pool, acme))).contains("acme");

    TestDatabase.execute(url, "UPDATE tenants SET status = 'suspended' WHERE id = 'acme'");

    assertThat(Await.result(ApiTokens.authenticate(pool, acme))).isEmpty();
    assertThat(Await.result(ApiTokens.authenticate(pool, globex))).contains("globex");
  }

  @Test
  void eachTenantsTokenAuthenticatesOnlyToThatTenant() {
    List<String> acmeTokens = List.of(ApiTokens.generate(), ApiTokens.generate(), ApiTokens.generate());
    List<String> globexTokens = List.of(ApiTokens.generate(), ApiTokens.generate());
    for (String token : acmeTokens) {
      Await.result(ApiTokens.store(pool, "acme", token, "acme"));
    }
    for (String token : globexTokens) {
      Await.result(ApiTokens.store(pool, "globex", token, "globex"));
    }
    for (String token : acmeTokens) {
      assertThat(Await.result(ApiTokens.authenticate(pool, token))).contains("acme");
    }
    for (String token : globexTokens) {
      assertThat(Await.result(ApiTokens.authenticate(pool, token))).contains("globex");
    }
    assertThat(Await.result(ApiTokens.countActive(pool, "acme"))).isEqualTo(3L);
    assertThat(Await.result(ApiTokens.countActive(pool, "globex"))).isEqualTo(2L);
  }

  @Test
  void aRevokedOrForeignTokenCannotBeStoredAgain() {
    String token = ApiTokens.generate();
    Await.result(ApiTokens.store(pool, "acme", token, "ci"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Await.result(ApiTokens.store(pool, "globex", token, "steal")))
        .hasMessageContaining("revoked or is in use elsewhere");
    TestDatabase.execute(url, "UPDATE api_tokens SET revoked_at = now()");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Await.result(ApiTokens.store(pool, "acme", token, "again")))
        .hasMessageContaining("revoked");
    assertThat(Await.result(ApiTokens.authenticate(pool, token))).isEmpty();
  }

  @Test
  void generatedTokensAreDistinctAndPrefixed() {
    Set<String> tokens = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String token = ApiTokens.generate();
      assertThat(token).startsWith("sbt_").startsWith(ApiTokens.PREFIX);
      assertThat(token.substring(ApiTokens.PREFIX.length())).matches("[0-9a-f]{48}");
      tokens.add(token);
    }
    assertThat(tokens).hasSize(200);
  }

  static String sha256Hex(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
