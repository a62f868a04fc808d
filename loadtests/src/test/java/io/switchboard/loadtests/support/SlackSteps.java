package io.switchboard.loadtests.support;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.util.function.Function;

/**
 * The Gatling side of a signed Slack request: the HTTP protocol, a signed POST of the body held in
 * the session, and the chain that sends one slash command and files its acknowledgement in a
 * {@link CommandLog}.
 */
public final class SlackSteps {

  /** A slash command to send: its key, its group in the log, the secret that signs it and its form body. */
  public record Command(String key, int group, String signingSecret, String body) {
  }

  private static final String BODY = "slack.body";
  private static final String TIMESTAMP = "slack.timestamp";
  private static final String SIGNATURE = "slack.signature";
  private static final String STATUS = "slack.status";
  private static final String ANSWER = "slack.answer";
  private static final String KEY = "slack.key";

  private SlackSteps() {
  }

  public static HttpProtocolBuilder protocol(String baseUrl) {
    return http.baseUrl(baseUrl)
        .acceptHeader("application/json")
        .userAgentHeader("switchboard-loadtests/gatling")
        .disableCaching()
        .shareConnections();
  }

  /** The session with {@code body}, signed with {@code signingSecret}, ready for {@link #post}. */
  public static Session sign(Session session, String signingSecret, String body) {
    SlackRequests.Signed signed = SlackRequests.sign(signingSecret, body);
    return session.set(BODY, signed.body()).set(TIMESTAMP, signed.timestamp()).set(SIGNATURE, signed.signature());
  }

  /**
   * POSTs the session's signed body to {@code path} and keeps the status and the answer for
   * {@link #statusOf} and {@link #answerOf}. Gatling counts it OK only on HTTP 200 whose answer holds
   * {@code acceptedMarker} (any answer when it is empty).
   */
  public static HttpRequestActionBuilder post(String requestName, String path, String acceptedMarker) {
    return http(requestName)
        .post(path)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("X-Slack-Request-Timestamp", session -> session.getString(TIMESTAMP))
        .header("X-Slack-Signature", session -> session.getString(SIGNATURE))
        // function form: the signed string is sent byte for byte, never parsed as Gatling EL
        .body(StringBody(session -> session.getString(BODY)))
        .check(status().saveAs(STATUS))
        .check(bodyString().saveAs(ANSWER))
        .check(status().is(200))
        .check(bodyString().transform(answer -> answer.contains(acceptedMarker)).is(true));
  }

  /** The HTTP status of the last {@link #post}, -1 when there was no answer. */
  public static int statusOf(Session session) {
    return session.contains(STATUS) ? session.getInt(STATUS) : -1;
  }

  /** The answer's body of the last {@link #post}, null when there was none. */
  public static String answerOf(Session session) {
    return session.contains(ANSWER) ? session.getString(ANSWER) : null;
  }

  /** The key of the command the last {@link #slashCommand} sent. */
  public static String keyOf(Session session) {
    return session.getString(KEY);
  }

  /**
   * Sends the slash command {@code command} makes of the session to {@code /slack/commands}, logged as
   * sent just before and acknowledged just after (accepted when the answer holds {@code acceptedMarker}).
   * The session is marked failed unless it was accepted.
   */
  public static ChainBuilder slashCommand(String requestName, CommandLog log, String acceptedMarker,
                                          Function<Session, Command> command) {
    return exec(session -> {
          Command c = command.apply(session);
          Session signed = sign(session, c.signingSecret(), c.body()).set(KEY, c.key()).remove(STATUS).remove(ANSWER);
          log.sent(c.key(), c.group());
          return signed;
        })
        .exec(post(requestName, "/slack/commands", acceptedMarker))
        .exec(session -> {
          log.acknowledged(keyOf(session), statusOf(session), answerOf(session), acceptedMarker);
          return session;
        });
  }
}
