package io.switchboard.gateway.slack.oauth;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Makes an OAuth state good for one installation: the first redemption of a nonce wins, a second
 * (a replayed callback URL) is refused. Redeemed nonces are kept until their state expires; expired
 * ones are deleted on the way. This table names no tenant because a state is redeemed before any
 * tenant is known.
 */
public final class OAuthStateRedemptions {

  private static final String REDEEM = """
      WITH purged AS (DELETE FROM slack_oauth_states WHERE expires_at < now())
      INSERT INTO slack_oauth_states (nonce, expires_at) VALUES ($1, $2)
      ON CONFLICT (nonce) DO NOTHING RETURNING nonce""";

  private final Pool pool;

  public OAuthStateRedemptions(Pool pool) {
    this.pool = pool;
  }

  /** True the first time a nonce is redeemed, false ever after (until it has expired anyway). */
  public Future<Boolean> redeem(OAuthState.Claims claims) {
    return pool.preparedQuery(REDEEM)
        .execute(Tuple.of(claims.nonce(), claims.expiresAt().atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.size() == 1);
  }
}
