package io.switchboard.gateway.fuzz;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * One input of a fuzzing test written with plain JUnit 5, and the seeded generator that makes it: a
 * test takes a valid request and lets the case mutate it. The inputs are those of {@link HostileInput}:
 * NUL and other controls, lone surrogates, huge numbers ({@code 1e400}, 400 nines), markup,
 * {@code ${jndi:...}}, very long strings, values of the wrong JSON type, deep nesting, missing and
 * duplicated fields, and invalid UTF-8 in the body.
 *
 * <p>Use it as a {@code @ParameterizedTest} source, one test invocation per case:
 * <pre>{@code
 * static Stream<FuzzCase> cases() { return FuzzCase.cases("alertmanager"); }
 *
 * @ParameterizedTest(name = "{0}") @MethodSource("cases")
 * void anyPayload(FuzzCase fuzz) { byte[] body = fuzz.body(fuzz.mutate(validPayload())); ... }
 * }</pre>
 * There are {@code fuzz.tries} cases (the root pom's property: 100 in {@code mvn verify}, 5,000 with
 * {@code -Pfuzz}). Every case draws from its own random numbers, derived from the run's seed, the
 * suite and the case's number; the seed is printed once per run, and a failing case names itself
 * ("alertmanager #17, seed 42"), so {@code -Dfuzz.seed=42} makes the same inputs again.
 */
public final class FuzzCase {

  /** The run's seed: {@code -Dfuzz.seed}, or a new one each run. */
  public static final long SEED = Long.getLong("fuzz.seed", new SplittableRandom().nextLong());

  static {
    System.out.println("Fuzzing with seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + ")");
  }

