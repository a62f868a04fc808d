package io.switchboard.gateway.fuzz;

import io.switchboard.gateway.GatewayFixture;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ArbitrarySupplier;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the fuzzing properties throw at the public endpoints, and the one thing every answer must
 * hold (issue 11): a 4xx is an {@code application/problem+json} refusal and created no job; nothing
 * is ever a 5xx; the node stays ready.
 */
public final class HostileInput {

  private HostileInput() {
  }

  /** {@link #text()} for {@code @ForAll(supplier = HostileInput.Text.class)}. */
  public static final class Text implements ArbitrarySupplier<String> {
    @Override
    public Arbitrary<String> get() {
      return text();
    }
  }

  /** {@link #json()} for {@code @ForAll(supplier = HostileInput.Json.class)}. */
  public static final class Json implements ArbitrarySupplier<Object> {
    @Override
    public Arbitrary<Object> get() {
      return json();
    }
  }

  /** Text a hostile caller would try: any character (NUL, lone surrogates, controls), escapes, huge numbers, markup. */
  public static Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars("\u0000\u0001\u001f\u007f\ud800\udfff\u2028%&=+\\\"'<>{}[]$;|`#?/. ")
            .ofMaxLength(24),
        Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(400),
        Arbitraries.strings().alpha().ofMaxLength(3000),
        Arbitraries.of("", " ", "1e400", "-1e400", "-1", "0", "NaN", "Infinity", "null", "true", "[]", "{}", "%00",
            "%ZZ", "%", "\u0000", "../../etc/passwd", "<script>alert(1)</script>", "${jndi:ldap://x}",
            "9".repeat(400), "echo hi", "help", "deploy staging api", "cancel 1", "job 99999999999999999999"));
  }

  /** A JSON value of any kind, nested a little, made of hostile text and numbers. */
  public static Arbitrary<Object> json() {
    Arbitrary<Object> leaf = Arbitraries.oneOf(text().map(t -> (Object) t),
        Arbitraries.longs().map(n -> (Object) n), Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.just(null));
    Arbitrary<Object> array = leaf.list().ofMaxSize(3).map(items -> (Object) new JsonArray(items));
    Arbitrary<Object> object = Arbitraries.maps(text(), leaf).ofMaxSize(3).map(fields -> (Object) new JsonObject(
        new java.util.LinkedHashMap<>(fields)));
    return Arbitraries.oneOf(leaf, array, object);
  }

  /** After a run: the node still answers {@code /ready} with 200. */
  public static void assertStillReady(GatewayFixture fixture) {
    HttpResponse<String> ready = io.switchboard.testkit.Http.send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create(fixture.baseUrl() + "/ready")).build());
    assertThat(ready.statusCode()).as("the node is still ready: " + ready.body()).isEqualTo(200);
  }

  /** The invariant: never a 5xx; a refusal is a problem document and created no job. */
  public static void assertRefusedCleanlyOrServed(GatewayFixture fixture, HttpResponse<String> response,
                                                  long jobsBefore) {
    assertAnsweredCleanly(response);
    if (response.statusCode() >= 400) {
      assertThat(fixture.jobCount()).as("a refused request made no job").isEqualTo(jobsBefore);
    }
  }

  /** Never a 5xx; a refusal is a problem document. */
  public static void assertAnsweredCleanly(HttpResponse<String> response) {
    assertThat(response.statusCode()).as("never a 5xx: " + response.body()).isLessThan(500);
    if (response.statusCode() >= 400) {
      assertThat(response.headers().firstValue("Content-Type").orElse(""))
          .as("a refusal (HTTP " + response.statusCode() + ") is a problem document: " + response.body())
          .startsWith("application/problem+json");
    }
  }
}
