package io.switchboard.tenancy.secrets;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;

import java.io.IOException;
import java.net.http.HttpClient;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/**
 * Secrets in HashiCorp Vault's KV v2 engine, through the HashiCorp Vault Java Driver
 * ({@code io.github.jopenlibs.vault}). A tenant's secret lives at
 * {@code <mount>/<prefix>/<tenantId>/<name>} in the field {@code value}; tenant ids and names are
 * validated path segments, so no tenant can name a path outside its own folder.
 *
 * <p>The driver blocks, so every Vault call runs on the {@value #WORKER_POOL} worker pool, never
 * on an event loop. Reads are cached per tenant and name for {@link VaultSettings#cacheTtl()}
 * (misses too); a put or delete on this node updates the cache at once, a change made elsewhere
 * is seen once the entry expires.
 *
 * <p>The client token is renewed on a timer at two thirds of its lease ({@code renew-self} while
 * renewable; with AppRole, a new login otherwise or when renewal fails). With AppRole, a 403 from
 * Vault leads to one new login and one retry of the call. Failures are
 * {@link SecretStoreException}s whose messages name the operation and the HTTP status; they never
 * contain a secret value, a token or Vault's answer body.
 *
 * <p>At an {@code https://} address Vault's certificate is checked as {@link VaultSettings#tls()}
 * says: against the JVM's CAs, against the CAs of a PEM file, or not at all (with a warning in the
 * log at start). A refused certificate fails the call (or the start) with
 * {@link SecretStoreException.Reason#UNAVAILABLE} and a message that says TLS verification failed,
 * why, and what to configure.
 *
 * <p>{@code delete} removes all versions and the metadata of the secret; a later put starts again
 * at version 1, as in Vault itself. {@code list} makes one metadata read per secret.
 */
public final class VaultSecretStore implements SecretStore {

  /** The field of the KV entry that holds the value. */
  public static final String VALUE_FIELD = "value";
  /** The name of the worker pool all Vault calls run on. */
  public static final String WORKER_POOL = "switchboard-vault";
  static final int WORKER_POOL_SIZE = 8;
  static final int CONNECT_TIMEOUT_SECONDS = 5;
  static final int READ_TIMEOUT_SECONDS = 10;
  private static final long MIN_RENEW_DELAY_MILLIS = 500;
  private static final long RETRY_DELAY_MILLIS = 10_000;
  private static final int MAX_CACHE_ENTRIES = 100_000;

  private static final Logger LOG = LoggerFactory.getLogger(VaultSecretStore.class);

  /** Keeps the driver from reading VAULT_ADDR, VAULT_TOKEN etc.: only our settings count. */
  private static final EnvironmentLoader NO_ENVIRONMENT = new EnvironmentLoader() {
    @Override
    public String loadVariable(String name) {
      return null;
    }
  };

  /** A token, the clients that send it, and what Vault said about its lease. */
  private record Session(Vault kv, Vault raw, long leaseSeconds, boolean renewable, long loginLeaseSeconds) {
    Session withLease(long seconds, boolean stillRenewable) {
      return new Session(kv, raw, seconds, stillRenewable, loginLeaseSeconds);
    }
  }

  private record CacheKey(String tenantId, String name) {
  }

  @FunctionalInterface
  private interface VaultCall<T> {
    T run(Session session) throws VaultException;
  }

  private final Vertx vertx;
  private final VaultSettings settings;
  private final WorkerExecutor workers;
  private final HttpClient http;
  private final Cache<CacheKey, Optional<String>> cache;
  private final int mountDepth;
  private final Object authLock = new Object();
  private volatile Session session;
  private volatile long renewalTimer = -1;
  private volatile boolean closed;

