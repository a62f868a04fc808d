package io.switchboard.gateway.slack;

import io.switchboard.gateway.reply.ReplyMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One Slack message for many results that finished in a channel at once: a heading and each job's
 * one-line summary ({@link BlockKitResult#headline}); the full results stay in
 * {@code GET /api/v1/jobs/{id}} and {@code job <id>}.
 */
public final class BlockKitDigest {

  private BlockKitDigest() {
  }

  /** The line of one job in a digest. */
  public static String line(ReplyMessage result) {
    return BlockKitResult.headline(result);
  }

  /** A digest of {@code lines} (at most {@code ChannelPacer.DIGEST_MAX}, inside Slack's 50 blocks). */
  public static JsonObject of(List<String> lines) {
    JsonArray blocks = new JsonArray().add(BlockKitResult.section("*" + lines.size() + " jobs finished*"));
    lines.forEach(line -> blocks.add(BlockKitResult.section(line)));
    blocks.add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(
        new JsonObject().put("type", "mrkdwn").put("text", "Details: `job <id>`"))));
    return new JsonObject()
        .put("response_type", "in_channel")
        .put("replace_original", false)
        .put("text", lines.size() + " jobs finished")
        .put("blocks", blocks);
  }
}
