package io.switchboard.testkit.vault;

import com.sun.net.httpserver.HttpExchange;
import io.switchboard.testkit.LoopbackHttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback stand-in for the parts of Vault's HTTP API the secret store uses, answering with the
 * shapes Vault documents:
 * <ul>
 *   <li>KV v2 at one mount: {@code GET/POST/PUT /v1/<mount>/data/<path>} (answers {@code data.data}
 *       and {@code data.metadata.version}), {@code GET /v1/<mount>/metadata/<path>} (current_version,
 *       updated_time, versions), {@code GET ...metadata/<path>?list=true} or {@code LIST} (data.keys),
 *       {@code DELETE /v1/<mount>/metadata/<path>} (204, all versions gone);</li>
 *   <li>{@code POST /v1/auth/approle/login} ({@code auth.client_token}, {@code lease_duration},
 *       {@code renewable}), {@code POST /v1/auth/token/renew-self}, {@code GET /v1/auth/token/lookup-self};</li>
 *   <li>{@code X-Vault-Token} on everything but login: 403 {@code {"errors":["permission denied"]}}
 *       without a known, unexpired token.</li>
 * </ul>
 * It records every request line ({@code METHOD /v1/path?query}) and counts logins and renewals.
 * {@link #startTls} serves the same over HTTPS with a given certificate (see {@code TestTls}).
 */
public final class VaultStandIn implements AutoCloseable {

  private record Token(long creationTtl, boolean renewable, Instant expiresAt) {
    boolean valid() {
      return expiresAt == null || Instant.now().isBefore(expiresAt);
    }
  }

  private record Version(JsonObject data, Instant createdAt) {
  }

  private final LoopbackHttpServer server;
  private final String mount;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();
  private final Map<String, List<Version>> secrets = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger logins = new AtomicInteger();
  private final AtomicInteger renewals = new AtomicInteger();
  private volatile String roleId;
  private volatile String secretId;
  private volatile long appRoleLease;
  private volatile boolean appRoleRenewable;
  private volatile int failNextKvWith;
  private volatile CountDownLatch readArrived;
  private volatile CountDownLatch releaseRead;

  private VaultStandIn(String mount, SSLContext tls, int port) {
    this.mount = mount;
    this.server = LoopbackHttpServer.start(port, tls, Executors.newFixedThreadPool(8), Map.of("/", this::handle));
  }

  /** A stand-in serving KV v2 at {@code mount} (e.g. {@code secret}) on a free loopback port. */
  public static VaultStandIn start(String mount) {
    return start(mount, null, 0);
  }

  /** A stand-in serving over HTTPS with the key and certificate of {@code tls}, e.g. {@code TestTls#serverContext()}. */
  public static VaultStandIn startTls(String mount, SSLContext tls) {
    return start(mount, tls, 0);
  }

  /**
   * Closes this stand-in (and its connections) and starts an empty HTTPS one on the same port with
   * another certificate, as when a Vault server is replaced behind the same address.
   */
  public VaultStandIn restartTls(SSLContext tls) {
    int port = server.port();
    close();
    return start(mount, tls, port);
  }

  private static VaultStandIn start(String mount, SSLContext tls, int port) {
    try {
      return new VaultStandIn(mount, tls, port);
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** {@code http://127.0.0.1:<port>}, or {@code https://...} for a TLS stand-in. */
  public String address() {
    return server.url();
  }

  /** A new token; {@code ttlSeconds} 0 for one that never expires (like a root token). */
  public String createToken(long ttlSeconds, boolean renewable) {
    String token = "hvs." + UUID.randomUUID().toString().replace("-", "");
    tokens.put(token, new Token(ttlSeconds, renewable, ttlSeconds > 0 ? Instant.now().plusSeconds(ttlSeconds) : null));
    return token;
  }

  /** Accepts AppRole logins with these credentials, issuing tokens with this lease. */
  public void enableAppRole(String role, String secret, long leaseSeconds, boolean renewable) {
    this.roleId = role;
    this.secretId = secret;
    this.appRoleLease = leaseSeconds;
    this.appRoleRenewable = renewable;
  }

  /** Every token stops working, as after a Vault restart with lost leases or a revocation. */
  public void revokeAllTokens() {
    tokens.clear();
  }

  /** The next KV request is answered with this status and a body quoting its token and body. */
  public void failNextKvRequestWith(int status) {
    failNextKvWith = status;
  }

  /** The next KV read waits until {@link #releaseRead()}; the returned latch opens when it arrives. */
  public CountDownLatch holdNextRead() {
    releaseRead = new CountDownLatch(1);
    readArrived = new CountDownLatch(1);
    return readArrived;
  }

  public void releaseRead() {
    releaseRead.countDown();
  }

  /** Puts a secret directly, as another Vault client would. */
  public void write(String path, JsonObject data) {
    secrets.computeIfAbsent(path, p -> new CopyOnWriteArrayList<>()).add(new Version(data, Instant.now()));
  }

  /** The data of the latest version at a path under the mount (without {@code data/}), or null. */
  public JsonObject latest(String path) {
    List<Version> versions = secrets.get(path);
    return versions == null || versions.isEmpty() ? null : versions.get(versions.size() - 1).data();
  }

  public List<String> requests() {
    return List.copyOf(requests);
  }

  public long count(String requestLine) {
    return requests.stream().filter(requestLine::equals).count();
  }

  public int logins() {
    return logins.get();
  }

  public int renewals() {
    return renewals.get();
  }

  @Override
  public void close() {
    server.close();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      String query = exchange.getRequestURI().getRawQuery();
      requests.add(method + " " + path + (query == null ? "" : "?" + query));
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      if (path.equals("/v1/auth/approle/login") && method.equals("POST")) {
        login(exchange, body);
        return;
      }
      String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
      Token known = token == null ? null : tokens.get(token);
      if (known == null || !known.valid()) {
        send(exchange, 403, new JsonObject().put("errors", new JsonArray().add("permission denied")));
        return;
      }
      switch (path) {
        case "/v1/auth/token/lookup-self" -> lookupSelf(exchange, token, known);
        case "/v1/auth/token/renew-self" -> renewSelf(exchange, token, known);
        default -> kv(exchange, method, path, query, token, body);
      }
    }
  }

  private void login(HttpExchange exchange, byte[] body) throws IOException {
    JsonObject request = new JsonObject(new String(body, StandardCharsets.UTF_8));
    if (roleId == null || !roleId.equals(request.getString("role_id")) || !secretId.equals(request.getString("secret_id"))) {
      send(exchange, 400, new JsonObject().put("errors", new JsonArray().add("invalid role or secret ID")));
      return;
    }
    logins.incrementAndGet();
    String token = createToken(appRoleLease, appRoleRenewable);
    send(exchange, 200, authAnswer(token, appRoleLease, appRoleRenewable));
  }

  private void renewSelf(HttpExchange exchange, String token, Token known) throws IOException {
    if (!known.renewable()) {
      send(exchange, 400, new JsonObject().put("errors", new JsonArray().add("lease is not renewable")));
      return;
    }
    renewals.incrementAndGet();
    tokens.put(token, new Token(known.creationTtl(), true, Instant.now().plusSeconds(known.creationTtl())));
    send(exchange, 200, authAnswer(token, known.creationTtl(), true));
  }

  private void lookupSelf(HttpExchange exchange, String token, Token known) throws IOException {
    long ttl = known.expiresAt() == null ? 0 : Math.max(0, known.expiresAt().getEpochSecond() - Instant.now().getEpochSecond());
    long now = Instant.now().getEpochSecond();
    send(exchange, 200, envelope().put("data", new JsonObject()
        .put("accessor", "accessor-" + token.hashCode())
        .put("creation_time", now)
        .put("creation_ttl", known.creationTtl())
        .put("display_name", "token")
        .put("entity_id", "")
        .put("expire_time", known.expiresAt() == null ? null : known.expiresAt().toString())
        .put("explicit_max_ttl", 0)
        .put("id", token)
        .put("issue_time", Instant.now().toString())
        .put("meta", null)
        .put("num_uses", 0)
        .put("orphan", true)
        .put("path", "auth/token/create")
        .put("policies", new JsonArray().add("default").add("switchboard"))
        .put("renewable", known.renewable())
        .put("ttl", ttl)
        .put("type", "service")));
  }

  private void kv(HttpExchange exchange, String method, String path, String query, String token, byte[] body)
      throws IOException {
    String data = "/v1/" + mount + "/data/";
    String metadata = "/v1/" + mount + "/metadata/";
    if (!path.startsWith(data) && !path.startsWith(metadata)) {
      send(exchange, 404, new JsonObject().put("errors", new JsonArray()));
      return;
    }
    int fail = failNextKvWith;
    if (fail != 0) {
      failNextKvWith = 0;
      send(exchange, fail, new JsonObject().put("errors", new JsonArray()
          .add("internal error; request token " + token + ", body " + new String(body, StandardCharsets.UTF_8))));
      return;
    }
    if (path.startsWith(data)) {
      String key = path.substring(data.length());
      switch (method) {
        case "GET" -> readData(exchange, key);
        case "POST", "PUT" -> writeData(exchange, key, new JsonObject(new String(body, StandardCharsets.UTF_8)));
        default -> send(exchange, 405, new JsonObject().put("errors", new JsonArray()));
      }
      return;
    }
    String key = path.substring(metadata.length()).replaceAll("/$", "");
    boolean list = "LIST".equals(method) || ("GET".equals(method) && query != null && query.contains("list=true"));
    if (list) {
      listKeys(exchange, key);
    } else if ("GET".equals(method)) {
      readMetadata(exchange, key);
    } else if ("DELETE".equals(method)) {
      secrets.remove(key);
      exchange.sendResponseHeaders(204, -1);
    } else {
      send(exchange, 405, new JsonObject().put("errors", new JsonArray()));
    }
  }

  private void readData(HttpExchange exchange, String key) throws IOException {
    CountDownLatch arrived = readArrived;
    if (arrived != null) {
      readArrived = null;
      arrived.countDown();
      try {
        releaseRead.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    List<Version> versions = secrets.get(key);
    if (versions == null || versions.isEmpty()) {
      send(exchange, 404, new JsonObject().put("errors", new JsonArray()));
      return;
    }
    Version latest = versions.get(versions.size() - 1);
    send(exchange, 200, envelope().put("data", new JsonObject()
        .put("data", latest.data())
        .put("metadata", versionMetadata(latest, versions.size()))));
  }

  private void writeData(HttpExchange exchange, String key, JsonObject request) throws IOException {
    Version version = new Version(request.getJsonObject("data"), Instant.now());
    List<Version> versions = secrets.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
    int number;
    synchronized (versions) {
      versions.add(version);
      number = versions.size();
    }
    send(exchange, 200, envelope().put("data", versionMetadata(version, number)));
  }

  private void readMetadata(HttpExchange exchange, String key) throws IOException {
    List<Version> versions = secrets.get(key);
    if (versions == null || versions.isEmpty()) {
      send(exchange, 404, new JsonObject().put("errors", new JsonArray()));
      return;
    }
    JsonObject all = new JsonObject();
    for (int i = 0; i < versions.size(); i++) {
      all.put(Integer.toString(i + 1), new JsonObject().put("created_time", versions.get(i).createdAt().toString())
          .put("deletion_time", "").put("destroyed", false));
    }
    send(exchange, 200, envelope().put("data", new JsonObject()
        .put("cas_required", false)
        .put("created_time", versions.get(0).createdAt().toString())
        .put("current_version", versions.size())
        .put("custom_metadata", null)
        .put("delete_version_after", "0s")
        .put("max_versions", 0)
        .put("oldest_version", 0)
        .put("updated_time", versions.get(versions.size() - 1).createdAt().toString())
        .put("versions", all)));
  }

  private void listKeys(HttpExchange exchange, String folder) throws IOException {
    TreeSet<String> keys = new TreeSet<>();
    String prefix = folder + "/";
    for (String key : new ArrayList<>(secrets.keySet())) {
      if (key.startsWith(prefix)) {
        String rest = key.substring(prefix.length());
        int slash = rest.indexOf('/');
        keys.add(slash < 0 ? rest : rest.substring(0, slash + 1));
      }
    }
    if (keys.isEmpty()) {
      send(exchange, 404, new JsonObject().put("errors", new JsonArray()));
      return;
    }
    send(exchange, 200, envelope().put("data", new JsonObject().put("keys", new JsonArray(new ArrayList<>(keys)))));
  }

  private static JsonObject versionMetadata(Version version, int number) {
    return new JsonObject()
        .put("created_time", version.createdAt().toString())
        .put("custom_metadata", null)
        .put("deletion_time", "")
        .put("destroyed", false)
        .put("version", number);
  }

  private static JsonObject authAnswer(String token, long lease, boolean renewable) {
    return envelope().put("auth", new JsonObject()
        .put("client_token", token)
        .put("accessor", "accessor-" + token.hashCode())
        .put("policies", new JsonArray().add("default").add("switchboard"))
        .put("token_policies", new JsonArray().add("default").add("switchboard"))
        .put("metadata", new JsonObject().put("role_name", "switchboard"))
        .put("lease_duration", lease)
        .put("renewable", renewable)
        .put("entity_id", "")
        .put("token_type", "service")
        .put("orphan", true));
  }

  private static JsonObject envelope() {
    return new JsonObject()
        .put("request_id", UUID.randomUUID().toString())
        .put("lease_id", "")
        .put("renewable", false)
        .put("lease_duration", 0)
        .put("data", null)
        .put("wrap_info", null)
        .put("warnings", null)
        .put("auth", null);
  }

  private static void send(HttpExchange exchange, int status, JsonObject body) throws IOException {
    LoopbackHttpServer.respond(exchange, status, LoopbackHttpServer.JSON, body.encode());
  }
}
