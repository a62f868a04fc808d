package io.switchboard.core.http;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request's body exactly as sent, up to a limit, without decoding it: signatures are checked
 * over these bytes before anything parses them. A body over the limit fails with
 * {@link ErrorCode#PAYLOAD_TOO_LARGE} as soon as the limit is crossed (or at once, from Content-Length).
 */
public final class RawBody {

  private RawBody() {
  }

  public static Future<Buffer> read(HttpServerRequest request, int limit) {
    String declared = request.getHeader("Content-Length");
    if (declared != null && declaredTooLarge(declared, limit)) {
      return Future.failedFuture(tooLarge(limit));
    }
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (body.length() + chunk.length() > limit) {
        promise.tryFail(tooLarge(limit));
      } else if (!promise.future().isComplete()) {
        body.appendBuffer(chunk);
      }
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
    request.resume();
    return promise.future();
  }

  private static boolean declaredTooLarge(String declared, int limit) {
    try {
      return Long.parseLong(declared.trim()) > limit;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static SwitchboardException tooLarge(int limit) {
    return new SwitchboardException(ErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + limit + " bytes");
  }
}
