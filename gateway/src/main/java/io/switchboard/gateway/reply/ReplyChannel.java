package io.switchboard.gateway.reply;

import io.switchboard.core.job.Job;
import io.switchboard.jobs.ReplyOutbox;
import io.vertx.core.Future;

/**
 * Delivers a finished job's result to where its command came from, for one {@code reply_to.kind}.
 * A failed future makes the {@link ReplyOutbox} try again later.
 */
public interface ReplyChannel {

  Future<Void> deliver(Job job);
}
