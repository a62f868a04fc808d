package io.switchboard.executor.action.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One validated request of the {@code http} action, from a job's arguments. Secret references
 * ({@code {{secret:NAME}}}) stay in the headers and body until {@link #withSecrets} fills them.
 */
record HttpCall(HttpMethod method, URI uri, Map<String, String> headers, Object bodyTemplate, Buffer body,
                List<Integer> expectStatus, List<String> secretNames) {

  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_.-]*)}");
  static final Pattern SECRET = Pattern.compile("\\{\\{secret:([a-zA-Z0-9][a-zA-Z0-9_.-]{0,127})}}");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  /** Headers the action sets itself or the HTTP client owns. */
  private static final Set<String> RESERVED = Set.of("idempotency-key", "host", "content-length", "transfer-encoding",
      "connection", "upgrade");

  /** @throws IllegalArgumentException with a message for the user when an argument is missing or malformed */
  static HttpCall parse(JsonObject args) {
    String method = string(args, "method", "POST").toUpperCase(Locale.ROOT);
    if (!METHODS.contains(method)) {
      throw new IllegalArgumentException("'method' must be one of GET, POST, PUT, PATCH, DELETE, was '" + method + "'");
    }
    String template = string(args, "url", null);
    if (template == null || template.isBlank()) {
      throw new IllegalArgumentException("a 'url' argument is needed, e.g. \"https://hooks.example.com/deploy\"");
    }
    URI uri = uri(fill(template, object(args, "params")));

    Set<String> secrets = new LinkedHashSet<>();
    Map<String, String> headers = new LinkedHashMap<>();
    object(args, "headers").forEach(entry -> {
      String name = entry.getKey();
      if (!TOKEN.matcher(name).matches()) {
        throw new IllegalArgumentException("header name '" + name + "' is not a valid HTTP header name");
      }
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException("header '" + name + "' is set by the action and cannot be given");
      }
      if (!(entry.getValue() instanceof String value)) {
        throw new IllegalArgumentException("header '" + name + "' must have a text value");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        throw new IllegalArgumentException("header '" + name + "' must not contain a line break");
      }
      collectSecrets(value, secrets);
      headers.put(name, value);
    });

    Object body = args.getValue("body");
    if (body != null && !(body instanceof String || body instanceof JsonObject || body instanceof JsonArray)) {
      throw new IllegalArgumentException("'body' must be text or a JSON object or array");
    }
    if (body != null) {
      collectSecrets(body instanceof String text ? text : ((body instanceof JsonObject o) ? o.encode()
          : ((JsonArray) body).encode()), secrets);
      if (headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
        headers.put("Content-Type", body instanceof String ? "text/plain; charset=utf-8" : "application/json");
      }
    }
    return new HttpCall(HttpMethod.valueOf(method), uri, headers, body, null, expectStatus(args),
        List.copyOf(secrets));
  }

  /** This call with every secret reference replaced by its value, and the body encoded. */
  HttpCall withSecrets(Map<String, String> values) {
    Map<String, String> filled = new LinkedHashMap<>();
    headers.forEach((name, value) -> {
      String v = substitute(value, values);
      if (v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
        throw new HttpAction.Outcome(io.switchboard.executor.action.ActionResult.failure(
            "http: header '" + name + "' cannot be sent: a secret it names contains a line break"));
      }
      filled.put(name, v);
    });
    Buffer encoded = null;
    if (bodyTemplate instanceof String text) {
      encoded = Buffer.buffer(substitute(text, values), "UTF-8");
    } else if (bodyTemplate != null) {
      encoded = Buffer.buffer(fillJson(bodyTemplate, values).toString());
    }
    return new HttpCall(method, uri, filled, bodyTemplate, encoded, expectStatus, secretNames);
  }

  String host() {
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  int port() {
    return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
  }

  /** "POST https://host/path" for messages, without the query (which may carry tokens). */
  String describe() {
    String where = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    return method.name() + " " + (where.length() > 200 ? where.substring(0, 200) + "..." : where);
  }

  boolean expects(int status) {
    return expectStatus.isEmpty() ? status >= 200 && status < 300 : expectStatus.contains(status);
  }

  String expectedDescription() {
    return expectStatus.isEmpty() ? "2xx" : expectStatus.toString();
  }

  // ---------------------------------------------------------------- parsing helpers

  private static String fill(String template, JsonObject params) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      Object value = params.getValue(name);
      if (value == null) {
        throw new IllegalArgumentException("the url names {" + name + "} but 'params' has no value for '" + name + "'");
      }
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new IllegalArgumentException("params." + name + " must be text, a number or true/false");
      }
      String encoded = URLEncoder.encode(String.valueOf(value), StandardCharsets.UTF_8).replace("+", "%20");
      m.appendReplacement(out, Matcher.quoteReplacement(encoded));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static URI uri(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'url' is not a valid URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("'url' must start with http:// or https://, was '" + text + "'");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw new IllegalArgumentException("'url' has no host: '" + text + "'");
    }
    if (uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("'url' must not carry credentials; put them in a header as {{secret:NAME}}");
    }
    if (uri.getRawFragment() != null) {
      throw new IllegalArgumentException("'url' must not have a #fragment");
    }
    return uri;
  }

  private static List<Integer> expectStatus(JsonObject args) {
    Object value = args.getValue("expectStatus");
    if (value == null) {
      return List.of();
    }
    JsonArray list = value instanceof JsonArray array ? array : new JsonArray().add(value);
    List<Integer> statuses = new ArrayList<>();
    for (Object status : list) {
      if (!(status instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 100 || n.intValue() > 599) {
        throw new IllegalArgumentException("'expectStatus' must be a list of HTTP status codes (100-599), got " + status);
      }
      statuses.add(n.intValue());
    }
    if (statuses.isEmpty()) {
      throw new IllegalArgumentException("'expectStatus' must not be empty (leave it out to accept any 2xx)");
    }
    return List.copyOf(statuses);
  }

  private static String string(JsonObject args, String name, String fallback) {
    Object value = args.getValue(name);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException("'" + name + "' must be text");
    }
    return text;
  }

  private static JsonObject object(JsonObject args, String name) {
    Object value = args.getValue(name);
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject object)) {
      throw new IllegalArgumentException("'" + name + "' must be a JSON object");
    }
    return object;
  }

  private static void collectSecrets(String text, Set<String> names) {
    Matcher m = SECRET.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
  }

  private static String substitute(String text, Map<String, String> values) {
    Matcher m = SECRET.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Fills secret references inside the JSON's strings (keys and values), so values are escaped properly. */
  private static Object fillJson(Object node, Map<String, String> values) {
    if (node instanceof JsonObject object) {
      JsonObject copy = new JsonObject();
      object.forEach(e -> copy.put(substitute(e.getKey(), values), fillJson(e.getValue(), values)));
      return copy;
    }
    if (node instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(fillJson(item, values)));
      return copy;
    }
    if (node instanceof String text) {
      return substitute(text, values);
    }
    return node;
  }
}
