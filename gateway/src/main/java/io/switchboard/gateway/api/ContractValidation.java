package io.switchboard.gateway.api;

import io.switchboard.core.error.ErrorCode;
import io.switchboard.core.error.SwitchboardException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatableRequest;
import io.vertx.openapi.validation.ValidatedRequest;
import io.vertx.openapi.validation.ValidatorException;

import java.util.List;

/**
 * Checks an authenticated request against its operation in the {@link ApiContract} (parameters,
 * headers, body) with Vert.x's {@link RequestValidator}, and keeps the typed result for the handler.
 * A request that does not match is a 400 {@code malformed_request} problem whose detail names the
 * parameter or body field, never a 500.
 */
public final class ContractValidation implements Handler<RoutingContext> {

  private static final String VALIDATED_KEY = "switchboard.validatedRequest";

  private final RequestValidator validator;

  public ContractValidation(RequestValidator validator) {
    this.validator = validator;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Operation operation = ApiGate.operation(ctx);
    if (operation == null) {
      ctx.next();
      return;
    }
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    Future.<ValidatableRequest>future(extracted -> RequestUtils.extract(ctx.request(), operation,
            () -> Future.succeededFuture(body)).onComplete(extracted))
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(validated -> {
          ctx.put(VALIDATED_KEY, validated);
          ctx.next();
        })
        .onFailure(e -> ctx.fail(new SwitchboardException(ErrorCode.MALFORMED_REQUEST, detail(e))));
  }

  /** The request as validated: typed path, query and header parameters and the decoded body. */
  static ValidatedRequest validated(RoutingContext ctx) {
    return ctx.get(VALIDATED_KEY);
  }

  /** A path parameter, typed by the document; the document guarantees it is present. */
  static RequestParameter path(RoutingContext ctx, String name) {
    return validated(ctx).getPathParameters().get(name);
  }

  /** A query parameter's text, or null when it was not sent. */
  static String queryString(RoutingContext ctx, String name) {
    RequestParameter parameter = validated(ctx).getQuery().get(name);
    return parameter == null || parameter.isNull() ? null : parameter.getString();
  }

  /** A whole-number query parameter, or {@code absent} when it was not sent. */
  static Long queryLong(RoutingContext ctx, String name, Long absent) {
    RequestParameter parameter = validated(ctx).getQuery().get(name);
    return parameter == null || parameter.isNull() ? absent : Long.valueOf(((Number) parameter.get()).longValue());
  }

  /**
   * The library's sentence naming the parameter or the body, with the most specific schema error
   * (the one deepest in the schema) and where in the value it is, e.g. {@code The value of the request
   * body is invalid. Reason: Instance type number is invalid. Expected string (at #/label)}.
   */
  private static String detail(Throwable e) {
    if (e instanceof SchemaValidationException schema && schema.getOutputUnit() != null
        && schema.getOutputUnit().getErrors() != null && !schema.getOutputUnit().getErrors().isEmpty()) {
      OutputUnit unit = mostSpecific(schema.getOutputUnit().getErrors());
      String message = schema.getMessage();
      int reason = message.indexOf(" Reason: ");
      String subject = reason < 0 ? message : message.substring(0, reason);
      String where = unit.getInstanceLocation() == null || "#".equals(unit.getInstanceLocation())
          ? "" : " (at " + unit.getInstanceLocation() + ")";
      return subject + " Reason: " + unit.getError() + where;
    }
    if (e instanceof ValidatorException) {
      return e.getMessage();
    }
    return "the request could not be read: " + e.getMessage();
  }

  private static OutputUnit mostSpecific(List<OutputUnit> errors) {
    OutputUnit best = errors.get(0);
    for (OutputUnit unit : errors) {
      if (depth(unit.getKeywordLocation()) > depth(best.getKeywordLocation())) {
        best = unit;
      }
    }
    return best;
  }

  private static long depth(String keywordLocation) {
    return keywordLocation == null ? 0 : keywordLocation.chars().filter(c -> c == '/').count();
  }
}
