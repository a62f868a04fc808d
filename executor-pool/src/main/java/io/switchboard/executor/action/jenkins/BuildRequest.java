package io.switchboard.executor.action.jenkins;

import io.switchboard.tenancy.secrets.SecretNames;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One build to start, from a job's arguments: {@code {"url": "https://ci.example.com", "job":
 * "deploy/api", "parameters": {"ENV": "production"}, "userSecret": "jenkins-user", "tokenSecret":
 * "jenkins-token", "idempotencyParameter": false}}.
 *
 * @param root the Jenkins root URL without a trailing slash (it may have a context path, e.g. /jenkins)
 * @param job the job's full name, folders separated by {@code /}
 * @param parameters the build parameters as text, or null for a build without parameters
 */
record BuildRequest(String root, String job, Map<String, String> parameters, String userSecret,
                    String tokenSecret) {

  /** The build parameter that carries the job's idempotency key when the arguments ask for it. */
  static final String IDEMPOTENCY_PARAMETER = "SWITCHBOARD_IDEMPOTENCY_KEY";

  /** Jenkins' own rule for item names ({@code Jenkins.checkGoodName}): none of these, no control characters. */
  private static final Pattern ITEM_NAME = Pattern.compile("[^?*/\\\\%!@#$^&|<>\\[\\]:;\\p{Cntrl}]{1,255}");

  /** @throws IllegalArgumentException saying which argument is wrong and what it should be */
  static BuildRequest parse(JsonObject args, String idempotencyKey) {
    String root = root(args.getValue("url"));
    String job = job(args.getValue("job"));
    String userSecret = secretName(args, "userSecret", "the Jenkins user name");
    String tokenSecret = secretName(args, "tokenSecret", "the user's Jenkins API token");
    Map<String, String> parameters = parameters(args.getValue("parameters"));
    Object idempotency = args.getValue("idempotencyParameter");
    if (idempotency != null && !(idempotency instanceof Boolean)) {
      throw new IllegalArgumentException("'idempotencyParameter' must be true or false, was " + idempotency);
    }
    if (Boolean.TRUE.equals(idempotency) && idempotencyKey != null) {
      parameters = parameters == null ? new LinkedHashMap<>() : parameters;
      parameters.put(IDEMPOTENCY_PARAMETER, idempotencyKey);
    }
    return new BuildRequest(root, job, parameters == null ? null : Map.copyOf(parameters), userSecret, tokenSecret);
  }

  /** The job's path under the root: {@code /job/folder/job/name}, each name percent-encoded. */
  String jobPath() {
    StringBuilder path = new StringBuilder();
    for (String name : job.split("/")) {
      path.append("/job/").append(URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return path.toString();
  }

  /** Where the build is triggered: {@code buildWithParameters} with parameters, else {@code build}. */
  String triggerUrl() {
    return root + jobPath() + (parameters == null ? "/build" : "/buildWithParameters");
  }

  /** The parameters form-encoded, in a stable order; empty without parameters. */
  String form() {
    if (parameters == null) {
      return "";
    }
    List<String> pairs = new ArrayList<>();
    parameters.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> pairs.add(
        URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }

  private static String root(Object value) {
    String what = "the Jenkins root URL, e.g. \"https://ci.example.com\" or \"https://ci.example.com/jenkins\"";
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("a 'url' argument is needed: " + what);
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'url' must be " + what + ", was " + text);
    }
    String scheme = uri.getScheme();
    if (uri.getHost() == null || !("https".equals(scheme) || "http".equals(scheme))) {
      throw new IllegalArgumentException("'url' must be " + what + ", was " + text);
    }
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("'url' must be only " + what
          + " (no user info, query or fragment: credentials belong in secrets)");
    }
    String rooted = uri.toString();
    while (rooted.endsWith("/")) {
      rooted = rooted.substring(0, rooted.length() - 1);
    }
    return rooted;
  }

  private static String job(Object value) {
    String what = "the job's name, with folders as \"folder/name\"";
    if (!(value instanceof String text) || text.isBlank()) {
      throw new IllegalArgumentException("a 'job' argument is needed: " + what);
    }
    List<String> names = Arrays.asList(text.split("/", -1));
    if (names.size() > 20 || names.stream().anyMatch(n -> !ITEM_NAME.matcher(n).matches() || n.isBlank()
        || n.equals(".") || n.equals(".."))) {
      throw new IllegalArgumentException("'job' must be " + what + " (no empty names, '.' or '..', nor any of "
          + "?*\\%!@#$^&|<>[]:;), was " + text);
    }
    return text;
  }

  private static String secretName(JsonObject args, String name, String what) {
    Object value = args.getValue(name);
    if (value == null) {
      throw new IllegalArgumentException("a '" + name + "' argument is needed: the name of the secret that holds "
          + what);
    }
    if (!(value instanceof String text) || !SecretNames.NAME.matcher(text).matches()) {
      throw new IllegalArgumentException("'" + name + "' must be the name of the secret that holds " + what
          + " (letters, digits, _ . -)");
    }
    return text;
  }

  private static Map<String, String> parameters(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject given)) {
      throw new IllegalArgumentException("'parameters' must be a JSON object of build parameters");
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (var entry : given) {
      Object v = entry.getValue();
      if (entry.getKey().isBlank() || !(v instanceof String || v instanceof Number || v instanceof Boolean)) {
        throw new IllegalArgumentException("parameter '" + entry.getKey() + "' must have a name and be text, a number "
            + "or true/false");
      }
      if (entry.getKey().equals(IDEMPOTENCY_PARAMETER)) {
        throw new IllegalArgumentException("parameter " + IDEMPOTENCY_PARAMETER + " is set by Switchboard "
            + "(idempotencyParameter: true), not by the arguments");
      }
      parameters.put(entry.getKey(), String.valueOf(v));
    }
    return parameters;
  }
}
