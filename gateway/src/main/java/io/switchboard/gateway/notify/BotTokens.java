package io.switchboard.gateway.notify;

import io.vertx.core.Future;

import java.util.Optional;

/** A platform's bot token of a tenant's workspace, if it has one: what posting notifications there needs. */
@FunctionalInterface
public interface BotTokens {

  Future<Optional<String>> find(String tenantId, String workspace);
}
