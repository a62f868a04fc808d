package io.switchboard.gateway.slack;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/**
 * What a command form's {@code private_metadata} carries to resume the slash command once the form
 * is submitted: the catalog command, how it was invoked ({@code /ops}), the channel it was typed in
 * and its {@code response_url}. It comes back in a signed request, but is still read strictly: every
 * field must be there and well formed (the {@code response_url} is checked by {@link SlackResponseUrls}
 * as well).
 */
record FormMetadata(String command, String invokedAs, String channelId, String responseUrl) {

  private static final Pattern COMMAND = Pattern.compile("[a-z][a-z0-9_-]{0,63}");
  private static final Pattern INVOKED_AS = Pattern.compile("/\\S{1,40}");
  private static final Pattern CHANNEL = Pattern.compile("[A-Z0-9]{2,40}");
  private static final int MAX_URL_LENGTH = 1000;

  String encode() {
    return new JsonObject().put("command", command).put("invoked_as", invokedAs).put("channel", channelId)
        .put("response_url", responseUrl).encode();
  }

  /** @throws IllegalArgumentException when the metadata is not what {@link #encode} writes */
  static FormMetadata decode(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException e) {
      throw new IllegalArgumentException("private_metadata is not JSON");
    }
    if (json.size() != 4) {
      throw new IllegalArgumentException("private_metadata has unexpected fields");
    }
    return new FormMetadata(field(json, "command", COMMAND), field(json, "invoked_as", INVOKED_AS),
        field(json, "channel", CHANNEL), url(json));
  }

  private static String field(JsonObject json, String name, Pattern form) {
    if (!(json.getValue(name) instanceof String value) || !form.matcher(value).matches()) {
      throw new IllegalArgumentException("private_metadata." + name + " is missing or malformed");
    }
    return value;
  }

  private static String url(JsonObject json) {
    if (!(json.getValue("response_url") instanceof String value) || value.isBlank()
        || value.length() > MAX_URL_LENGTH) {
      throw new IllegalArgumentException("private_metadata.response_url is missing or malformed");
    }
    return value;
  }
}
