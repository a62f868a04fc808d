package io.switchboard.deploy;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.audit.AuditKey;
import io.switchboard.audit.AuditLog;
import io.switchboard.core.config.ClusterDiscovery;
import io.switchboard.core.config.SwitchboardConfig;
import io.switchboard.core.db.DatabaseUrl;
import io.switchboard.core.db.EmbeddedPostgresServer;
import io.switchboard.core.db.Migrations;
import io.switchboard.executor.ExecutorVerticle;
import io.switchboard.gateway.GatewayVerticle;
import io.switchboard.gateway.platform.PlatformSettings;
import io.switchboard.gateway.sandbox.SandboxSessions;
import io.switchboard.gateway.sandbox.SandboxSettings;
import io.switchboard.jobs.JobQueue;
import io.switchboard.jobs.QueueSettings;
import io.switchboard.tenancy.DemoTenant;
import io.switchboard.tenancy.OperatorToken;
import io.switchboard.tenancy.SlackSigningSecrets;
import io.switchboard.tenancy.secrets.LocalSecretStore;
import io.switchboard.tenancy.secrets.MasterKey;
import io.switchboard.tenancy.secrets.MasterKeyRing;
import io.switchboard.tenancy.secrets.MasterKeyRotation;
import io.switchboard.tenancy.secrets.SecretStore;
import io.switchboard.tenancy.secrets.SecretStoreSettings;
import io.switchboard.tenancy.secrets.WrappedKeys;
import io.switchboard.tenancy.secrets.VaultSecretStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running Switchboard process: its database (external, or embedded when none is configured),
 * migrations, Vert.x, and the verticles its {@link Role} asks for. Starting and closing block the
 * calling thread (the launcher's main thread or a shutdown hook), never an event loop.
 */
public final class SwitchboardNode implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SwitchboardNode.class);
  private static final int POOL_SIZE = 16;
  /** The PostgreSQL pool's name: its {@code pool_name} label in Vert.x's {@code vertx_pool_*} metrics. */
  static final String POOL_NAME = "switchboard-db";
  /** What the audit chain's key is derived from the master key for; changing it changes every node's key. */
  private static final String AUDIT_KEY_PURPOSE = "switchboard audit chain v1";
  private static final String AUDIT_KEY_NAME = "audit";

  private final Optional<EmbeddedPostgresServer> embedded;
  private final NodeMetrics metrics;
  private final Vertx vertx;
  private final Pool pool;
  private final SecretStore secrets;
  private final List<String> deployments;
  private final DemoTenant.Credentials demo;
  private final Optional<String> generatedOperatorToken;
  private final DatabaseUrl databaseUrl;
  private final int httpPort;
  private final Optional<NodeTracing> tracing;

  private SwitchboardNode(Optional<EmbeddedPostgresServer> embedded, NodeMetrics metrics, DatabaseUrl databaseUrl,
                          Vertx vertx, Pool pool, SecretStore secrets, List<String> deployments,
                          DemoTenant.Credentials demo, Optional<String> generatedOperatorToken, int httpPort,
                          Optional<NodeTracing> tracing) {
    this.tracing = tracing;
    this.embedded = embedded;
    this.metrics = metrics;
    this.databaseUrl = databaseUrl;
    this.vertx = vertx;
    this.pool = pool;
    this.secrets = secrets;
    this.deployments = deployments;
    this.demo = demo;
    this.generatedOperatorToken = generatedOperatorToken;
    this.httpPort = httpPort;
  }

  /**
   * Starts the role. For {@link Role#MIGRATE} it applies migrations and returns a node with nothing
   * running. The chat platforms' settings are read first, so a malformed value stops the node before
   * anything starts (an {@link IllegalArgumentException} naming the variable). If a step fails,
   * whatever was started is stopped again before the exception leaves.
   */
  public static SwitchboardNode start(SwitchboardConfig config, SecretStoreSettings secretSettings, Role role) {
    NodeSettings.requireSharedDatabase(config, role);
    List<PlatformSettings> platforms = NodeSettings.platforms(config, role);
    ClusterDiscovery discovery = NodeSettings.clusterDiscovery(config, role);
    if (role != Role.MIGRATE) {
      StartupFailure.requirePortFree(config.httpHost(), config.httpPort(), "SWITCHBOARD_HTTP_PORT");
    }
    Optional<EmbeddedPostgresServer> embedded = config.databaseUrl().isPresent()
        ? Optional.empty()
        : Optional.of(startEmbedded(config));
    DatabaseUrl url = config.databaseUrl().orElseGet(() -> embedded.get().url());
    Vertx vertx = null;
    NodeMetrics metrics = null;
    Optional<NodeTracing> tracing = Optional.empty();
    try {
      int applied = migrate(url, embedded.isPresent());
      LOG.info("Database {} is up to date ({} migration(s) applied now)", url, applied);
      if (role == Role.MIGRATE) {
        return new SwitchboardNode(embedded, null, url, null, null, null, List.of(), null, Optional.empty(), -1,
            Optional.empty());
      }
      tracing = NodeTracing.start(config.environment());
      metrics = NodeMetrics.create();
      vertx = discovery.enabled()
          ? joinCluster(config, discovery, metrics)
          : metrics.instrument(Vertx.builder(), new VertxOptions()).build();
      Pool pool = PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(POOL_SIZE).setName(POOL_NAME))
          .connectingTo(url.connectOptions())
          .using(vertx)
          .build();
      PrometheusMeterRegistry registry = metrics.registry();
      MasterKeyRing masterKeys = secretSettings.ring(masterKey(secretSettings, config).orElseThrow(() ->
          new StartupFailure("SWITCHBOARD_MASTER_KEY is required with SWITCHBOARD_SECRET_STORE=vault too: the audit "
              + "chain's key is sealed under it (openssl rand -base64 32; the same value on every node)")));
      if (!masterKeys.previous().isEmpty()) {
        LOG.info("Master key rotation: {}", await(MasterKeyRotation.resealUnderCurrentKey(pool, masterKeys,
            secretSettings.backend() == SecretStoreSettings.Backend.LOCAL)).describe(masterKeys.current().id()));
      }
      SecretStore secrets = secretStore(secretSettings, masterKeys, vertx, pool);
      AuditLog.measureWith(registry);
      AuditKey.install(auditKey(pool, masterKeys));
      if (role.runsGateway()) {
        moveSigningSecrets(pool, secrets);
      }
      DemoTenant.Credentials demo = config.demoTenant() && role.runsGateway()
          ? await(DemoTenant.ensure(pool, secrets, config.demoSlackSigningSecret(), config.demoAdminToken()))
          : null;
      if (demo != null && platforms.stream().anyMatch(SandboxSettings.class::isInstance)) {
        await(DemoTenant.installSandbox(pool, SandboxSessions.WORKSPACE));
        await(DemoPolicy.ensure(vertx, pool)).ifPresent(version ->
            LOG.info("The demo tenant got the demo policy (version {}): try it in the sandbox, see docs/sandbox.md", version));
      }
      Optional<String> operatorToken = embedded.isPresent() && role.runsGateway()
          ? await(OperatorToken.ensure(pool, config.operatorToken()))
          : Optional.empty();
      List<String> deployments = new ArrayList<>();
      int port = config.httpPort();
      if (role.runsGateway()) {
        GatewayVerticle gateway = new GatewayVerticle(config, platforms, pool, registry, secrets);
        deployments.add(await(vertx.deployVerticle(gateway)));
        port = gateway.actualPort();
      } else {
        deployments.add(await(vertx.deployVerticle(new OperationsVerticle(config, pool, registry))));
      }
      if (role.runsExecutor()) {
        JobQueue queue = new JobQueue(pool, executorName(), QueueSettings.of(config.jobLease(), config.actionTimeout()));
        ExecutorVerticle.ExecutorSettings settings = new ExecutorVerticle.ExecutorSettings(config.executorConcurrency(),
            config.executorPollInterval(), config.jobLease().dividedBy(3), config.shutdownGrace(),
            config.executorGaugeInterval());
        deployments.add(await(vertx.deployVerticle(
            new ExecutorVerticle(queue, NodeSettings.actions(System.getenv(), role), secrets, settings, registry))));
      }
      return new SwitchboardNode(embedded, metrics, url, vertx, pool, secrets, deployments, demo, operatorToken, port,
          tracing);
    } catch (RuntimeException e) {
      if (vertx != null) {
        awaitQuietly(vertx.close());
      }
      if (metrics != null) {
        metrics.close();
      }
      tracing.ifPresent(NodeTracing::close);
      embedded.ifPresent(EmbeddedPostgresServer::close);
      if (StartupFailure.isBindFailure(e)) {
        throw StartupFailure.portInUse(config.httpHost(), config.httpPort(), "SWITCHBOARD_HTTP_PORT");
      }
      throw e;
    }
  }

  /**
   * Moves Slack signing secrets an earlier release kept in {@code chat_installations} into the
   * tenants' secret store, before this node's gateway verifies a request with one (issue 11). Every
   * gateway node does it at start; the first to come moves them, the others find nothing left.
   */
  private static void moveSigningSecrets(Pool pool, SecretStore secrets) {
    try {
      await(new SlackSigningSecrets(secrets).moveFromColumn(pool));
    } catch (RuntimeException e) {
      throw new StartupFailure("could not move the Slack signing secrets kept in chat_installations into the "
          + "secret store: " + StartupFailure.rootMessage(e)
          + " (check the secret store; the next start moves those left)");
    }
  }

  /** Starts the embedded PostgreSQL, saying so first: the first start unpacks it, which takes a while. */
  private static EmbeddedPostgresServer startEmbedded(SwitchboardConfig config) {
    StartupFailure.requirePortFree("127.0.0.1", config.embeddedPostgresPort(), "SWITCHBOARD_EMBEDDED_POSTGRES_PORT");
    Path dataDir = config.dataDir().toAbsolutePath().normalize();
    boolean firstStart = !Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION"));
    LOG.info(firstStart
        ? "Preparing the embedded PostgreSQL in {} (first start: unpacking and creating the database, up to a minute)"
        : "Starting the embedded PostgreSQL in {}", dataDir);
    try {
      return EmbeddedPostgresServer.start(config.dataDir(), config.embeddedPostgresPort());
    } catch (RuntimeException e) {
      throw new StartupFailure("the embedded PostgreSQL did not start in " + dataDir + ": " + StartupFailure.rootMessage(e)
          + " (check that SWITCHBOARD_DATA_DIR is a writable directory, or use an external PostgreSQL with "
          + "SWITCHBOARD_DATABASE_URL)");
    }
  }

  /** Applies the migrations; a database that cannot be reached or used is a {@link StartupFailure}. */
  private static int migrate(DatabaseUrl url, boolean embedded) {
    try {
      return Migrations.migrate(url);
    } catch (RuntimeException e) {
      if (embedded) {
        throw e;
      }
      throw new StartupFailure("cannot use the database " + url + ": " + StartupFailure.rootMessage(e)
          + " (check SWITCHBOARD_DATABASE_URL, and that the server is up and lets this user in)");
    }
  }

  /** The port the HTTP server listens on, or -1 for the migrate role. */
  public int httpPort() {
    return httpPort;
  }

  public DatabaseUrl databaseUrl() {
    return databaseUrl;
  }

  /** The demo tenant's credentials, when this node created or checked it. */
  public Optional<DemoTenant.Credentials> demo() {
    return Optional.ofNullable(demo);
  }

  /** The operator token generated on this first start of an embedded node; shown once, only its hash is kept. */
  public Optional<String> generatedOperatorToken() {
    return generatedOperatorToken;
  }

  public boolean isEmbeddedDatabase() {
    return embedded.isPresent();
  }

  /**
   * Shuts down in order: the gateway stops taking requests, executors finish or release their
   * jobs, then the pool, Vert.x, tracing (exporting the spans it still holds) and the embedded
   * PostgreSQL stop.
   */
  @Override
  public void close() {
    if (vertx != null) {
      for (String deployment : deployments) {
        awaitQuietly(vertx.undeploy(deployment));
      }
      awaitQuietly(secrets.close());
      awaitQuietly(pool.close());
      awaitQuietly(vertx.close());
      metrics.close();
    }
    tracing.ifPresent(NodeTracing::close);
    embedded.ifPresent(EmbeddedPostgresServer::close);
  }

  private static Vertx joinCluster(SwitchboardConfig config, ClusterDiscovery discovery, NodeMetrics metrics) {
    try {
      return await(ClusteredVertx.start(config.cluster(), discovery, metrics));
    } catch (RuntimeException e) {
      String how = switch (discovery.mode()) {
        case KUBERNETES_DNS -> "SWITCHBOARD_CLUSTER_SERVICE_DNS";
        case KUBERNETES_API -> "SWITCHBOARD_CLUSTER_SERVICE_NAME, SWITCHBOARD_CLUSTER_NAMESPACE, the pod's "
            + "service account and its Role";
        default -> "SWITCHBOARD_CLUSTER_MEMBERS";
      };
      throw new StartupFailure("could not join the cluster: " + StartupFailure.rootMessage(e)
          + " (check " + how + ", SWITCHBOARD_CLUSTER_HOST and SWITCHBOARD_CLUSTER_PORT)");
    }
  }

  /**
   * The master key: the local store's (read or made here, on the starting thread: it is file IO), or
   * the one given with Vault, if any.
   */
  private static Optional<MasterKey> masterKey(SecretStoreSettings settings, SwitchboardConfig config) {
    if (settings.backend() == SecretStoreSettings.Backend.VAULT) {
      return settings.masterKey();
    }
    try {
      return Optional.of(MasterKey.load(settings.masterKey(), config.dataDir()));
    } catch (IllegalStateException e) {
      throw new StartupFailure(e.getMessage() + " (check SWITCHBOARD_DATA_DIR, or set SWITCHBOARD_MASTER_KEY)");
    }
  }

  /**
   * The audit chain's key as a deployment's first node made it: derived from its master key. Every
   * node reads it from {@code wrapped_keys}, sealed under the master key ({@link #auditKey(Pool,
   * MasterKeyRing)}), so it stays the same when the master key is rotated.
   */
  public static AuditKey auditKey(MasterKey masterKey) {
    return AuditKey.of(masterKey.derive(AUDIT_KEY_PURPOSE));
  }

  /** The audit key from {@code wrapped_keys}, stored there by the first node to start (derived as above). */
  private static AuditKey auditKey(Pool pool, MasterKeyRing masterKeys) {
    try {
      return AuditKey.of(await(new WrappedKeys(pool, masterKeys).openOrCreate(AUDIT_KEY_NAME,
          () -> masterKeys.current().derive(AUDIT_KEY_PURPOSE))));
    } catch (IllegalStateException e) {
      throw new StartupFailure(e.getMessage());
    }
  }

  private static SecretStore secretStore(SecretStoreSettings settings, MasterKeyRing masterKeys, Vertx vertx,
                                         Pool pool) {
    return switch (settings.backend()) {
      case LOCAL -> new LocalSecretStore(pool, masterKeys);
      case VAULT -> {
        try {
          yield await(VaultSecretStore.start(vertx, settings.vault().orElseThrow()));
        } catch (RuntimeException e) {
          throw new StartupFailure("could not reach Vault: " + StartupFailure.rootMessage(e)
              + " (check SWITCHBOARD_VAULT_ADDR and the token or AppRole settings)");
        }
      }
    };
  }

  private static String executorName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("start-up step did not finish within 60 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during start-up", e);
    }
  }

  private static void awaitQuietly(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Shutdown step failed: {}", e.toString());
    }
  }
}
