# syntax=docker/dockerfile:1
# Switchboard node image: one jar, the role chosen by the container's argument
# (gateway, executor or migrate; all three need SWITCHBOARD_DATABASE_URL, so no embedded PostgreSQL
# ever starts in a container). See docs/operations.md, "Container image".
#
#   docker build -t switchboard .
#   docker run --read-only --tmpfs /tmp -v sb-data:/var/lib/switchboard \
#     -e SWITCHBOARD_DATABASE_URL=postgresql://... -e SWITCHBOARD_MASTER_KEY=... switchboard gateway

# Pin the two base images by digest (name:tag@sha256:...) in your registry mirror for reproducible builds.

# --- build: the shaded jar of the deploy module and the modules it needs -------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
# The Maven repository is a BuildKit cache: later builds do not download the dependencies again.
RUN --mount=type=cache,target=/root/.m2 mvn -q -B -DskipTests -pl deploy -am package \
    && cp deploy/target/switchboard.jar /switchboard.jar

# --- runtime: a JRE, a numeric non-root user, nothing writable but the data volume and /tmp -------
FROM eclipse-temurin:17-jre-noble
# The group is 0 (root's group, which grants nothing by itself) so that a platform running the
# container under another arbitrary uid in group 0 (OpenShift) can still write the data directory.
RUN useradd --system --uid 10001 --gid 0 --home-dir /var/lib/switchboard --no-create-home \
      --shell /usr/sbin/nologin switchboard \
    && mkdir -p /app /var/lib/switchboard \
    && chown 10001:0 /var/lib/switchboard \
    && chmod 0770 /var/lib/switchboard
COPY --from=build /switchboard.jar /app/switchboard.jar

# Logs are JSON lines on stderr in the image (SWITCHBOARD_LOG_FORMAT=text for people; docs/operations.md, "Logs").
# The only paths a node writes: SWITCHBOARD_DATA_DIR (the gateway's audit anchor file,
# SWITCHBOARD_AUDIT_ANCHOR_FILE, defaults to <data dir>/audit-anchors.jsonl) and java.io.tmpdir
# (/tmp: Netty's native libraries, Vert.x's file cache). Mount a volume on the first and a tmpfs or
# emptyDir on /tmp, and the root filesystem can be read-only.
ENV SWITCHBOARD_DATA_DIR=/var/lib/switchboard \
    SWITCHBOARD_HTTP_PORT=8080 \
    SWITCHBOARD_CLUSTER_PORT=5701 \
    SWITCHBOARD_EVENTBUS_PORT=5702 \
    SWITCHBOARD_LOG_FORMAT=json \
    JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp -Dvertx.cacheDirBase=/tmp/vertx-cache"
VOLUME ["/var/lib/switchboard"]
WORKDIR /var/lib/switchboard
USER 10001:0
# HTTP (/health, /ready, /metrics and, on a gateway, the platforms and the API), Hazelcast, event bus
EXPOSE 8080 5701 5702

# No curl or wget in the JRE image: the check is a JDK-only class in the jar, in a small JVM.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
  CMD ["java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xmx24m", "-Xss512k", \
       "-cp", "/app/switchboard.jar", "io.switchboard.deploy.HealthCheck"]

# SIGTERM (Docker's and Kubernetes' stop signal) shuts the node down gracefully within
# SWITCHBOARD_SHUTDOWN_GRACE_SECONDS (default 20): give the container longer than that to stop.
STOPSIGNAL SIGTERM
ENTRYPOINT ["java", "-jar", "/app/switchboard.jar"]
CMD ["gateway"]