  /** Texts a hostile caller tries first. */
  private static final String[] TEXTS = {"", " ", "1e400", "-1e400", "-1", "0", "NaN", "Infinity", "null", "true",
      "[]", "{}", "%00", "%ZZ", "%", "\u0000", "a\u0000b", "\ud800", "\udfff", "\u2028", "\u202e", "\r\n", "\t",
      "../../etc/passwd", "<script>alert(1)</script>", "<at>Switchboard</at>", "${jndi:ldap://x}", "'; DROP TABLE jobs;--",
      "9".repeat(400), "echo hi", "help", "deploy staging api", "cancel 1", "job 99999999999999999999",
      "http://127.0.0.1:9/", "file:///etc/passwd", "\ufeff", "\uffff", "😀".repeat(50)};
  /** Characters hostile texts are made of. */
  private static final String CHARS = "\u0000\u0001\u001f\u007f\ud800\udfff\u2028%&=+\\\"'<>{}[]$;|`#?/.: aZ9";
  /** Raw JSON values that a Java object cannot hold or that JSON parsers treat differently. */
  private static final String[] RAW_JSON = {"1e400", "-1e400", "9".repeat(400), "NaN", "-0", "0.1e-400",
      "\"\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "[]", "{}", "null", "true", "\"\"", "1.5"};
  /** Byte sequences that are not UTF-8: a lone continuation, an overlong NUL, an encoded surrogate, 0xFF. */
  private static final byte[][] INVALID_UTF8 = {{(byte) 0x80}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xC3, 0x28},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82}};

  private final String suite;
  private final int number;
  private final SplittableRandom random;

  private FuzzCase(String suite, int number) {
    this.suite = suite;
    this.number = number;
    this.random = new SplittableRandom(SEED ^ (suite.hashCode() * 0x9E3779B97F4A7C15L) ^ (number * 0xBF58476D1CE4E5B9L));
  }

  /** How many cases a fuzzing test tries: {@code -Dfuzz.tries}, 100 when unset. */
  public static int tries() {
    return Integer.getInteger("fuzz.tries", 100);
  }

  /** The {@link #tries()} cases of {@code suite}. */
  public static Stream<FuzzCase> cases(String suite) {
    return IntStream.range(0, tries()).mapToObj(number -> new FuzzCase(suite, number));
  }

  /** This case's number, e.g. to make ids unique. */
  public int number() {
    return number;
  }

  // ---- choices ----

  /** A number in {@code [0, bound)}. */
  public int below(int bound) {
    return random.nextInt(bound);
  }

  /** True in {@code percent} of the cases. */
  public boolean chance(int percent) {
    return random.nextInt(100) < percent;
  }

  @SafeVarargs
  public final <T> T pick(T... choices) {
    return choices[random.nextInt(choices.length)];
  }

  // ---- values ----

  /** Text a hostile caller would send: a known bad value, hostile characters, any code units, digits or a long run. */
  public String text() {
    return switch (random.nextInt(6)) {
      case 0, 1 -> pick(TEXTS);
      case 2 -> chars(CHARS, random.nextInt(25));
      case 3 -> anyCodeUnits(random.nextInt(41));
      case 4 -> "9".repeat(1 + random.nextInt(400));
      default -> "A".repeat(random.nextInt(random.nextInt(10) == 0 ? 70_000 : 3_000));
    };
  }

  /** A JSON value of any kind and type: hostile text, numbers (huge ones too), booleans, null, small arrays and objects. */
  public Object json() {
    return json(2);
  }

  private Object json(int depth) {
    int kind = random.nextInt(depth == 0 ? 7 : 9);
    return switch (kind) {
      case 0, 1 -> text();
      case 2 -> random.nextLong();
      case 3 -> pick(Double.MAX_VALUE, -0.0, 1e-300, 0.5);
      case 4 -> pick(new BigDecimal("1e400"), new BigInteger("9".repeat(400)), new BigDecimal("-1e-400"));
      case 5 -> random.nextBoolean();
      case 6 -> null;
      case 7 -> {
        JsonArray array = new JsonArray();
        IntStream.range(0, random.nextInt(4)).forEach(i -> array.add(json(depth - 1)));
        yield array;
      }
      default -> {
        JsonObject object = new JsonObject();
        IntStream.range(0, random.nextInt(4)).forEach(i -> object.put(text(), json(depth - 1)));
        yield object;
      }
    };
  }

  // ---- mutations ----

  /**
   * A copy of {@code valid} with one to three changes somewhere in it: a field or array item given
   * a hostile value of any type, given hostile text, removed, or a hostile field added.
   */
  public JsonObject mutate(JsonObject valid) {
    JsonObject copy = valid.copy();
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      List<Object[]> places = new ArrayList<>();
      places(copy, places);
      Object[] place = places.get(random.nextInt(places.size()));
      Object container = place[0];
      Object key = place[1];
      switch (random.nextInt(4)) {
        case 0 -> set(container, key, json());
        case 1 -> set(container, key, text());
        case 2 -> remove(container, key);
        default -> {
          if (container instanceof JsonObject object) {
            object.put(text(), json());
          } else {
            ((JsonArray) container).add(json());
          }
        }
      }
    }
    return copy;
  }

  /**
   * The bytes of {@code json}, and in a third of the cases changed as text: a field duplicated with
   * a raw value a Java object cannot hold ({@code 1e400}, a lone surrogate escape, ...), the whole
   * wrapped in deep nesting, invalid UTF-8 inserted, cut short, trailing garbage, or padded with
   * 300 KB of spaces (past the usual body limits).
   */
  public byte[] body(JsonObject json) {
    String text = json.encode();
    if (!chance(33)) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    return switch (random.nextInt(6)) {
      case 0 -> duplicated(json, text).getBytes(StandardCharsets.UTF_8);
      case 1 -> {
        int depth = pick(2, 100, 1_100, 20_000);
        yield ("[".repeat(depth) + text + "]".repeat(depth)).getBytes(StandardCharsets.UTF_8);
      }
      case 2 -> {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int at = random.nextInt(bytes.length + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, at);
        out.writeBytes(pick(INVALID_UTF8));
        out.write(bytes, at, bytes.length - at);
        yield out.toByteArray();
      }
      case 3 -> text.substring(0, random.nextInt(text.length())).getBytes(StandardCharsets.UTF_8);
      case 4 -> (text + pick("}", "]", ",", "\u0000", "{}", " garbage", "\"", " ".repeat(300_000)))
          .getBytes(StandardCharsets.UTF_8);
      default -> text().getBytes(StandardCharsets.UTF_8);
    };
  }

  /** {@code json}'s text with one of its fields (at the top) sent again, last, with a raw hostile value. */
  private String duplicated(JsonObject json, String text) {
    List<String> names = new ArrayList<>(json.fieldNames());
    String name = names.isEmpty() ? "type" : names.get(random.nextInt(names.size()));
    String field = io.vertx.core.json.Json.encode(name) + ":" + pick(RAW_JSON);
    return text.equals("{}") ? "{" + field + "}" : text.substring(0, text.length() - 1) + "," + field + "}";
  }

  private String chars(String alphabet, int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return text.toString();
  }

  private String anyCodeUnits(int length) {
    StringBuilder text = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      text.append((char) (random.nextInt(4) == 0 ? random.nextInt(0x20) : random.nextInt(0x10000)));
    }
    return text.toString();
  }

  /** Every place in the tree: {container, field name or index}; the root object itself counts as a place to add to. */
  private static void places(Object container, List<Object[]> places) {
    if (container instanceof JsonObject object) {
      if (object.isEmpty()) {
        places.add(new Object[] {object, "type"});
      }
      for (String name : object.fieldNames()) {
        places.add(new Object[] {object, name});
        places(object.getValue(name), places);
      }
    } else if (container instanceof JsonArray array) {
      if (array.isEmpty()) {
        places.add(new Object[] {array, 0});
      }
      for (int i = 0; i < array.size(); i++) {
        places.add(new Object[] {array, i});
        places(array.getValue(i), places);
      }
    }
  }

  private static void set(Object container, Object key, Object value) {
    if (container instanceof JsonObject object) {
      object.put((String) key, value);
    } else {
      JsonArray array = (JsonArray) container;
      int index = (Integer) key;
      if (index < array.size()) {
        array.set(index, value);
      } else {
        array.add(value);
      }
    }
  }

  private static void remove(Object container, Object key) {
    if (container instanceof JsonObject object) {
      object.remove((String) key);
    } else if ((Integer) key < ((JsonArray) container).size()) {
      ((JsonArray) container).remove((int) (Integer) key);
    }
  }

  @Override
  public String toString() {
    return suite + " #" + number + ", seed " + SEED;
  }
}
