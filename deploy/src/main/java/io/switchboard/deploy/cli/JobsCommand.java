package io.switchboard.deploy.cli;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard jobs list|show|cancel}: the tenant's jobs (a tenant admin token). */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List, show and cancel the tenant's jobs.")
final class JobsCommand extends CommandGroup {

  JobsCommand(CliContext context) {
    super(context);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's jobs, newest first.")
  int list(@Mixin ConnectionOptions options,
           @Option(names = "--status", paramLabel = "STATUS",
               description = "queued, running, succeeded, failed or cancelled") String status,
           @Mixin ListFilters filters) {
    return getList(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/jobs" + filters.query(status), "jobs",
        "No jobs.", "id", "status", "command", "requester", "platform", "createdAt", "finishedAt");
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One job: status, output, error.")
  int show(@Mixin ConnectionOptions options, @Parameters(paramLabel = "JOB", description = "the job id") long id) {
    return getObject(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/jobs/" + id);
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true,
      description = "Cancels a queued or running job (exit 4 when it has ended already).")
  int cancel(@Mixin ConnectionOptions options, @Parameters(paramLabel = "JOB", description = "the job id") long id) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      ApiClient.Response answer = api.post("/api/v1/jobs/" + id + "/cancel", null);
      if (out.json()) {
        out.raw(answer.body());
      } else {
        JsonObject job = answer.json();
        out.line("Job " + id + ": " + job.getValue("cancel", job.getValue("status")));
      }
      return Exit.OK;
    });
  }
}
