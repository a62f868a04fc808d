package io.switchboard.gateway.notify;

import io.vertx.core.Future;

import java.util.Optional;

/**
 * What posting notifications into a tenant's workspace needs (a platform's bot token; for Teams the
 * connector URL), if it has it; a target without it is refused, saying {@link #missing()}.
 */
@FunctionalInterface
public interface BotTokens {

  Future<Optional<String>> find(String tenantId, String workspace);

  /** What a refusal says the installation lacks, after "the installation of workspace W". */
  default String missing() {
    return "has no bot token to post with";
  }

  /** {@code find}, refused with {@code missing} when it finds nothing. */
  static BotTokens of(BotTokens find, String missing) {
    return new BotTokens() {
      @Override
      public Future<Optional<String>> find(String tenantId, String workspace) {
        return find.find(tenantId, workspace);
      }

      @Override
      public String missing() {
        return missing;
      }
    };
  }
}
