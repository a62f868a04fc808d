package io.switchboard.core.log;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.context.storage.ContextLocal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The fields every log line of one command's path carries (correlation id, tenant, platform, job id,
 * trace id),
 * kept in Vert.x context-local storage of the command's own duplicated context, not in SLF4J's
 * thread-local MDC: one event loop thread serves many commands at once, and a command's continuations
 * (futures, database replies, timers started from it) run on its duplicated context, whichever
 * thread. {@link LogContextCapture} copies the fields onto each log event as it is made.
 *
 * <p>Fields are only ever put on a duplicated context (an HTTP request's, or one made with
 * {@link #duplicate}): putting them on a verticle's own context would leak them into everything that
 * verticle does afterwards. The context-local is registered when this class loads, which
 * {@link LogContextServiceProvider} makes happen before any Vert.x instance is built.
 */
public final class LogContext {

  /** The correlation id: one per incoming chat request, carried by the job it queues. */
  public static final String CORRELATION_ID = "correlationId";
  /** The tenant's id. */
  public static final String TENANT = "tenant";
  /** The chat platform ({@code slack}, {@code teams}, ...). */
  public static final String PLATFORM = "platform";
  /** The job's id, once it is known. */
  public static final String JOB_ID = "jobId";
  /** The OpenTelemetry trace id of the path's span, when tracing is on ({@code io.switchboard.core.trace.Tracing}). */
  public static final String TRACE_ID = "traceId";

  /** The fields, immutable; a duplicate of a duplicate shares them until it puts its own. */
  private static final ContextLocal<Fields> LOCAL = ContextLocal.registerLocal(Fields.class, fields -> fields);

  private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  /** An immutable set of fields. */
  private record Fields(Map<String, String> values) {
  }

  private LogContext() {
  }

  /** Makes sure the context-local is registered (it is, once this class is loaded). */
  static void register() {
    // Loading the class registered LOCAL.
  }

  /**
   * A new correlation id: 16 random characters of [0-9a-z]. It only has to be unique enough to tell
   * requests apart, and is no secret (it is on every log line), so it comes from the thread's own
   * generator: a {@code SecureRandom} is synchronised and slow, and this runs for every request.
   */
  public static String newCorrelationId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] id = new char[16];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new String(id);
  }

  /**
   * Puts {@code key} on the current duplicated context's fields ({@code null} removes it). Outside a
   * duplicated context (no Vert.x thread, or a verticle's own context) it does nothing and says so.
   *
   * @return whether the field was put
   */
  public static boolean put(String key, String value) {
    ContextInternal context = duplicatedContext();
    if (context == null) {
      return false;
    }
    Fields current = context.getLocal(LOCAL);
    Map<String, String> values = new LinkedHashMap<>(current == null ? Map.of() : current.values());
    if (value == null) {
      values.remove(key);
    } else {
      values.put(key, value);
    }
    context.putLocal(LOCAL, new Fields(Collections.unmodifiableMap(values)));
    return true;
  }

  /** Puts a correlation id on the current duplicated context unless it has one; returns the one it has. */
  public static String ensureCorrelationId() {
    String existing = current().get(CORRELATION_ID);
    if (existing != null) {
      return existing;
    }
    String id = newCorrelationId();
    return put(CORRELATION_ID, id) ? id : null;
  }

  /** The current context's fields (empty outside a Vert.x context or before any was put). */
  public static Map<String, String> current() {
    Context context = Vertx.currentContext();
    if (context == null) {
      return Map.of();
    }
    Fields fields = context.getLocal(LOCAL);
    return fields == null ? Map.of() : fields.values();
  }

  /**
   * A new duplicated context of {@code context} with exactly {@code fields} (for work that starts
   * outside any request, such as a claimed job): run the work on it with {@code runOnContext}.
   */
  public static Context duplicate(Context context, Map<String, String> fields) {
    ContextInternal duplicate = ((ContextInternal) context).duplicate();
    Map<String, String> values = new LinkedHashMap<>();
    fields.forEach((k, v) -> {
      if (v != null) {
        values.put(k, v);
      }
    });
    duplicate.putLocal(LOCAL, new Fields(Collections.unmodifiableMap(values)));
    return duplicate;
  }

  /**
   * {@code future}, but its listeners run on the current context (the command's) whichever context
   * completes it: a future shared between commands (a cached load, a group commit) otherwise runs
   * every listener on the context of the command that created it, with that command's fields.
   */
  public static <T> Future<T> here(Future<T> future) {
    Context context = Vertx.currentContext();
    if (!(context instanceof ContextInternal)) {
      return future;
    }
    Promise<T> promise = ((ContextInternal) context).promise();
    future.onComplete(promise);
    return promise.future();
  }

  /** Runs {@code work} on {@code context} (at once when it is the current one), its result's listeners there too. */
  public static <T> Future<T> on(Context context, Supplier<Future<T>> work) {
    if (Vertx.currentContext() == context) {
      return work.get();
    }
    Promise<T> promise = ((ContextInternal) context).promise();
    context.runOnContext(v -> {
      try {
        work.get().onComplete(promise);
      } catch (RuntimeException e) {
        promise.tryFail(e);
      }
    });
    return promise.future();
  }

  private static ContextInternal duplicatedContext() {
    Context context = Vertx.currentContext();
    if (!(context instanceof ContextInternal)) {
      return null;
    }
    ContextInternal internal = (ContextInternal) context;
    return internal.isDuplicate() ? internal : null;
  }
}
