package io.switchboard.gateway.reply;

import io.switchboard.core.job.Job;
import io.switchboard.core.job.JobStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What Switchboard says about a job, before any platform's formatting: a title (the command), a
 * status, a reference ({@code job 42}), short fields (who asked, how long it took), free-text
 * sections, an excerpt of the output or error, and buttons. Renderers ({@code slack.BlockKitResult},
 * {@code slack.BlockKitProgress}, the Discord embeds) turn it into a platform's message; the texts here are
 * plain and unescaped, each renderer escapes for its own markup.
 *
 * @param title     the command as typed
 * @param status    where the job is
 * @param reference what the message is about, e.g. {@code job 42}
 * @param fields    short labelled facts, in order
 * @param sections  free-text paragraphs (e.g. the latest progress line)
 * @param output    the output (or error) of a finished job, if any
 * @param buttons   actions offered, in order
 */
public record ReplyMessage(String title, Status status, String reference, List<Field> fields, List<String> sections,
                           Optional<Excerpt> output, List<Button> buttons) {

  /** The longest progress line shown; a longer one is cut. */
  public static final int MAX_PROGRESS_CHARS = 500;

  public ReplyMessage {
    fields = List.copyOf(fields);
    sections = List.copyOf(sections);
    buttons = List.copyOf(buttons);
  }

  /** Where a job is, as messages show it. */
  public enum Status {
    RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public String wire() {
      return name().toLowerCase();
    }

    /** The emoji that stands for the status on every platform. */
    public String symbol() {
      return switch (this) {
        case SUCCEEDED -> "\u2705";
        case CANCELLED -> "\uD83D\uDEAB";
        case RUNNING -> "\u23F3";
        case FAILED -> "\u274C";
      };
    }

    static Status of(JobStatus status) {
      return switch (status) {
        case SUCCEEDED -> SUCCEEDED;
        case CANCELLED -> CANCELLED;
        case FAILED -> FAILED;
        default -> RUNNING;
      };
    }
  }

  /** A labelled fact; a {@link Kind#USER} value is a platform user id that renderers show as a mention. */
  public record Field(String label, String value, Kind kind) {

    /** How a field's value is shown. */
    public enum Kind { TEXT, USER }
  }

  /** A button: {@code id} says what it does, {@code value} what it applies to. */
  public record Button(String id, String label, Style style, String value) {

    /** How prominent a button is. */
    public enum Style { PRIMARY, DANGER, DEFAULT }
  }

  /**
   * Output (or an error) of a job; renderers cut it to their platform's limit with {@link #cut}.
   * Output of more than {@link #LONG_LINES} lines or {@link #LONG_CHARS} characters is long: a
   * platform that can attach files shows only its {@link #head} and attaches the whole.
   */
  public record Excerpt(String text, long jobId) {

    /** More lines than this make output long. */
    public static final int LONG_LINES = 20;
    /** More characters than this make output long. */
    public static final int LONG_CHARS = 2_500;

    /** Whether the output is too long to show whole in a chat message. */
    public boolean isLong() {
      return text.length() > LONG_CHARS || lines() > LONG_LINES;
    }

    /** The number of lines (a trailing newline ends the last line, it does not start another). */
    public int lines() {
      String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
      return body.isEmpty() ? 0 : (int) body.chars().filter(c -> c == '\n').count() + 1;
    }

    /**
     * The first {@link #LONG_LINES} lines, within {@link #LONG_CHARS} characters, and how much more
     * there is; the output itself when it is not long.
     */
    public Excerpt head() {
      if (!isLong()) {
        return this;
      }
      String[] all = text.split("\n", -1);
      String shown = String.join("\n", Arrays.copyOf(all, Math.min(LONG_LINES, all.length)));
      if (shown.length() > LONG_CHARS) {
        shown = shown.substring(0, LONG_CHARS);
      }
      int moreLines = lines() - ((int) shown.chars().filter(c -> c == '\n').count() + 1);
      return new Excerpt(shown + "\n… (" + (moreLines > 0 ? Plural.of(moreLines, "more line") + ", " : "")
          + Plural.of(text.length() - shown.length(), "more character") + ")", jobId);
    }

    /** The text, or its first {@code max} characters and a pointer to the whole of it. */
    public String cut(int max) {
      return text.length() <= max
          ? text
          : text.substring(0, max) + "\n… (" + Plural.of(text.length() - max, "more character") + ": GET /api/v1/jobs/"
              + jobId + ")";
    }
  }

  /**
   * A finished job: its outcome, who asked, who approved it (one field each, when an approval held it),
   * how long it took, which attempt, and its output or error.
   */
  public static ReplyMessage result(Job job) {
    List<Field> fields = new ArrayList<>();
    fields.add(new Field("Requested by", job.requester(), Field.Kind.USER));
    job.approvedBy().forEach(approver -> fields.add(new Field("Approved by", approver, Field.Kind.USER)));
    if (job.startedAt() != null && job.finishedAt() != null) {
      Duration took = Duration.between(job.startedAt(), job.finishedAt());
      fields.add(new Field("took", String.format("%.1f s", took.toMillis() / 1000.0), Field.Kind.TEXT));
    }
    if (job.attempts() > 1) {
      fields.add(new Field("attempt", Integer.toString(job.attempts()), Field.Kind.TEXT));
    }
    String body = job.status() == JobStatus.SUCCEEDED ? job.output() : job.error();
    Optional<Excerpt> output = body == null || body.isBlank() ? Optional.empty() : Optional.of(new Excerpt(body, job.id()));
    return new ReplyMessage(job.commandText(), Status.of(job.status()), "job " + job.id(), fields, List.of(), output,
        List.of());
  }

  /** A running job showing its latest progress line (cut to {@link #MAX_PROGRESS_CHARS}). */
  public static ReplyMessage progress(long jobId, String commandText, String line) {
    String shown = line.length() <= MAX_PROGRESS_CHARS ? line : line.substring(0, MAX_PROGRESS_CHARS) + "…";
    return new ReplyMessage(commandText, Status.RUNNING, "job " + jobId, List.of(), List.of(shown), Optional.empty(),
        List.of());
  }

  /** The same message with these buttons instead of its own. */
  public ReplyMessage withButtons(List<Button> replacement) {
    return new ReplyMessage(title, status, reference, fields, sections, output, replacement);
  }

  /** The same message showing {@code excerpt} as its output, with {@code note} as one more section. */
  public ReplyMessage withOutput(Excerpt excerpt, String note) {
    List<String> more = new ArrayList<>(sections);
    more.add(note);
    return new ReplyMessage(title, status, reference, fields, more, Optional.of(excerpt), buttons);
  }

  /** The name of the file that holds the whole output of job {@code jobId} where a platform attaches it. */
  public static String outputFilename(long jobId) {
    return "job-" + jobId + "-output.txt";
  }

  /**
   * The same message showing only the head of its long {@code output}, and saying that the whole
   * output is the attached file, {@code where} (for example "in this thread").
   */
  public ReplyMessage withOutputAttached(Excerpt output, String where) {
    return withOutput(output.head(), "The whole output (" + Plural.of(output.lines(), "line") + ") is `"
        + outputFilename(output.jobId()) + "`, " + where + ".");
  }

  /** The same message showing only the head of its long {@code output}, saying the file could not be attached. */
  public ReplyMessage withOutputNotAttached(Excerpt output) {
    return withOutput(output.head(), "The whole output could not be attached; it is kept with the job: `job "
        + output.jobId() + "` shows it.");
  }

  /** The reference with a capital first letter, to start a sentence ({@code Job 42}). */
  public String sentenceReference() {
    return reference.isEmpty() ? reference : Character.toUpperCase(reference.charAt(0)) + reference.substring(1);
  }
}
