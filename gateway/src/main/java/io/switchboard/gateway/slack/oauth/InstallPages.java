package io.switchboard.gateway.slack.oauth;

import io.vertx.ext.web.RoutingContext;

/**
 * The small HTML pages a person sees in the browser at the end of an installation: success, or
 * what went wrong and what to do. Everything shown is escaped.
 */
final class InstallPages {

  private InstallPages() {
  }

  static void send(RoutingContext ctx, int status, String title, String message) {
    if (ctx.response().ended()) {
      return;
    }
    String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
        + " · Switchboard</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\">"
        + "<h1>" + escape(title) + "</h1><p>" + escape(message) + "</p></body></html>";
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(html);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
