package io.switchboard.gateway.teams;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The command text of a Teams message is its text without the bot's mention")
class TeamsMentionTest {

  private static final String BOT = "28:bot-app";

  private static JsonArray mentions(String... idsAndTexts) {
    JsonArray entities = new JsonArray();
    for (int i = 0; i < idsAndTexts.length; i += 2) {
      entities.add(new JsonObject().put("type", "mention").put("text", idsAndTexts[i + 1])
          .put("mentioned", new JsonObject().put("id", idsAndTexts[i])));
    }
    return entities;
  }

  @Test
  void leadingBotMentionIsRemoved() {
    assertThat(TeamsMention.strip("<at>Switchboard</at> deploy staging api", mentions(BOT, "<at>Switchboard</at>"), BOT))
        .isEqualTo("deploy staging api");
  }

  @Test
  void mentionOfSomeoneElseStays() {
    assertThat(TeamsMention.strip("<at>Switchboard</at> echo hi <at>Bob</at>",
        mentions(BOT, "<at>Switchboard</at>", "29:bob", "<at>Bob</at>"), BOT)).isEqualTo("echo hi <at>Bob</at>");
  }

  @Test
  void mentionWithoutEntitiesAndHtmlEntities() {
    assertThat(TeamsMention.strip("<at>Switchboard</at>&nbsp;echo a &amp; b", new JsonArray(), BOT))
        .isEqualTo("echo a & b");
  }

  @Test
  void directMessageWithoutMention() {
    assertThat(TeamsMention.strip("  help ", new JsonArray().add("not an object"), BOT)).isEqualTo("help");
  }
}
