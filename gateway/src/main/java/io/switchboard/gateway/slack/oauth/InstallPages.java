package io.switchboard.gateway.slack.oauth;

import io.vertx.ext.web.RoutingContext;

/**
 * The small HTML pages a person sees in the browser at the end of an installation: success, or
 * what went wrong and what to do. Everything shown is escaped.
 */
final class InstallPages {

  /** The label the operator's token call is shown with on the success page. */
  static final String TOKEN_LABEL = "first admin token";

  private InstallPages() {
  }

  static void send(RoutingContext ctx, int status, String title, String message) {
    page(ctx, status, title, paragraph(message));
  }

  /**
   * The success page. After a public install (no admin's link) it also says how the tenant's admin
   * gets an admin API token: the operator issues one with the call {@link #tokenCommand} shows.
   *
   * @param baseUrl   where this Switchboard's admin API is reached, e.g. {@code https://switchboard.example}
   * @param viaLink   whether a tenant admin's install link started the installation (the tenant has an admin)
   */
  static void installed(RoutingContext ctx, SlackInstaller.Installed installed, boolean viaLink, String baseUrl) {
    String tenant = installed.tenantId();
    StringBuilder body = new StringBuilder(paragraph("Switchboard is installed in Slack workspace "
        + installed.workspaceId() + " (tenant " + tenant + "). Type /ops help or mention @Switchboard in a channel "
        + "to begin."));
    if (!viaLink) {
      body.append("<h2>Admin API token</h2>")
          .append(paragraph((installed.newTenant()
              ? "Tenant " + tenant + " is new and has no admin API token yet. "
              : "If nobody in your team has an admin API token for tenant " + tenant + " yet: ")
              + "who may run which commands, and where, is set with that token through the admin API. "
              + "Ask the operator of this Switchboard to issue one by running this line with their operator token "
              + "(SWITCHBOARD_OPERATOR_TOKEN), and to give the token it answers, shown once, to your admin:"))
          .append("<pre><code>").append(escape(tokenCommand(baseUrl, tenant))).append("</code></pre>")
          .append("<p>The call is described in this Switchboard's API document, <a href=\"")
          .append(escape(baseUrl + "/api/v1/openapi.json")).append("\">").append(escape(baseUrl + "/api/v1/openapi.json"))
          .append("</a> (operation issueTenantToken), and in Switchboard's docs/api.md (Operator: tenants) and "
              + "docs/slack.md (Installing into a workspace).</p>");
    }
    page(ctx, 200, "Switchboard is installed", body.toString());
  }

  /** The operator's call that issues an admin API token for the tenant, as one shell line. */
  static String tokenCommand(String baseUrl, String tenantId) {
    return "curl -s -X POST " + baseUrl + "/api/v1/tenants/" + tenantId + "/tokens"
        + " -H \"Authorization: Bearer $SWITCHBOARD_OPERATOR_TOKEN\" -H 'Content-Type: application/json'"
        + " -d '{\"label\": \"" + TOKEN_LABEL + "\"}'";
  }

  /** A page whose body is HTML already made of escaped text. */
  private static void page(RoutingContext ctx, int status, String title, String escapedBody) {
    if (ctx.response().ended()) {
      return;
    }
    String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(title)
        + " · Switchboard</title></head><body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\">"
        + "<h1>" + escape(title) + "</h1>" + escapedBody + "</body></html>";
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store").end(html);
  }

  private static String paragraph(String text) {
    return "<p>" + escape(text) + "</p>";
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
