package io.switchboard.tenancy.policy;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** The worked example of {@code docs/policy.md}, so the documented policy is the one the tests prove. */
public final class ExamplePolicy {

  private ExamplePolicy() {
  }

  /** The example with its one freeze window moved to {@code [from, until)}, for tests that need it open now. */
  public static JsonObject withFreezeWindow(Instant from, Instant until) {
    JsonObject document = document();
    document.getJsonArray("freezeWindows").getJsonObject(0).put("from", from.toString()).put("until", until.toString());
    return document;
  }

  public static JsonObject document() {
    Path path = Path.of("..", "docs", "examples", "policy.json");
    try {
      return new JsonObject(Files.readString(path));
    } catch (IOException e) {
      throw new UncheckedIOException("the example policy is read from " + path.toAbsolutePath(), e);
    }
  }
}
