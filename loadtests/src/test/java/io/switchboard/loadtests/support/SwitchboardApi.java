package io.switchboard.loadtests.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's HTTP API as the simulations set up a run: readiness, the operator's tenant calls, a
 * tenant admin's policy calls, and {@code /metrics}. Every call expects one status; anything else
 * (or no answer) stops the run with an {@link IllegalStateException} naming the call, the status and
 * the answer.
 */
public final class SwitchboardApi {

  /** A Slack workspace bound to its own tenant, with the secret its requests are signed with. */
  public record Tenant(String id, String teamId, String signingSecret, String adminToken) {
  }

  /** Every bucket (tenant, user, channel) at 100,000 at once and a minute: the limits never shape a run. */
  public static final String RAISED_RATE_LIMITS = "{\"tenant\":{\"burst\":100000,\"perMinute\":100000},"
      + "\"user\":{\"burst\":100000,\"perMinute\":100000},\"channel\":{\"burst\":100000,\"perMinute\":100000}}";

  /** A policy with no catalog (so the built-ins, {@code echo} among them) and the raised limits. */
  public static final String BUILTINS_WITH_RAISED_LIMITS = "{\"rateLimits\":" + RAISED_RATE_LIMITS + "}";

  private static final Pattern ADMIN_TOKEN = Pattern.compile("\"token\"\\s*:\\s*\"(sbt_[^\"]+)\"");
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private final String baseUrl;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  public SwitchboardApi(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Fails unless {@code GET /ready} answers 200 (the node is up and reaches its database). */
  public void requireReady() {
    send("GET", "/ready", null, null, null, 200);
  }

  /**
   * The operator creates tenant {@code id}, binds the Slack workspace {@code teamId} to it with its own
   * signing secret and, unless {@code policyJson} is null, its admin writes that policy (its first).
   */
  public Tenant createSlackTenant(String operatorToken, String id, String teamId, String signingSecret,
                                  String policyJson) {
    HttpResponse<String> created = send("POST", "/api/v1/tenants", operatorToken,
        "{\"id\":\"" + id + "\",\"name\":\"Load test " + id + "\"}", null, 201);
    Matcher token = ADMIN_TOKEN.matcher(created.body());
    if (!token.find()) {
      throw new IllegalStateException("POST /api/v1/tenants answered without an admin token: " + created.body());
    }
    send("POST", "/api/v1/tenants/" + id + "/installations", operatorToken,
        "{\"platform\":\"slack\",\"workspaceId\":\"" + teamId + "\",\"signingSecret\":\"" + signingSecret + "\"}",
        null, 201);
    Tenant tenant = new Tenant(id, teamId, signingSecret, token.group(1));
    if (policyJson != null) {
      putPolicy(tenant.adminToken(), "", policyJson);
    }
    return tenant;
  }

  /**
   * Replaces the tenant's whole policy ({@code section} empty) or one section of it
   * ({@code "/rateLimits"}, ...), based on the version read just before; returns the new ETag.
   */
  public String putPolicy(String adminToken, String section, String json) {
    String path = "/api/v1/policy" + section;
    String etag = send("GET", path, adminToken, null, null, 200).headers().firstValue("ETag")
        .orElseThrow(() -> new IllegalStateException("GET " + path + " answered without an ETag"));
    return send("PUT", path, adminToken, json, etag, 200).headers().firstValue("ETag").orElse("?");
  }

  /** The body of {@code GET path} with a tenant's admin token; anything but 200 stops the run. */
  public String get(String adminToken, String path) {
    return send("GET", path, adminToken, null, null, 200).body();
  }

  /**
   * The sum of the samples of a metric family on {@code /metrics} whose line holds {@code labels}
   * (e.g. {@code outcome="sent"}; empty: all), 0 when the node has none yet, or NaN when
   * {@code /metrics} does not answer 200 (a node with {@code SWITCHBOARD_METRICS_TOKEN}).
   */
  public double metric(String family, String labels) {
    String text;
    try {
      text = send("GET", "/metrics", null, null, null, 200).body();
    } catch (IllegalStateException e) {
      return Double.NaN;
    }
    double sum = 0;
    for (String line : text.split("\n")) {
      if ((line.startsWith(family + "{") || line.startsWith(family + " ")) && line.contains(labels)) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private HttpResponse<String> send(String method, String path, String bearer, String json, String ifMatch,
                                    int expected) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(TIMEOUT)
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    if (ifMatch != null) {
      request.header("If-Match", ifMatch);
    }
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + baseUrl + path + " failed: " + e
          + " (is Switchboard running there? set -DbaseUrl=...)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(method + " " + path + " was interrupted", e);
    }
    if (response.statusCode() != expected) {
      String hint = response.statusCode() == 401 || response.statusCode() == 403
          ? " (check -DoperatorToken against the node's SWITCHBOARD_OPERATOR_TOKEN, or the admin token)" : "";
      throw new IllegalStateException(method + " " + path + " answered HTTP " + response.statusCode() + ", expected "
          + expected + hint + ": " + response.body());
    }
    return response;
  }
}
