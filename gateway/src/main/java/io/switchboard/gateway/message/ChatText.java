package io.switchboard.gateway.message;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A line or paragraph of what Switchboard says, as meaning rather than markup: plain words, strong
 * words (a title), inline code, a user mention and symbols. Nothing in it is escaped; each
 * platform's renderer escapes the words and code for its own markup ({@link Renderer}), so what a
 * user typed never becomes markup anywhere.
 */
public record ChatText(List<Span> spans) {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

  public ChatText {
    spans = List.copyOf(spans);
  }

  /** A moment as people read it, to the second in UTC: {@code 3 Dec 2024, 14:03:22 UTC}. */
  public static String time(Instant instant) {
    return TIME.format(instant);
  }

  /** One part of a text. */
  public sealed interface Span permits Plain, Strong, Code, Mention, Symbol {
  }

  /** Words as they are, newlines included. */
  public record Plain(String text) implements Span {
  }

  /** Words that stand out: a title, a heading. */
  public record Strong(String text) implements Span {
  }

  /** Inline code: a command, a name, a value. */
  public record Code(String text) implements Span {
  }

  /** A user of the platform the message goes to, by the platform's user id. */
  public record Mention(String userId) implements Span {
  }

  /** A symbol ({@link Emoji}). */
  public record Symbol(Emoji emoji) implements Span {
  }

  /** How a platform writes each kind of span; {@link #render} joins them. */
  public interface Renderer {

    String plain(String text);

    String strong(String text);

    String code(String text);

    String mention(String userId);

    String symbol(Emoji emoji);

    /** A renderer made of one function per kind of span. */
    static Renderer of(UnaryOperator<String> plain, UnaryOperator<String> strong, UnaryOperator<String> code,
                       UnaryOperator<String> mention, Function<Emoji, String> symbol) {
      return new Renderer() {
        @Override
        public String plain(String text) {
          return plain.apply(text);
        }

        @Override
        public String strong(String text) {
          return strong.apply(text);
        }

        @Override
        public String code(String text) {
          return code.apply(text);
        }

        @Override
        public String mention(String userId) {
          return mention.apply(userId);
        }

        @Override
        public String symbol(Emoji emoji) {
          return symbol.apply(emoji);
        }
      };
    }
  }

  /** The text in one platform's markup. */
  public String render(Renderer renderer) {
    StringBuilder out = new StringBuilder();
    for (Span span : spans) {
      if (span instanceof Plain plain) {
        out.append(renderer.plain(plain.text()));
      } else if (span instanceof Strong strong) {
        out.append(renderer.strong(strong.text()));
      } else if (span instanceof Code code) {
        out.append(renderer.code(code.text()));
      } else if (span instanceof Mention mention) {
        out.append(renderer.mention(mention.userId()));
      } else if (span instanceof Symbol symbol) {
        out.append(renderer.symbol(symbol.emoji()));
      }
    }
    return out.toString();
  }

  /** Plain words only. */
  public static ChatText of(String plain) {
    return builder().plain(plain).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a text span by span; adjacent plain words are joined. */
  public static final class Builder {

    private final List<Span> spans = new ArrayList<>();

    private Builder() {
    }

    public Builder plain(String text) {
      if (!text.isEmpty()) {
        if (!spans.isEmpty() && spans.get(spans.size() - 1) instanceof Plain last) {
          spans.set(spans.size() - 1, new Plain(last.text() + text));
        } else {
          spans.add(new Plain(text));
        }
      }
      return this;
    }

    public Builder strong(String text) {
      spans.add(new Strong(text));
      return this;
    }

    public Builder code(String text) {
      spans.add(new Code(text));
      return this;
    }

    public Builder mention(String userId) {
      spans.add(new Mention(userId));
      return this;
    }

    public Builder symbol(Emoji emoji) {
      spans.add(new Symbol(emoji));
      return this;
    }

    /** Appends every span of {@code text}. */
    public Builder append(ChatText text) {
      text.spans().forEach(span -> {
        if (span instanceof Plain plain) {
          plain(plain.text());
        } else {
          spans.add(span);
        }
      });
      return this;
    }

    /** Appends the texts with {@code separator} (plain) between them. */
    public Builder join(List<ChatText> texts, String separator) {
      for (int i = 0; i < texts.size(); i++) {
        if (i > 0) {
          plain(separator);
        }
        append(texts.get(i));
      }
      return this;
    }

    public boolean isEmpty() {
      return spans.isEmpty();
    }

    public ChatText build() {
      return new ChatText(spans);
    }
  }
}
