package io.switchboard.gateway.message;

import io.switchboard.gateway.reply.ReplyMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything Switchboard says in chat that is not a job's own message, before any platform's
 * formatting: answers to commands (refusals, built-ins, help, queued notices), approval cards and
 * their outcomes, cancel answers. Each platform has one renderer from it (Slack's Block Kit, Teams'
 * text and cards, Discord's content and components, the sandbox's JSON), so no platform translates
 * another's markup.
 *
 * @param summary    a one-line summary for notifications and clients that show no blocks (empty: the
 *                   first paragraph serves)
 * @param blocks     what the message shows, in order
 * @param visibility who sees it
 * @param placement  whether it replaces the message it answers (a clicked card) or comes as a new one
 */
public record ChatMessage(Optional<ChatText> summary, List<Block> blocks, Visibility visibility, Placement placement) {

  public ChatMessage {
    blocks = List.copyOf(blocks);
  }

  /** Who sees a message. */
  public enum Visibility {
    /** Only the user who asked (where the platform allows; elsewhere a reply in the thread). */
    EPHEMERAL,
    /** Everyone in the channel. */
    PUBLIC
  }

  /** Where a message goes relative to the one it answers. */
  public enum Placement {
    /** As the platform does by default. */
    DEFAULT,
    /** A new message, never replacing the one it answers. */
    NEW,
    /** In place of the message it answers (e.g. the card whose button was clicked). */
    REPLACE
  }

  /** One part of a message. */
  public sealed interface Block permits Paragraph, Context, Buttons, JobReport {
  }

  /** A paragraph of text. */
  public record Paragraph(ChatText text) implements Block {
  }

  /** Small print below the main text: reasons, deadlines, who did what. */
  public record Context(ChatText text) implements Block {
  }

  /**
   * A row of buttons; {@code group} names the row where a platform keeps one (Slack's
   * {@code block_id}), or is empty.
   */
  public record Buttons(Optional<String> group, List<ReplyMessage.Button> buttons) implements Block {

    public Buttons {
      buttons = List.copyOf(buttons);
    }
  }

  /** A job's status and output, as each platform shows a job ({@link ReplyMessage}). */
  public record JobReport(ReplyMessage job) implements Block {
  }

  /** A message of one paragraph that only the asking user sees. */
  public static ChatMessage ephemeral(ChatText text) {
    return new ChatMessage(Optional.empty(), List.of(new Paragraph(text)), Visibility.EPHEMERAL, Placement.DEFAULT);
  }

  /** A message of plain words that only the asking user sees. */
  public static ChatMessage ephemeral(String plain) {
    return ephemeral(ChatText.of(plain));
  }

  /** Whether only the asking user should see it. */
  public boolean isEphemeral() {
    return visibility == Visibility.EPHEMERAL;
  }

  /** The paragraphs and context lines, in order (what a platform without blocks shows as text). */
  public List<ChatText> texts() {
    List<ChatText> texts = new ArrayList<>();
    for (Block block : blocks) {
      if (block instanceof Paragraph paragraph) {
        texts.add(paragraph.text());
      } else if (block instanceof Context context) {
        texts.add(context.text());
      }
    }
    return texts;
  }

  /** Every button, in order. */
  public List<ReplyMessage.Button> buttons() {
    List<ReplyMessage.Button> all = new ArrayList<>();
    blocks.stream().filter(Buttons.class::isInstance).map(Buttons.class::cast).forEach(row -> all.addAll(row.buttons()));
    return all;
  }

  /** The job report it holds, if it is one. */
  public Optional<ReplyMessage> jobReport() {
    return blocks.stream().filter(JobReport.class::isInstance).map(b -> ((JobReport) b).job()).findFirst();
  }

  /** The same message with {@code more} buttons in a row of their own below it. */
  public ChatMessage withButtons(List<ReplyMessage.Button> more) {
    List<Block> all = new ArrayList<>(blocks);
    all.add(new Buttons(Optional.empty(), more));
    return new ChatMessage(summary, all, visibility, placement);
  }

  /** The same message, placed as asked. */
  public ChatMessage placed(Placement newPlacement) {
    return new ChatMessage(summary, blocks, visibility, newPlacement);
  }
}
