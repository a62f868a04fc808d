package io.switchboard.gateway.platform;

import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.WorkspaceClaimVerification;
import io.switchboard.gateway.approval.Approvals;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.gateway.pacing.ChannelPacer;
import io.switchboard.gateway.progress.JobMessageSteps;
import io.switchboard.gateway.progress.JobMessageStore;
import io.switchboard.gateway.reply.AnswerOutbox;
import io.switchboard.jobs.JobCancellations;
import io.switchboard.tenancy.InstallationChanges;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.switchboard.tenancy.secrets.SecretStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/**
 * What every chat platform is built from: the gateway's shared parts, made once per gateway. A
 * platform takes what it needs and keeps its own parts (API clients, request verification, renderers,
 * its job messages) in its package.
 *
 * @param vertx               the gateway verticle's Vert.x (timers and consumers belong to its context)
 * @param pool                the PostgreSQL pool
 * @param http                the shared outbound HTTP client
 * @param secrets             the tenants' secret store (bot tokens, signing secrets)
 * @param policies            tenants' policies, cached
 * @param approvals           approval requests and votes
 * @param pipelines           the command pipeline, one per platform
 * @param cancellations       cancelling jobs (the Cancel button, {@code cancel <id>})
 * @param answers             chat answers still owed (refusals, built-ins, approval cards), sent again until delivered
 * @param pacer               outbound pacing per channel and workspace
 * @param jobMessages         the one message that shows each job, on whichever platform ({@code chat_job_messages})
 * @param jobMessageSteps     the serial steps of each job's message (post, progress, result), shared with the
 *                            one taker of progress lines so that edits keep their order
 * @param metrics             the gateway's meters
 * @param installationChanges news of bound, moved and removed workspaces, to keep caches fresh
 * @param claims              redeeming claim codes ({@code verify <code>}) that bind a workspace to a tenant
 * @param clock               the wall clock
 */
public record GatewayServices(Vertx vertx, Pool pool, WebClient http, SecretStore secrets, PolicyDirectory policies,
                              Approvals approvals, Pipelines pipelines, JobCancellations cancellations,
                              AnswerOutbox answers, ChannelPacer pacer, JobMessageStore jobMessages,
                              JobMessageSteps jobMessageSteps, GatewayMetrics metrics,
                              InstallationChanges installationChanges, WorkspaceClaimVerification claims,
                              Clock clock) {

  /** Makes the command pipeline of one platform. */
  @FunctionalInterface
  public interface Pipelines {

    CommandPipeline forPlatform(String platform);
  }
}
