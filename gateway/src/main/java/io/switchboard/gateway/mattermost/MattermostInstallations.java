package io.switchboard.gateway.mattermost;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.gateway.platform.WorkspaceOwnership;
import io.switchboard.tenancy.InstallationProof;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Binding a Mattermost team through the admin API: {@code POST /api/v1/installations} with platform
 * {@code mattermost}, the team id as {@code workspaceId}, the server's {@code serverUrl}, the slash
 * command's {@code commandToken} and the bot account's {@code botToken}. The team is the tenant's when
 * the server says the token is a bot's ({@code GET /api/v4/users/me}: {@code is_bot}) and the bot is a
 * member of the team ({@code GET /api/v4/users/me/teams}): only someone who administers that server
 * or team can make such a bot. The tokens, the server's URL and a new button key are kept as one
 * secret of the tenant ({@link MattermostSecrets}); the API never shows them again. The server must be
 * {@code https://} unless {@code SWITCHBOARD_MATTERMOST_ALLOW_HTTP} is set.
 */
public final class MattermostInstallations implements WorkspaceOwnership {

  static final String SERVER_URL = "serverUrl";
  static final String COMMAND_TOKEN = "commandToken";
  static final String BOT_TOKEN = "botToken";

  private final MattermostApi api;
  private final MattermostSecrets secrets;
  private final boolean allowHttp;

  public MattermostInstallations(MattermostApi api, MattermostSecrets secrets, boolean allowHttp) {
    this.api = api;
    this.secrets = secrets;
    this.allowHttp = allowHttp;
  }

  @Override
  public Set<String> fields() {
    return Set.of(SERVER_URL, COMMAND_TOKEN, BOT_TOKEN);
  }

  @Override
  public Future<InstallationProof> prove(String teamId, JsonObject body) {
    String server;
    try {
      server = serverUrl(body);
    } catch (SwitchboardException e) {
      return Future.failedFuture(e);
    }
    String command = body.getString(COMMAND_TOKEN);
    String bot = body.getString(BOT_TOKEN);
    if (command == null || bot == null) {
      return Future.failedFuture(new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN, "a Mattermost team is "
          + "bound with its server's serverUrl, the slash command's commandToken and a botToken of a bot account "
          + "that is a member of team " + teamId));
    }
    return api.me(server, bot)
        .compose(me -> Boolean.TRUE.equals(me.getValue("is_bot")) ? api.myTeams(server, bot)
            : Future.failedFuture(new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN,
                "the botToken is not a bot account's token on " + server)))
        .compose(teams -> teams.stream()
            .anyMatch(team -> team instanceof JsonObject t && teamId.equals(t.getValue("id")))
            ? Future.succeededFuture(InstallationProof.BOT_TOKEN)
            : Future.<InstallationProof>failedFuture(new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN,
                "the bot is not a member of Mattermost team " + teamId + " on " + server)))
        .recover(failure -> Future.failedFuture(asked(server, failure)));
  }

  @Override
  public <T> Future<T> storedWhile(String tenantId, String teamId, JsonObject body, Supplier<Future<T>> binding) {
    MattermostCredentials credentials = new MattermostCredentials(serverUrl(body), body.getString(COMMAND_TOKEN),
        body.getString(BOT_TOKEN), ActionProof.newKey());
    return secrets.storedWhile(tenantId, teamId, credentials, binding);
  }

  @Override
  public Future<Void> forget(String tenantId, String teamId) {
    return secrets.forget(tenantId, teamId);
  }

  /** The server's base URL, checked and without a trailing slash. */
  String serverUrl(JsonObject body) {
    String given = body.getString(SERVER_URL);
    if (given == null) {
      throw new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN, "a Mattermost team is bound with its "
          + "server's serverUrl, the slash command's commandToken and a bot account's botToken");
    }
    try {
      URI uri = new URI(given.strip());
      boolean scheme = "https".equals(uri.getScheme()) || allowHttp && "http".equals(uri.getScheme());
      if (!scheme || uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null
          || uri.getRawFragment() != null) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "serverUrl must be the server's https:// base "
            + "URL, without user, query or fragment");
      }
      String url = uri.toString();
      while (url.endsWith("/")) {
        url = url.substring(0, url.length() - 1);
      }
      return url;
    } catch (URISyntaxException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "serverUrl is not a URL");
    }
  }

  /** What the server's answer means for the binding: not proven (401/403/404), or not askable now. */
  private static Throwable asked(String server, Throwable failure) {
    if (failure instanceof MattermostApiFailure api) {
      return api.status() == 401 || api.status() == 403 || api.status() == 404
          ? new SwitchboardException(ErrorCode.OWNERSHIP_NOT_PROVEN, "the botToken does not work on " + server
              + " (HTTP " + api.status() + ")")
          : new SwitchboardException(ErrorCode.PLATFORM_UNAVAILABLE, "the Mattermost server " + server
              + " could not be asked: " + (api.unreachable() ? "no answer" : "HTTP " + api.status()));
    }
    return failure;
  }
}
