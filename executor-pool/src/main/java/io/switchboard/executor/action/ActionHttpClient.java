package io.switchboard.executor.action;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;

/**
 * One Vert.x {@link HttpClient} per action instance, made on first use with the Vert.x instance the
 * job runs on (and made again if that instance changes, as it does between tests). Actions use the
 * core client rather than {@code WebClient} because only the core client's requests can be reset
 * when the job is told to stop.
 */
public final class ActionHttpClient {

  private final HttpClientOptions options;
  private Vertx owner;
  private HttpClient client;

  public ActionHttpClient(HttpClientOptions options) {
    this.options = options;
  }

  public synchronized HttpClient on(Vertx vertx) {
    if (client == null || owner != vertx) {
      client = vertx.createHttpClient(new HttpClientOptions(options));
      owner = vertx;
    }
    return client;
  }
}
