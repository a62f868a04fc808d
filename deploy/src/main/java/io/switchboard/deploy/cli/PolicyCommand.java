package io.switchboard.deploy.cli;

import io.switchboard.audit.JsonDiff;
import io.switchboard.tenancy.policy.InvalidPolicyException;
import io.switchboard.tenancy.policy.PolicyDocument;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code switchboard policy get|version|validate|diff|apply}: the tenant's policy document, whole or
 * one section. {@code apply} names the version it was based on ({@code --if-match}, from {@code get} or
 * {@code version}); a version that is no longer current is refused (exit 4) and nothing changes.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Read, check, compare and change the tenant's policy (docs/policy.md).")
final class PolicyCommand extends CommandGroup {

  PolicyCommand(CliContext context) {
    super(context);
  }

  /** The document (or section) and the version it is at. */
  private record Current(Object document, String version, String body) {
  }

  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "Prints the policy (or one section) as JSON; its version goes to stderr (table output).")
  int get(@Mixin ConnectionOptions options,
          @Option(names = "--section", paramLabel = "SECTION", description = "commands, roles, bindings, approvalRules, freezeWindows or "
              + "rateLimits") String section) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      Current current = current(api, section);
      if (out.json()) {
        out.raw(current.body());
      } else {
        out.line(Output.pretty(current.document()));
        note("Version " + current.version() + ". Change it with: switchboard policy apply FILE"
            + (section == null ? "" : " --section " + section) + " --if-match " + current.version());
      }
      return Exit.OK;
    });
  }

  @Command(name = "version", mixinStandardHelpOptions = true,
      description = "Prints the policy's current version alone (the value for --if-match).")
  int version(@Mixin ConnectionOptions options) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      out.line(current(api, null).version());
      return Exit.OK;
    });
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Compiles FILE with the policy compiler of this Switchboard version and lists every problem "
          + "(exit 1). A whole document needs no server; with --section the section is checked within the current "
          + "policy (a tenant admin token).")
  int validate(@Mixin ConnectionOptions options, @Parameters(paramLabel = "FILE", description = "a JSON file") Path file,
               @Option(names = "--section", paramLabel = "SECTION", description = "FILE holds this section only") String section) {
    ApiCommand check = (api, out) -> {
      Object proposed = read(file);
      JsonObject document = section == null ? object(proposed, file)
          : ((JsonObject) current(api, null).document()).copy().put(section, proposed);
      List<String> problems;
      try {
        PolicyDocument.compile(document, 1);
        problems = List.of();
      } catch (InvalidPolicyException e) {
        problems = e.problems();
      }
      if (out.json()) {
        out.raw(new JsonObject().put("valid", problems.isEmpty()).put("problems", new JsonArray(problems)).encode());
      } else if (problems.isEmpty()) {
        out.line(file + " is a valid policy" + (section == null ? "" : " section (" + section + ")") + ".");
      } else {
        out.line(file + " does not compile:");
        problems.forEach(problem -> out.line("  " + problem));
      }
      return problems.isEmpty() ? Exit.OK : Exit.FAILED;
    };
    return section == null ? local(options.output, out -> check.run(null, out))
        : call(options, ConnectionOptions.TokenKind.TENANT, check);
  }

  @Command(name = "diff", mixinStandardHelpOptions = true,
      description = "Shows what 'apply FILE' would change: a line diff of the current policy and FILE, both "
          + "pretty-printed with sorted keys ('-' removed, '+' added). --output json lists the changed values as JSON "
          + "pointers instead.")
  int diff(@Mixin ConnectionOptions options, @Parameters(paramLabel = "FILE", description = "a JSON file") Path file,
           @Option(names = "--section", paramLabel = "SECTION", description = "FILE holds this section only") String section) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      Object proposed = read(file);
      Current current = current(api, section);
      if (out.json()) {
        out.raw(new JsonObject().put("version", Long.parseLong(current.version()))
            .put("changes", JsonDiff.between(current.document(), proposed)).encode());
        return Exit.OK;
      }
      List<String> lines = LineDiff.between(Output.pretty(Output.sorted(current.document())).lines().toList(),
          Output.pretty(Output.sorted(proposed)).lines().toList());
      if (lines.isEmpty()) {
        out.line("No changes: " + file + " is the policy" + (section == null ? "" : " section " + section)
            + " at version " + current.version() + ".");
        return Exit.OK;
      }
      out.line("--- the policy" + (section == null ? "" : " section " + section) + " at version " + current.version());
      out.line("+++ " + file);
      lines.forEach(out::line);
      return Exit.OK;
    });
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Replaces the policy (or one section) with FILE, if it is still at the version --if-match names; "
          + "otherwise exit 4 and nothing changes. A document that does not compile: exit 1, with every problem.")
  int apply(@Mixin ConnectionOptions options, @Parameters(paramLabel = "FILE", description = "a JSON file") Path file,
            @Option(names = "--section", paramLabel = "SECTION", description = "FILE holds this section only") String section,
            @Option(names = "--if-match", required = true, paramLabel = "VERSION",
                description = "the version your change is based on (policy get or policy version prints it)")
            String ifMatch) {
    return call(options, ConnectionOptions.TokenKind.TENANT, (api, out) -> {
      Object proposed = read(file);
      String version = ifMatch.replace("\"", "").strip();
      if (!version.matches("[0-9]{1,18}")) {
        throw new CliFailure(Exit.USAGE, "--if-match takes a version number, like 3 (got '" + ifMatch + "')");
      }
      ApiClient.Response answer;
      try {
        answer = api.send("PUT", path(section), Json.encode(proposed), Map.of("If-Match", "\"" + version + "\""));
      } catch (CliFailure e) {
        if (e.status() == 412) {
          throw new CliFailure(Exit.CONFLICT, 412, "the policy is no longer at version " + version + ": someone changed "
              + "it meanwhile, and nothing was applied. See what changed with 'switchboard policy diff " + file
              + (section == null ? "" : " --section " + section) + "', merge, then apply again with the version "
              + "'switchboard policy version' prints. (" + e.getMessage() + ")");
        }
        throw e;
      }
      if (out.json()) {
        out.raw(answer.body());
      } else {
        out.line("Applied " + file + ": the policy is now at version " + version(answer) + ".");
      }
      return Exit.OK;
    });
  }

  private static Current current(ApiClient api, String section) {
    ApiClient.Response answer = api.get(path(section));
    String body = answer.body().strip();
    Object document = body.startsWith("[") ? new JsonArray(body) : new JsonObject(body);
    return new Current(document, version(answer), answer.body());
  }

  private static String version(ApiClient.Response answer) {
    return answer.etag().map(etag -> etag.replace("\"", "").replace("W/", "")).orElseThrow(() ->
        new CliFailure(Exit.FAILED, "the answer has no ETag: is this a Switchboard at the --url given?"));
  }

  private static String path(String section) {
    return section == null ? "/api/v1/policy" : "/api/v1/policy/" + ApiClient.segment(section);
  }

  /** FILE's JSON (an object or, for a section, an array); a missing file or bad JSON is a usage error. */
  private static Object read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliFailure(Exit.USAGE, "cannot read " + file + ": " + (e.getMessage() == null ? e : e.getMessage()));
    }
    String trimmed = text.strip();
    try {
      if (trimmed.startsWith("[")) {
        return new JsonArray(trimmed);
      }
      return new JsonObject(trimmed);
    } catch (DecodeException e) {
      throw new CliFailure(Exit.FAILED, file + " is not JSON: " + e.getMessage());
    }
  }

  private static JsonObject object(Object document, Path file) {
    if (document instanceof JsonObject object) {
      return object;
    }
    throw new CliFailure(Exit.USAGE, file + " holds a JSON array: a whole policy is an object (for one section, "
        + "add --section NAME)");
  }
}
