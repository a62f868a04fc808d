package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.tenancy.SlackInstallation;
import io.switchboard.tenancy.command.CommandSpec;
import io.switchboard.tenancy.policy.PolicyDirectory;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.apache.commons.codec.digest.DigestUtils;

import java.util.Map;
import java.util.Optional;

/**
 * Submissions of command forms ({@code view_submission} with {@link CommandForms#CALLBACK_ID}),
 * always within the tenant of the installation the submission came through. The form's values are
 * read against the tenant's catalog ({@link FormSubmission}); a value that would not parse goes back
 * to the form as Slack's {@code response_action: errors}, so the user can fix it there. Otherwise the
 * command text they make runs as the submitting user, in the channel the slash command was typed in,
 * through the whole {@link CommandPipeline} (parse, policy, freeze windows, approvals, rate limits,
 * queue), with an idempotency key derived from the view and the submitted command, so Slack's retries
 * of one submission queue one job. The answer, and later the job's result, go to the slash command's
 * {@code response_url}, as for a typed slash command. A form whose fields are no longer the
 * command's (the catalog changed meanwhile) runs nothing and says so. The form closes once the
 * effect is durable.
 */
final class SlackViewSubmissions {

  private final PolicyDirectory policies;
  private final CommandPipeline pipeline;
  private final SlackResponseUrls responseUrls;
  private final SlackMessagePoster poster;

  SlackViewSubmissions(PolicyDirectory policies, CommandPipeline pipeline, SlackResponseUrls responseUrls,
                       SlackMessagePoster poster) {
    this.policies = policies;
    this.pipeline = pipeline;
    this.responseUrls = responseUrls;
    this.poster = poster;
  }

  /** Answers Slack's {@code response_action} body, or null to close the form. */
  Future<JsonObject> submit(SlackInstallation installation, String userId, JsonObject view) {
    FormMetadata metadata = metadata(view);
    responseUrls.check(metadata.responseUrl());
    String viewId = required(view.getValue("id"), "view.id");
    JsonObject values = view.getValue("state") instanceof JsonObject state
        && state.getValue("values") instanceof JsonObject v ? v : null;
    if (values == null) {
      throw malformed("view.state.values is missing");
    }
    return policies.policyOf(installation.tenantId()).compose(policy -> {
      Optional<CommandSpec> command = policy.catalog().find(metadata.command());
      String text = metadata.command();
      if (command.isPresent()) {
        FormSubmission submission = read(command.get(), values);
        if (submission.stale()) {
          String typed = SlackText.code(metadata.invokedAs() + " " + metadata.command());
          poster.post(metadata.responseUrl(), SlackText.ephemeral(typed + " has changed since this form was opened; "
              + "nothing ran. Type " + typed + " again for the new form.").put("replace_original", false));
          return Future.succeededFuture();
        }
        if (!submission.errors().isEmpty()) {
          return Future.succeededFuture(new JsonObject().put("response_action", "errors")
              .put("errors", new JsonObject(Map.<String, Object>copyOf(submission.errors()))));
        }
        text = submission.text().orElseThrow();
      }
      JsonObject replyTo = new JsonObject().put("kind", SlackResponseUrlResults.KIND).put("url", metadata.responseUrl());
      ChatCommand chat = new ChatCommand(installation.tenantId(), installation.teamId(), userId, metadata.channelId(),
          metadata.invokedAs(), text, deliveryKey(installation, viewId, text), replyTo);
      return pipeline.run(chat).map(answer -> {
        poster.post(metadata.responseUrl(), SlackMessages.answer(answer).put("replace_original", false));
        return (JsonObject) null;
      });
    });
  }

  private static FormSubmission read(CommandSpec command, JsonObject values) {
    try {
      return FormSubmission.read(command, values);
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  private static FormMetadata metadata(JsonObject view) {
    try {
      return FormMetadata.decode(required(view.getValue("private_metadata"), "view.private_metadata"));
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  /** The same for every delivery of one submission (Slack's retries), different for another view or other values. */
  private static String deliveryKey(SlackInstallation installation, String viewId, String text) {
    return DigestUtils.sha256Hex(installation.teamId() + "\nview\n" + viewId + "\n" + text);
  }

  private static String required(Object value, String name) {
    if (!(value instanceof String text) || text.isBlank()) {
      throw malformed(name + " is missing");
    }
    return text;
  }

  private static SwitchboardException malformed(String message) {
    return new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "malformed view submission: " + message);
  }
}