  private VaultSecretStore(Vertx vertx, VaultSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
    this.workers = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_POOL_SIZE);
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS));
    VaultSslContexts.of(settings.tls()).ifPresent(http::sslContext);
    this.http = http.build();
    // The scheduler takes expired secrets off the heap when they expire, not at the next read.
    this.cache = Caffeine.newBuilder().expireAfterWrite(settings.cacheTtl()).maximumSize(MAX_CACHE_ENTRIES)
        .scheduler(Scheduler.systemScheduler()).build();
    this.mountDepth = settings.kvMount().split("/").length;
  }

  /**
   * Connects to Vault: logs in with AppRole, or checks the token with {@code lookup-self}, then
   * schedules token renewal. Fails when Vault cannot be reached or refuses the credentials.
   */
  public static Future<VaultSecretStore> start(Vertx vertx, VaultSettings settings) {
    if (settings.tls() instanceof VaultTls.SkipVerify) {
      LOG.warn("!!! TLS VERIFICATION OF VAULT IS OFF ({}=true): Switchboard accepts any certificate for {}, so anyone "
          + "on the network path can read and change every tenant's secrets and steal the Vault token. Use this only "
          + "in development; set {} to the CA's PEM file instead !!!", SecretStoreSettings.VAULT_SKIP_VERIFY,
          settings.address(), SecretStoreSettings.VAULT_CACERT);
    }
    VaultSecretStore store = new VaultSecretStore(vertx, settings);
    return store.workers.executeBlocking(() -> {
      try {
        return store.authenticate();
      } catch (VaultException e) {
        throw store.failure("authenticating to Vault", e);
      }
    }, false).map(authenticated -> {
      store.session = authenticated;
      store.scheduleRenewal(authenticated);
      return store;
    }).recover(e -> store.close().transform(closed -> Future.failedFuture(e)));
  }

  @Override
  public Future<Optional<String>> get(String tenantId, String name) {
    try {
      SecretNames.check(tenantId, name);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    CacheKey key = new CacheKey(tenantId, name);
    Optional<String> cached = cache.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    String what = "reading secret '" + name + "' of tenant '" + tenantId + "'";
    String path = secretPath(tenantId, name);
    return call(what, s -> {
      LogicalResponse response = s.kv().logical().read(path);
      int status = response.getRestResponse().getStatus();
      if (status == 404) {
        return Optional.<String>empty();
      }
      check(status, what);
      String value = response.getData().get(VALUE_FIELD);
      if (value == null) {
        throw new SecretStoreException(SecretStoreException.Reason.UNREADABLE,
            "Vault entry " + path + " has no field '" + VALUE_FIELD + "'; write the secret through Switchboard "
                + "or with the field '" + VALUE_FIELD + "'");
      }
      return Optional.of(value);
    }).onSuccess(value -> cache.asMap().putIfAbsent(key, value));
  }

  @Override
  public Future<SecretVersion> put(String tenantId, String name, String value) {
    try {
      SecretNames.check(tenantId, name);
      SecretNames.checkValue(value);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    CacheKey key = new CacheKey(tenantId, name);
    String what = "writing secret '" + name + "' of tenant '" + tenantId + "'";
    String path = secretPath(tenantId, name);
    return call(what, s -> {
      LogicalResponse response = s.kv().logical().write(path, Map.<String, Object>of(VALUE_FIELD, value));
      check(response.getRestResponse().getStatus(), what);
      String version = response.getData().get("version");
      if (version == null) {
        throw new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE,
            "Vault's answer to " + what + " has no version; is " + settings.kvMount() + " a KV version 2 mount?");
      }
      return new SecretVersion(name, Long.parseLong(version), time(response.getData().get("created_time")));
    }).onComplete(written -> {
      if (written.succeeded()) {
        cache.put(key, Optional.of(value));
      } else {
        cache.invalidate(key);
      }
    });
  }

  @Override
  public Future<List<SecretVersion>> list(String tenantId) {
    try {
      SecretNames.checkTenantId(tenantId);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    String what = "listing the secrets of tenant '" + tenantId + "'";
    return call(what, s -> {
      LogicalResponse response = s.kv().logical().list(join(settings.kvMount(), settings.pathPrefix(), tenantId));
      int status = response.getRestResponse().getStatus();
      if (status == 404) {
        return List.<SecretVersion>of();
      }
      check(status, what);
      List<SecretVersion> versions = new ArrayList<>();
      for (String name : response.getListData()) {
        if (SecretNames.NAME.matcher(name).matches() && !name.contains("..")) {
          latest(s, tenantId, name).ifPresent(versions::add);
        }
      }
      versions.sort(Comparator.comparing(SecretVersion::name));
      return versions;
    });
  }

  @Override
  public Future<Boolean> delete(String tenantId, String name) {
    try {
      SecretNames.check(tenantId, name);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    CacheKey key = new CacheKey(tenantId, name);
    String what = "deleting secret '" + name + "' of tenant '" + tenantId + "'";
    return call(what, s -> {
      LogicalResponse metadata = s.raw().logical().read(metadataPath(tenantId, name));
      int status = metadata.getRestResponse().getStatus();
      if (status == 404) {
        return false;
      }
      check(status, what);
      s.kv().logical().delete(secretPath(tenantId, name));
      return true;
    }).onComplete(deleted -> {
      if (deleted.succeeded()) {
        cache.put(key, Optional.empty());
      } else {
        cache.invalidate(key);
      }
    });
  }

  /** Stops token renewal and releases the worker pool. */
  @Override
  public Future<Void> close() {
    closed = true;
    long timer = renewalTimer;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    cache.invalidateAll();
    return workers.close();
  }

  /** The latest version of one secret from its metadata; empty if it is gone or its latest version is deleted. */
  private Optional<SecretVersion> latest(Session s, String tenantId, String name) throws VaultException {
    String what = "reading the metadata of secret '" + name + "' of tenant '" + tenantId + "'";
    LogicalResponse response = s.raw().logical().read(metadataPath(tenantId, name));
    int status = response.getRestResponse().getStatus();
    if (status == 404) {
      return Optional.empty();
    }
    check(status, what);
    Map<String, String> data = response.getData();
    String current = data.get("current_version");
    if (current == null) {
      return Optional.empty();
    }
    if (latestVersionIsDeleted(data.get("versions"), current)) {
      return Optional.empty();
    }
    return Optional.of(new SecretVersion(name, Long.parseLong(current), time(data.get("updated_time"))));
  }

  /** Whether the metadata's {@code versions} object marks the current version deleted or destroyed (e.g. by {@code vault kv delete}). */
  private static boolean latestVersionIsDeleted(String versions, String current) {
    if (versions == null) {
      return false;
    }
    try {
      JsonObject latest = new JsonObject(versions).getJsonObject(current);
      return latest != null && (!latest.getString("deletion_time", "").isEmpty() || latest.getBoolean("destroyed", false));
    } catch (RuntimeException unexpectedShape) {
      return false;
    }
  }

  /** Runs a Vault call on the worker pool; with AppRole, a refusal leads to one new login and one retry. */
  private <T> Future<T> call(String what, VaultCall<T> call) {
    if (closed) {
      return Future.failedFuture(new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE,
          "the Vault secret store is closed"));
    }
    return workers.executeBlocking(() -> {
      Session current = session;
      try {
        try {
          return call.run(current);
        } catch (SecretStoreException | VaultException e) {
          if (!isDenied(e) || !(settings.auth() instanceof VaultAuth.AppRole)) {
            throw e;
          }
          LOG.info("Vault refused the token while {}; logging in again with AppRole", what);
          return call.run(reauthenticate(current));
        }
      } catch (VaultException e) {
        throw failure(what, e);
      }
    }, false);
  }

  private static boolean isDenied(Exception e) {
    return e instanceof SecretStoreException s ? s.reason() == SecretStoreException.Reason.DENIED
        : ((VaultException) e).getHttpStatusCode() == 403;
  }

  private Session authenticate() throws VaultException {
    if (settings.auth() instanceof VaultAuth.AppRole) {
      return login();
    }
    String token = ((VaultAuth.Token) settings.auth()).token();
    Vault kv = client(token, 2);
    LookupResponse lookup;
    try {
      lookup = kv.auth().lookupSelf();
    } catch (VaultException e) {
      if (e.getHttpStatusCode() == 403) {
        throw new SecretStoreException(SecretStoreException.Reason.DENIED,
            "Vault refused the token (HTTP 403 on auth/token/lookup-self): it is wrong, expired or revoked");
      }
      throw e;
    }
    long ttl = lookup.getTTL();
    LOG.info("Vault token accepted; {}", ttl > 0
        ? "it expires in " + ttl + " s" + (lookup.isRenewable() ? " and will be renewed" : " and is not renewable")
        : "it does not expire");
    return new Session(kv, client(token, 1), ttl, lookup.isRenewable(), Math.max(ttl, lookup.getCreationTTL()));
  }

  private Session login() throws VaultException {
    VaultAuth.AppRole appRole = (VaultAuth.AppRole) settings.auth();
    AuthResponse auth;
    try {
      auth = client(null, 2).auth().loginByAppRole(appRole.roleId(), appRole.secretId());
    } catch (VaultException e) {
      int status = e.getHttpStatusCode();
      if (status == 400 || status == 403) {
        throw new SecretStoreException(SecretStoreException.Reason.DENIED, "Vault refused the AppRole login (HTTP "
            + status + " on auth/approle/login): check the role id and secret id");
      }
      throw e;
    }
    String token = auth.getAuthClientToken();
    if (token == null || token.isEmpty()) {
      throw new SecretStoreException(SecretStoreException.Reason.DENIED, "Vault's AppRole login answer has no token");
    }
    LOG.info("Logged in to Vault with AppRole; token lease {} s{}", auth.getAuthLeaseDuration(),
        auth.isAuthRenewable() ? ", renewable" : "");
    long lease = auth.getAuthLeaseDuration();
    return new Session(client(token, 2), client(token, 1), lease, auth.isAuthRenewable(), lease);
  }

  /** Logs in again unless another thread already replaced the session that was refused. */
  private Session reauthenticate(Session refused) throws VaultException {
    synchronized (authLock) {
      if (session != refused) {
        return session;
      }
      session = login();
      return session;
    }
  }

  /** Renews the current token, or logs in again (AppRole) when it cannot be renewed. */
  private Session renew() throws VaultException {
    synchronized (authLock) {
      Session current = session;
      boolean appRole = settings.auth() instanceof VaultAuth.AppRole;
      if (current.renewable()) {
        try {
          AuthResponse renewed = current.kv().auth().renewSelf(current.loginLeaseSeconds());
          session = current.withLease(renewed.getAuthLeaseDuration(), renewed.isAuthRenewable());
          LOG.debug("Renewed the Vault token; lease {} s", session.leaseSeconds());
          // Near its max TTL a token's lease shrinks with each renewal: log in again instead.
          if (!appRole || session.leaseSeconds() * 3 >= current.loginLeaseSeconds()) {
            return session;
          }
        } catch (VaultException e) {
          if (!appRole) {
            throw e;
          }
          LOG.info("Renewing the Vault token failed (HTTP {}); logging in again with AppRole", e.getHttpStatusCode());
        }
      }
      if (appRole) {
        session = login();
      }
      return session;
    }
  }

  private void scheduleRenewal(Session s) {
    if (closed || s.leaseSeconds() <= 0 || !(s.renewable() || settings.auth() instanceof VaultAuth.AppRole)) {
      return;
    }
    schedule(Math.max(MIN_RENEW_DELAY_MILLIS, s.leaseSeconds() * 1000 * 2 / 3));
  }

  private void schedule(long delayMillis) {
    renewalTimer = vertx.setTimer(delayMillis, id -> workers.executeBlocking(this::renew, false).onComplete(renewed -> {
      if (renewed.succeeded()) {
        scheduleRenewal(renewed.result());
      } else if (!closed) {
        Throwable e = renewed.cause();
        long retry = Math.min(RETRY_DELAY_MILLIS, Math.max(MIN_RENEW_DELAY_MILLIS, session.leaseSeconds() * 1000 / 3));
        LOG.warn("Could not renew the Vault token ({}); trying again in {} ms", e instanceof VaultException v
            ? failure("renewing the token", v).getMessage() : e.getMessage(), retry);
        schedule(retry);
      }
    }));
  }

  /** A driver client; engine version 2 maps paths to {@code data/} and {@code metadata/}, version 1 leaves them alone. */
  private Vault client(String token, int engineVersion) throws VaultException {
    VaultConfig config = new VaultConfig()
        .environmentLoader(NO_ENVIRONMENT)
        .address(settings.address())
        .engineVersion(engineVersion)
        .prefixPathDepth(mountDepth)
        .openTimeout(CONNECT_TIMEOUT_SECONDS)
        .readTimeout(READ_TIMEOUT_SECONDS)
        .httpClient(http);
    if (token != null) {
      config.token(token);
    }
    return Vault.create(config.build());
  }

  private static void check(int status, String what) {
    if (status == 403) {
      throw new SecretStoreException(SecretStoreException.Reason.DENIED, "Vault refused " + what
          + " (HTTP 403): the token has expired or was revoked, or its policy does not allow this path");
    }
    if (status < 200 || status > 299) {
      throw new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE,
          "Vault answered HTTP " + status + " to " + what);
    }
  }

  /** A failure naming the operation and the HTTP status or network error, never the driver's message. */
  private SecretStoreException failure(String what, VaultException e) {
    int status = e.getHttpStatusCode();
    if (status == 403) {
      return new SecretStoreException(SecretStoreException.Reason.DENIED, "Vault refused " + what
          + " (HTTP 403): the token has expired or was revoked, or its policy does not allow this path");
    }
    if (status > 0) {
      return new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE, "Vault answered HTTP " + status
          + " to " + what);
    }
    Throwable root = e;
    SSLException tls = null;
    CertificateException certificate = null;
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      root = cause;
      if (tls == null && cause instanceof SSLException ssl) {
        tls = ssl;
      }
      if (cause instanceof CertificateException refused) {
        certificate = refused;
      }
    }
    if (tls != null) {
      return tlsFailure(what, tls, certificate, root);
    }
    String detail = root instanceof IOException || root instanceof InterruptedException
        ? root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage())
        : root.getClass().getSimpleName();
    return new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE, "cannot reach Vault at "
        + settings.address() + " while " + what + " (" + detail + ")");
  }

  /**
   * A TLS failure: Vault's certificate was refused ({@code certificate} is set), or the handshake
   * failed otherwise (not TLS on that port, no common protocol). Says what to configure.
   */
  private SecretStoreException tlsFailure(String what, SSLException tls, CertificateException certificate,
      Throwable root) {
    if (certificate == null) {
      return new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE, "TLS handshake with Vault at "
          + settings.address() + " failed while " + what + " (" + tls.getClass().getSimpleName()
          + (tls.getMessage() == null ? "" : ": " + tls.getMessage())
          + "); is Vault serving HTTPS (TLS 1.2 or 1.3) on that port?");
    }
    String reason = root.getMessage() != null ? root.getMessage() : certificate.getMessage();
    String hint = settings.tls() instanceof VaultTls.CustomCa ca
        ? "check that a CA certificate in " + ca.source() + " (" + SecretStoreSettings.VAULT_CACERT + ") signed Vault's "
            + "certificate, and that the certificate names the host of " + settings.address()
        : "if Vault's certificate comes from a private CA, set " + SecretStoreSettings.VAULT_CACERT
            + " to that CA's PEM file; the certificate must also name the host of " + settings.address();
    return new SecretStoreException(SecretStoreException.Reason.UNAVAILABLE, "TLS verification of Vault's "
        + "certificate failed at " + settings.address() + " while " + what + " (" + reason + "): " + hint);
  }

  private String secretPath(String tenantId, String name) {
    return join(settings.kvMount(), settings.pathPrefix(), tenantId, name);
  }

  private String metadataPath(String tenantId, String name) {
    return join(settings.kvMount(), "metadata", settings.pathPrefix(), tenantId, name);
  }

  private static String join(String... segments) {
    StringJoiner path = new StringJoiner("/");
    for (String segment : segments) {
      if (!segment.isEmpty()) {
        path.add(segment);
      }
    }
    return path.toString();
  }

  private static Instant time(String rfc3339) {
    try {
      return rfc3339 == null ? Instant.now() : Instant.parse(rfc3339);
    } catch (DateTimeParseException e) {
      return Instant.now();
    }
  }
}
