package io.switchboard.tenancy.policy;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The worked example of {@code docs/policy.md}, so the documented policy is the one the tests prove. */
public final class ExamplePolicy {

  private ExamplePolicy() {
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
