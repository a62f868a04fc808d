package io.switchboard.gateway.discord;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.multipart.MultipartForm;

import java.nio.charset.StandardCharsets;

/**
 * A text file sent with a Discord message, the way Discord's "Uploading Files" asks for it: a
 * {@code multipart/form-data} body whose {@code payload_json} part is the message with an
 * {@code attachments} entry for the file, and whose {@code files[0]} part is the file itself.
 */
public record DiscordAttachment(String filename, String text) {

  /** Discord refuses larger uploads from a bot in a server without boosts (10 MiB); we stay well below. */
  public static final int MAX_BYTES = 8 * 1024 * 1024;

  /** Whether the file fits under {@link #MAX_BYTES}. */
  public boolean fits() {
    return text.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
  }

  /** The multipart body that sends {@code message} with this file attached. */
  MultipartForm form(JsonObject message) {
    JsonObject payload = message.copy().put("attachments", new JsonArray()
        .add(new JsonObject().put("id", 0).put("filename", filename)));
    return MultipartForm.create()
        .attribute("payload_json", payload.encode())
        .binaryFileUpload("files[0]", filename, Buffer.buffer(text, "UTF-8"), "text/plain; charset=utf-8");
  }
}
