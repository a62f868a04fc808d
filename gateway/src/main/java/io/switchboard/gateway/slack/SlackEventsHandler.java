package io.switchboard.gateway.slack;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.UnstorableCharacters;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandPipeline;
import io.switchboard.tenancy.SlackInstallation;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.apache.commons.codec.digest.DigestUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code POST /slack/events}: the Events API, behind the same signed-request front as slash commands
 * ({@link SignedSlackEndpoint}, JSON bodies). Answers {@code url_verification} with its challenge
 * (signed by the shared app, as it names no team). For an {@code event_callback} it takes the
 * {@code event_id} once per tenant ({@link SlackEventLog}; Slack's retries do nothing), then:
 * <ul>
 *   <li>{@code app_mention} and direct {@code message}s (not from bots, not edits): the text without
 *       the leading mention goes through the {@link CommandPipeline}, like a slash command;
 *       the answer is delivered after the 200 through the Web API ({@link SlackEventAnswers});</li>
 *   <li>{@code app_uninstalled}, and {@code tokens_revoked} of bot tokens: the installation is
 *       disabled ({@link SlackUninstalls});</li>
 *   <li>anything else is acknowledged and ignored.</li>
 * </ul>
 * The work before the 200 is database writes only, well inside Slack's 3 seconds.
 */
public final class SlackEventsHandler extends SignedSlackEndpoint {

  /**
   * What an {@code event_id} may look like ({@code Ev0123ABCD} from Slack): anything else is refused
   * before it is stored, as the key of the events already taken (a long one would not fit its index).
   */
  private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  private static final Logger LOG = LoggerFactory.getLogger(SlackEventsHandler.class);
  private static final Pattern LEADING_MENTION = Pattern.compile("^\\s*<@[A-Z0-9]+(\\|[^>]*)?>[\\s:,]*");
  static final String INVOKED_AS = "@switchboard";

  private final SlackEventLog eventLog;
  private final CommandPipeline pipeline;
  private final SlackEventAnswers answers;
  private final SlackUninstalls uninstalls;

  public SlackEventsHandler(SlackRequestAuthenticator authenticator, SlackEventLog eventLog,
                            CommandPipeline pipeline, SlackEventAnswers answers, SlackUninstalls uninstalls,
                            GatewayMetrics metrics) {
    super(authenticator, metrics, JSON_CONTENT_TYPE);
    this.eventLog = eventLog;
    this.pipeline = pipeline;
    this.answers = answers;
    this.uninstalls = uninstalls;
  }

  /** The workspace the unverified body names: the organisation for an org-wide install, else the team. */
  @Override
  protected Optional<String> claimedTeam(Buffer body) {
    return parse(body).flatMap(SlackEventsHandler::workspaceOf);
  }

  private static Optional<String> workspaceOf(JsonObject payload) {
    JsonArray authorizations = payload.getJsonArray("authorizations");
    boolean orgInstall = payload.getBoolean("is_enterprise_install", false) || (authorizations != null
        && !authorizations.isEmpty() && authorizations.getJsonObject(0).getBoolean("is_enterprise_install", false));
    return Optional.ofNullable(orgInstall ? payload.getString("enterprise_id") : payload.getString("team_id"));
  }

  @Override
  protected Future<SlackInstallation> authenticate(MultiMap headers, Buffer body) {
    Optional<JsonObject> payload = parse(body);
    if (payload.isPresent() && "url_verification".equals(payload.get().getString("type"))
        && workspaceOf(payload.get()).isEmpty()) {
      return authenticator.authenticateSharedApp(headers, body).map(v -> null);
    }
    return super.authenticate(headers, body);
  }

  @Override
  protected Future<JsonObject> answer(SlackInstallation installation, Buffer body) {
    JsonObject payload = parse(body)
        .orElseThrow(() -> new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the event is not a JSON object"));
    UnstorableCharacters.refuseIn(payload);
    String type = String.valueOf(payload.getValue("type"));
    if (type.equals("url_verification")) {
      return Future.succeededFuture(new JsonObject().put("challenge", String.valueOf(payload.getValue("challenge"))));
    }
    if (!type.equals("event_callback") || installation == null) {
      return Future.succeededFuture();
    }
    String eventId = payload.getValue("event_id") instanceof String id && EVENT_ID.matcher(id).matches() ? id : null;
    JsonObject event = payload.getValue("event") instanceof JsonObject e ? e : null;
    if (eventId == null || event == null) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "an event_callback needs an event_id (letters, digits, _ and -, at most 128) and an event");
    }
    String eventType = String.valueOf(event.getValue("type"));
    return eventLog.take(installation.tenantId(), eventId, eventType).compose(first -> {
      if (!first) {
        metrics.refused(PLATFORM, "duplicate_delivery");
        return Future.succeededFuture();
      }
      return act(installation, eventId, event, eventType)
          .recover(failure -> eventLog.forget(installation.tenantId(), eventId)
              .transform(ar -> Future.<Void>failedFuture(failure)))
          // Not recording it only lets a later retry act again (one job all the same): logged, not failed.
          .compose(acted -> eventLog.done(installation.tenantId(), eventId)
              .onFailure(e -> LOG.warn("Recording event {} as done failed; a retry of it may act again: {}", eventId,
                  e.toString()))
              .recover(e -> Future.succeededFuture()));
    }).map(v -> null);
  }

  private Future<Void> act(SlackInstallation installation, String eventId, JsonObject event, String eventType) {
    return switch (eventType) {
      case "app_mention" -> fromBot(event) ? done() : command(installation, eventId, event, false);
      case "message" -> "im".equals(event.getString("channel_type")) && event.getValue("subtype") == null
          && !fromBot(event) ? command(installation, eventId, event, true) : done();
      case "app_uninstalled" -> uninstalls.disable(installation.tenantId(), installation.teamId(), eventType);
      case "tokens_revoked" -> revokesBotTokens(event)
          ? uninstalls.disable(installation.tenantId(), installation.teamId(), eventType) : done();
      default -> done();
    };
  }

  private Future<Void> command(SlackInstallation installation, String eventId, JsonObject event, boolean im) {
    String user = event.getValue("user") instanceof String u ? u : null;
    String channel = event.getValue("channel") instanceof String c ? c : null;
    String ts = event.getValue("ts") instanceof String t ? t : null;
    if (user == null || channel == null || ts == null) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "a message event needs user, channel and ts");
    }
    String text = LEADING_MENTION.matcher(String.valueOf(event.getValue("text", ""))).replaceFirst("");
    String thread = event.getValue("thread_ts") instanceof String t ? t : ts;
    JsonObject replyTo = new JsonObject().put("kind", SlackJobMessages.REPLY_KIND)
        .put("workspace", installation.teamId()).put("channel", channel).put("thread_ts", thread).put("im", im);
    String deliveryKey = DigestUtils.sha256Hex(installation.teamId() + "\nevent\n" + eventId);
    return pipeline.run(new ChatCommand(installation.tenantId(), installation.teamId(), user, channel, INVOKED_AS,
            text, deliveryKey, replyTo))
        .onSuccess(answer -> answers.deliver(installation.tenantId(), user, replyTo, answer)
            .onFailure(e -> LOG.warn("Answering event {} in Slack failed: {}", eventId, e.toString())))
        .mapEmpty();
  }

  private static boolean fromBot(JsonObject event) {
    return event.getValue("bot_id") != null || "bot_message".equals(event.getValue("subtype"));
  }

  private static boolean revokesBotTokens(JsonObject event) {
    JsonObject tokens = event.getValue("tokens") instanceof JsonObject t ? t : new JsonObject();
    return tokens.getValue("bot") instanceof JsonArray bots && !bots.isEmpty();
  }

  private static Future<Void> done() {
    return Future.succeededFuture();
  }

  private static Optional<JsonObject> parse(Buffer body) {
    try {
      Object parsed = Json.decodeValue(body);
      return parsed instanceof JsonObject object ? Optional.of(object) : Optional.empty();
    } catch (DecodeException e) {
      return Optional.empty();
    }
  }
}
