package io.switchboard.gateway.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

import java.util.List;
import java.util.Optional;

/**
 * The admin API's OpenAPI 3 document ({@value #RESOURCE} on the class path): served as is at
 * {@code /api/v1/openapi.json}, and the source of truth for which operations exist, which token each
 * needs ({@code security}: none, {@code tenantToken} or {@code operatorToken}) and what a valid
 * request looks like.
 */
public final class ApiContract {

  public static final String RESOURCE = "openapi/admin-api.json";

  /** Which token an operation needs. */
  public enum Access { PUBLIC, TENANT, OPERATOR }

  /** The methods an OpenAPI path item can have. */
  private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST,
      HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.HEAD, HttpMethod.PATCH, HttpMethod.TRACE);

  private final OpenAPIContract contract;
  private final Buffer document;

  private ApiContract(OpenAPIContract contract, Buffer document) {
    this.contract = contract;
    this.document = document;
  }

  /**
   * Reads and checks the document without blocking the event loop: the first JSON decoding of a
   * process initialises Jackson, which takes long enough to trip the blocked-thread checker, so the
   * document is decoded on a worker thread.
   */
  public static Future<ApiContract> load(Vertx vertx) {
    return vertx.fileSystem().readFile(RESOURCE)
        .compose(document -> vertx.executeBlocking(() -> forRequestValidation(new JsonObject(document)), false)
            .compose(json -> OpenAPIContract.from(vertx, json))
            .map(contract -> new ApiContract(contract, document)));
  }

  /**
   * The document less its response bodies and its {@code servers}. Only requests are validated, and
   * vertx-openapi refuses a contract whose responses use {@code application/problem+json}, which every
   * error here does. The document's one server is relative ({@code /}: wherever the document was
   * fetched from, since every gateway serves it), which vertx-openapi cannot read (it parses server URLs
   * as absolute {@code java.net.URL}s); without servers it matches the paths as written, from
   * {@code /api/v1}, which is what {@code /} means here too.
   */
  static JsonObject forRequestValidation(JsonObject document) {
    JsonObject copy = document.copy();
    copy.remove("servers");
    copy.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(operation ->
        ((JsonObject) operation.getValue()).getJsonObject("responses").forEach(response ->
            ((JsonObject) response.getValue()).remove("content"))));
    return copy;
  }

  /**
   * The operation a request is for; empty when the document has none for this method and path. No
   * documented path ends in a slash, so no such path is matched (the OpenAPI matcher would take a
   * trailing slash on templated paths).
   */
  public Optional<Operation> find(HttpMethod method, String path) {
    return path.endsWith("/") ? Optional.empty() : Optional.ofNullable(contract.findOperation(path, method));
  }

  /** The methods the document has for this path, in a fixed order; empty when it has none. */
  public List<String> methodsOf(String path) {
    return METHODS.stream().filter(method -> find(method, path).isPresent()).map(HttpMethod::name).toList();
  }

  public Access access(Operation operation) {
    JsonArray security = operation.getOpenAPIModel().getJsonArray("security",
        contract.getRawContract().getJsonArray("security", new JsonArray()));
    if (security.isEmpty()) {
      return Access.PUBLIC;
    }
    return security.stream().anyMatch(requirement -> ((JsonObject) requirement).containsKey("operatorToken"))
        ? Access.OPERATOR : Access.TENANT;
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** The document's bytes, exactly as shipped. */
  public Buffer document() {
    return document;
  }
}
