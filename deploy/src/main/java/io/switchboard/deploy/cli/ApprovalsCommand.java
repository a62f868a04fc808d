package io.switchboard.deploy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard approvals list|show}: commands held for a second person (read-only: people vote in chat). */
@Command(name = "approvals", mixinStandardHelpOptions = true,
    description = "The commands an approval rule holds for a second person (votes are cast in chat).")
final class ApprovalsCommand extends CommandGroup {

  ApprovalsCommand(CliContext context) {
    super(context);
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The tenant's approvals, newest first.")
  int list(@Mixin ConnectionOptions options,
           @Option(names = "--status", paramLabel = "STATUS", description = "pending, approved, denied or expired")
           String status,
           @Mixin ListFilters filters) {
    return getList(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/approvals" + filters.query(status),
        "approvals", "No approvals.", "id", "status", "requester", "commandText", "rule", "deadline", "jobId");
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One approval, with its votes.")
  int show(@Mixin ConnectionOptions options, @Parameters(paramLabel = "ID", description = "the approval's id") long id) {
    return getObject(options, ConnectionOptions.TokenKind.TENANT, "/api/v1/approvals/" + id);
  }
}
