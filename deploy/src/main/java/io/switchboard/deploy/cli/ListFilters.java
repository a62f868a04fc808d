package io.switchboard.deploy.cli;

import picocli.CommandLine.Option;

/** The filters and page cursor that {@code jobs list} and {@code approvals list} share, as the API does. */
public final class ListFilters {

  @Option(names = "--requester", paramLabel = "USER", description = "a chat user id")
  String requester;

  @Option(names = "--command", paramLabel = "NAME", description = "a command name")
  String command;

  @Option(names = "--limit", paramLabel = "N", description = "1-100 (default 50)")
  Integer limit;

  @Option(names = "--before", paramLabel = "ID", description = "the next page (the id the last page's note names)")
  Long before;

  /** The query string with {@code status} and these filters, those set only. */
  String query(String status) {
    return ApiClient.query(ApiClient.parameters("status", status, "requester", requester, "command", command,
        "limit", limit, "before", before));
  }
}
