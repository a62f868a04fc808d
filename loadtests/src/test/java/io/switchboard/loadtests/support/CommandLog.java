package io.switchboard.loadtests.support;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every command a simulation sent, by its key: when it was sent, when and how it was acknowledged,
 * and when its result came back to the reply receiver.
 *
 * <p>A key ({@link #newKey()}: {@code k<run id>-<n>}, lower case, a valid Slack trigger id and a
 * valid catalog target name) is unique across runs. The simulations put it in the command's text, so
 * the job's result carries it back: a result is matched by every key its body holds, which also
 * matches the results inside a digest (one message for several jobs of a channel).
 */
public final class CommandLog {

  /** How the server acknowledged a command. */
  public enum Outcome { PENDING, ACCEPTED, REFUSED, FAILED }

  /** One command. Times are {@link System#nanoTime()}; 0 means "not yet". */
  public static final class Command {
    private final String key;
    private final int group;
    private final long sentNanos;
    private volatile long ackNanos;
    private volatile Outcome outcome = Outcome.PENDING;
    private volatile long replyNanos;

    private Command(String key, int group, long sentNanos) {
      this.key = key;
      this.group = group;
      this.sentNanos = sentNanos;
    }

    public String key() {
      return key;
    }

    /** What the simulation filed it under: a tenant's rank, quiet or noisy, ... */
    public int group() {
      return group;
    }

    public long sentNanos() {
      return sentNanos;
    }

    public Outcome outcome() {
      return outcome;
    }

    public boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }

    public boolean replied() {
      return replyNanos != 0;
    }

    /** Accepted, and no result has come back. */
    public boolean lost() {
      return accepted() && !replied();
    }

    /** Sent to acknowledged (the HTTP answer). */
    public long ackMicros() {
      return TimeUnit.NANOSECONDS.toMicros(ackNanos - sentNanos);
    }

    /** Acknowledged to its result posted back (the job done); 0 when the result beat the acknowledgement. */
    public long ackToDoneMicros() {
      return TimeUnit.NANOSECONDS.toMicros(Math.max(0, replyNanos - ackNanos));
    }

    /** From {@code nanos} (e.g. an approver's click) to the result posted back. */
    public long doneMicrosSince(long nanos) {
      return TimeUnit.NANOSECONDS.toMicros(Math.max(0, replyNanos - nanos));
    }
  }

  private final String runId = Long.toString(System.currentTimeMillis(), 36);
  private final String prefix = "k" + runId + "-";
  private final Pattern keyPattern = Pattern.compile(Pattern.quote(prefix) + "\\d+");
  private final AtomicLong sequence = new AtomicLong();
  private final Map<String, Command> commands = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> refusals = new ConcurrentHashMap<>();

  private final LongAdder posts = new LongAdder();
  private final LongAdder digests = new LongAdder();
  private final LongAdder postsWithoutKey = new LongAdder();
  private final LongAdder repeatedResults = new LongAdder();

  /** This run's id: the time it started, in base 36 (lower case). */
  public String runId() {
    return runId;
  }

  /** A new key, {@code k<run id>-<n>}. */
  public String newKey() {
    return prefix + sequence.incrementAndGet();
  }

  /** The number in a key (1 for the first). */
  public static long number(String key) {
    return Long.parseLong(key.substring(key.lastIndexOf('-') + 1));
  }

  /** Records a command as sent now. */
  public void sent(String key, int group) {
    commands.put(key, new Command(key, group, System.nanoTime()));
  }

  /**
   * Records the acknowledgement of a command: accepted when HTTP 200 with {@code acceptedMarker} in
   * the answer, refused when 200 without it (the answer's text counts as the reason), failed otherwise
   * ({@code status} -1: no answer at all).
   */
  public void acknowledged(String key, int status, String answer, String acceptedMarker) {
    Command command = commands.get(key);
    if (command == null) {
      return;
    }
    command.ackNanos = System.nanoTime();
    if (status == 200 && answer != null && answer.contains(acceptedMarker)) {
      command.outcome = Outcome.ACCEPTED;
    } else if (status == 200) {
      command.outcome = Outcome.REFUSED;
      refusals.computeIfAbsent(reason(answer), r -> new LongAdder()).increment();
    } else {
      command.outcome = Outcome.FAILED;
      refusals.computeIfAbsent(status < 0 ? "no answer" : "HTTP " + status, r -> new LongAdder()).increment();
    }
  }

  /**
   * A result posted back: every command whose key the body holds is done, if it was not already. A
   * body with several keys of several jobs is a digest ({@code jobs finished} in its heading).
   */
  public void replied(ReplyReceiver.Post post) {
    posts.increment();
    if (post.body().contains(" jobs finished")) {
      digests.increment();
    }
    Set<String> keys = new HashSet<>();
    Matcher matcher = keyPattern.matcher(post.body());
    while (matcher.find()) {
      keys.add(matcher.group());
    }
    boolean matched = false;
    for (String key : keys) {
      Command command = commands.get(key);
      if (command == null) {
        continue;
      }
      matched = true;
      synchronized (command) {
        if (command.replyNanos != 0) {
          repeatedResults.increment();
        } else {
          command.replyNanos = post.receivedNanos();
        }
      }
    }
    if (!matched) {
      postsWithoutKey.increment();
    }
  }

  public Command get(String key) {
    return commands.get(key);
  }

  public List<Command> commands(Predicate<Command> filter) {
    return commands.values().stream().filter(filter).collect(Collectors.toCollection(ArrayList::new));
  }

  /** Accepted commands without a result yet. */
  public long outstanding(Predicate<Command> filter) {
    return commands.values().stream().filter(filter).filter(Command::lost).count();
  }

  /**
   * Waits until every accepted command that {@code filter} takes has its result, or {@code seconds}
   * passed; says so when it has to wait.
   */
  public void awaitResults(Predicate<Command> filter, long seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long outstanding = outstanding(filter);
    if (outstanding > 0) {
      System.out.printf(Locale.ROOT, "Waiting up to %d s for %d outstanding results...%n", seconds, outstanding);
    }
    try {
      while (outstanding > 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
        outstanding = outstanding(filter);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** POSTs the reply receiver got. */
  public long posts() {
    return posts.sum();
  }

  /** Of those, digests of several results. */
  public long digests() {
    return digests.sum();
  }

  /** Of those, posts that named no command of this run. */
  public long postsWithoutKey() {
    return postsWithoutKey.sum();
  }

  /** Results of a command that had one already. */
  public long repeatedResults() {
    return repeatedResults.sum();
  }

  /** Why commands were refused or failed, most frequent first (digits in the reasons shown as #). */
  public Map<String, Long> refusalReasons() {
    return refusals.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().sum(), (a, b) -> a, LinkedHashMap::new));
  }

  /** Counts of each outcome among {@code commands}, as {@code sent / accepted / refused / failed}. */
  public static long[] outcomes(Collection<Command> commands) {
    long[] counts = new long[4];
    counts[0] = commands.size();
    for (Command c : commands) {
      switch (c.outcome()) {
        case ACCEPTED -> counts[1]++;
        case REFUSED -> counts[2]++;
        case FAILED, PENDING -> counts[3]++;
      }
    }
    return counts;
  }

  private static String reason(String answer) {
    if (answer == null) {
      return "(empty answer)";
    }
    Matcher text = Pattern.compile("\"text\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(answer);
    String reason = text.find() ? text.group(1) : answer;
    reason = reason.replaceAll("\\d+", "#");
    return reason.length() > 100 ? reason.substring(0, 100) + "..." : reason;
  }
}
