package io.switchboard.gateway.sandbox;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.switchboard.core.http.MediaTypes;
import io.switchboard.core.http.Problems;
import io.switchboard.gateway.GatewayMetrics;
import io.switchboard.gateway.command.ChatCommand;
import io.switchboard.gateway.command.CommandAnswer;
import io.switchboard.gateway.command.CommandPipeline;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The sandbox web chat: {@code GET /} serves a page (plain HTML and JavaScript from the classpath's
 * {@code sandbox/}) where a visitor picks a demo user and types commands; its JSON API under
 * {@code /sandbox/api/} runs each command through the same {@link CommandPipeline} as every chat
 * platform (platform {@code sandbox}, policy subjects {@code sandbox:user:<id>}), in this order:
 * <ol>
 *   <li>answer only visitors on this machine unless remote ones are allowed ({@link SandboxAccess});</li>
 *   <li>refuse cross-site writes: a POST needs JSON, the {@value #CSRF_HEADER} header (which a form
 *       or another site's script cannot send without a preflight) and a same-origin {@code Origin};</li>
 *   <li>authenticate by the session cookie (HttpOnly, SameSite=Strict), which names the tenant
 *       ({@link SandboxSessions});</li>
 *   <li>check the input (400, never 500);</li>
 *   <li>run the command, store what the visitor typed and the answer ({@link SandboxMessages}).</li>
 * </ol>
 * The page polls {@code GET /sandbox/api/messages?since=<revision>} for new and edited messages;
 * approval buttons vote through {@link SandboxVotes}.
 */
public final class SandboxChat {

  /** The platform name of the sandbox (policy subjects, metrics, jobs). */
  public static final String PLATFORM = "sandbox";

  /** The session cookie's name. */
  public static final String COOKIE = "sb_sandbox";

  /** The header every write must carry; cross-site forms cannot send it. */
  public static final String CSRF_HEADER = "X-Switchboard-Sandbox";

  /** The users a visitor can speak as (bind {@code sandbox:user:<id>} in a policy to give them roles). */
  public static final List<String> DEMO_USERS = List.of("alice", "bob", "carol");

  /** The longest command accepted. */
  public static final int MAX_COMMAND_CHARS = 2_000;

  /** The largest request body accepted. */
  static final long MAX_BODY_BYTES = 16 * 1024;

  private final SandboxSessions sessions;
  private final SandboxMessages messages;
  private final SandboxVotes votes;
  private final CommandPipeline pipeline;
  private final GatewayMetrics metrics;
  private final SandboxAccess access;

  public SandboxChat(SandboxSessions sessions, SandboxMessages messages, SandboxVotes votes,
                     CommandPipeline pipeline, GatewayMetrics metrics, SandboxAccess access) {
    this.access = access;
    this.sessions = sessions;
    this.messages = messages;
    this.votes = votes;
    this.pipeline = pipeline;
    this.metrics = metrics;
  }

  /** Mounts the page and its API. */
  public void mount(Router router) {
    router.route("/").handler(access);
    router.route("/sandbox/*").handler(access);
    router.route("/sandbox/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.get("/sandbox/api/session").handler(this::whoAmI);
    router.post("/sandbox/api/session").handler(write(this::startSession));
    router.get("/sandbox/api/messages").handler(signedIn(this::messagesSince));
    router.post("/sandbox/api/commands").handler(write(signedIn(this::command)));
    router.post("/sandbox/api/approvals/:id/:vote").handler(write(signedIn(this::vote)));
    router.get("/").handler(ctx -> ctx.reroute("/sandbox/static/index.html"));
    router.get("/sandbox/static/*").handler(ctx -> {
      ctx.response().putHeader("Content-Security-Policy",
              "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
                  + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
      ctx.next();
    }).handler(StaticHandler.create("sandbox").setCachingEnabled(false).setDirectoryListing(false));
  }

  private void whoAmI(RoutingContext ctx) {
    session(ctx).onSuccess(session -> json(ctx, 200, identity(session))).onFailure(ctx::fail);
  }

  /** Picks the demo user: a new session (and cookie), or the visitor's session speaking as someone else. */
  private void startSession(RoutingContext ctx) {
    String user = field(ctx, "user");
    if (!DEMO_USERS.contains(user)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "user must be one of " + DEMO_USERS);
    }
    session(ctx).compose(current -> current.isPresent()
            ? sessions.switchUser(current.get(), user).map(Optional::of)
            : sessions.create(user).map(created -> created.map(made -> {
              ctx.response().addCookie(Cookie.cookie(COOKIE, made.token()).setPath("/sandbox/api").setHttpOnly(true)
                  .setSameSite(CookieSameSite.STRICT).setSecure(ctx.request().isSSL()));
              return made.session();
            })))
        .onSuccess(session -> {
          if (session.isEmpty()) {
            Problems.send(ctx, ErrorCode.NOT_CONFIGURED, "no tenant has the sandbox installed");
          } else {
            json(ctx, 200, identity(session));
          }
        })
        .onFailure(ctx::fail);
  }

  private Future<Void> messagesSince(RoutingContext ctx, SandboxSession session) {
    String since = ctx.queryParams().get("since");
    long revision;
    try {
      revision = since == null ? 0 : Long.parseLong(since);
    } catch (NumberFormatException e) {
      revision = -1;
    }
    if (revision < 0) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "since must be a revision (a whole number, 0 or more)");
    }
    return messages.since(session, revision).map(list -> {
      json(ctx, 200, identity(Optional.of(session)).put("messages", list));
      return null;
    });
  }

  private Future<Void> command(RoutingContext ctx, SandboxSession session) {
    String text = field(ctx, "text").strip();
    if (text.isEmpty() || text.length() > MAX_COMMAND_CHARS) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST,
          "text must be a command of 1 to " + MAX_COMMAND_CHARS + " characters");
    }
    String requestId = Optional.ofNullable(body(ctx).getValue("id")).map(String::valueOf)
        .orElseGet(() -> UUID.randomUUID().toString());
    if (!requestId.matches("[A-Za-z0-9_-]{8,64}")) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "id must be 8 to 64 letters, digits, - or _");
    }
    metrics.received(PLATFORM);
    ChatCommand command = new ChatCommand(session.tenantId(), SandboxSessions.WORKSPACE, session.userId(), session.id(),
        "", text, session.id() + ":" + requestId, session.replyTo());
    return messages.add(session, SandboxRendering.typed(session.userId(), text))
        .compose(v -> pipeline.run(command))
        .compose(answer -> show(session, answer).map(v -> {
          json(ctx, 200, new JsonObject().put("job", answer.queuedJob().orElse(null))
              .put("approval", answer.heldForApproval().map(a -> a.id()).orElse(null)));
          return null;
        }));
  }

  private Future<Void> show(SandboxSession session, CommandAnswer answer) {
    JsonObject body = SandboxRendering.of(answer.message());
    if (answer.queuedJob().isPresent()) {
      return messages.acknowledge(session, answer.queuedJob().get(), body.put("status", "queued"));
    }
    if (answer.heldForApproval().isPresent()) {
      return messages.approvalRequested(session, answer.heldForApproval().get().id(), body);
    }
    return messages.add(session, body);
  }

  private Future<Void> vote(RoutingContext ctx, SandboxSession session) {
    long approvalId;
    try {
      approvalId = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the approval id must be a number");
    }
    String vote = ctx.pathParam("vote");
    if (!"approve".equals(vote) && !"deny".equals(vote)) {
      throw new SwitchboardException(ErrorCode.NOT_FOUND, "a vote is approve or deny");
    }
    return votes.vote(session, approvalId, "approve".equals(vote)).map(outcome -> {
      json(ctx, 200, new JsonObject().put("outcome", outcome.name().toLowerCase()));
      return null;
    });
  }

  private static JsonObject identity(Optional<SandboxSession> session) {
    return new JsonObject().put("user", session.map(SandboxSession::userId).orElse(null))
        .put("users", new JsonArray(List.copyOf(DEMO_USERS)));
  }

  private Future<Optional<SandboxSession>> session(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    if (cookie == null || !cookie.getValue().matches("sbs_[0-9a-f]{64}")) {
      return Future.succeededFuture(Optional.empty());
    }
    return sessions.find(cookie.getValue());
  }

  /** Runs {@code handler} for the visitor's session; 401 without one. */
  private Handler<RoutingContext> signedIn(BiFunction<RoutingContext, SandboxSession, Future<Void>> handler) {
    return ctx -> session(ctx).compose(session -> {
      if (session.isEmpty()) {
        Problems.send(ctx, ErrorCode.UNAUTHENTICATED, "pick a demo user first (no sandbox session cookie)");
        return Future.<Void>succeededFuture();
      }
      return handler.apply(ctx, session.get());
    }).onFailure(ctx::fail);
  }

  /** Refuses writes that a page of another site could make (see the class comment), then runs {@code handler}. */
  private static Handler<RoutingContext> write(Handler<RoutingContext> handler) {
    return ctx -> {
      String origin = ctx.request().getHeader("Origin");
      String host = ctx.request().getHeader("Host");
      if (!"1".equals(ctx.request().getHeader(CSRF_HEADER))
          || origin != null && !origin.equals("http://" + host) && !origin.equals("https://" + host)) {
        Problems.send(ctx, ErrorCode.FORBIDDEN, "a sandbox write must come from the sandbox page");
        return;
      }
      String type = ctx.request().getHeader("Content-Type");
      if (!MediaTypes.isJson(type)) {
        Problems.send(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE, "send application/json");
        return;
      }
      try {
        body(ctx);
        handler.handle(ctx);
      } catch (SwitchboardException e) {
        Problems.send(ctx, e);
      }
    };
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the body must be a JSON object");
      }
      return body;
    } catch (RuntimeException e) {
      throw e instanceof SwitchboardException s ? s
          : new SwitchboardException(ErrorCode.MALFORMED_REQUEST, "the body must be a JSON object");
    }
  }

  private static String field(RoutingContext ctx, String name) {
    if (!(body(ctx).getValue(name) instanceof String value)) {
      throw new SwitchboardException(ErrorCode.MALFORMED_REQUEST, name + " must be a string");
    }
    return value;
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
