package dev.clawgate.gateway.oauth;

import dev.clawgate.core.oauth.OAuthServer.ConsentView;
import dev.clawgate.protocol.Scope;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The consent page: server-rendered HTML that works without JavaScript and on a phone. It shows who
 * asks (client name and id, the host the browser returns to) and which scopes are new, and lets the
 * owner approve or deny after proving the shared secret, or approve from a terminal.
 */
final class ConsentPage {
  /** Security headers of every page: no framing, no scripts, no referrer. */
  static final Map<String, String> HEADERS =
      Map.of(
          "Content-Security-Policy",
          "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
          "X-Frame-Options",
          "DENY",
          "Referrer-Policy",
          "no-referrer",
          "X-Content-Type-Options",
          "nosniff");

  private static final Map<String, String> SCOPE_TEXT =
      Map.of(
          Scope.READ.name(), "read conversations, messages and live events",
          Scope.WRITE.name(), "send messages into conversations",
          Scope.APPROVALS.name(), "see and answer approval requests");

  private ConsentPage() {}

  /**
   * The page for a waiting authorization.
   *
   * @param view what to show
   * @param secretName what the owner proves ({@code token} or {@code password}); empty when the
   *     gateway has no shared secret (approval from the terminal only)
   * @param waiting whether the owner chose to approve from a terminal (the page then reloads itself
   *     every few seconds and shows no form)
   * @param problem an error to show above the form (wrong secret, ...)
   */
  static String waiting(ConsentView view, String secretName, boolean waiting, String problem) {
    StringBuilder body = new StringBuilder();
    body.append("<h1>Allow <b>").append(escape(view.clientName())).append("</b>?</h1>\n");
    body.append("<p class=muted>")
        .append(escape(view.clientName()))
        .append(
            " wants to use this gateway's MCP tools. After you allow it, your browser returns to ")
        .append("<b>")
        .append(escape(view.redirectHost()))
        .append("</b>.</p>\n");
    boolean again = !view.held().isEmpty() && view.held().covers(view.asked());
    if (again) {
      body.append("<p>You allowed it before, but not from this browser. Confirm it is you")
          .append(" who is signing it in now.</p>\n");
    }
    body.append("<h2>")
        .append(
            again
                ? "It asks again to"
                : view.held().isEmpty() ? "It asks to" : "It now also asks to");
    body.append("</h2>\n<ul>\n");
    for (String scope : view.asked().names()) {
      body.append("<li><b>")
          .append(escape(SCOPE_TEXT.getOrDefault(scope, scope)))
          .append("</b> <code>")
          .append(escape(scope))
          .append("</code></li>\n");
    }
    body.append("</ul>\n");
    if (!view.held().isEmpty() && !again) {
      body.append("<p class=muted>Already allowed: ")
          .append(escape(String.join(", ", view.held().names())))
          .append(".</p>\n");
    }
    body.append("<table>\n");
    row(body, "Client", view.clientName());
    row(body, "Client id", view.clientId());
    row(body, "Registered", view.registration());
    row(body, "Returns to", view.redirectHost());
    row(body, "Request", view.requestId());
    body.append("</table>\n");
    if (!problem.isEmpty()) {
      body.append("<p class=error role=alert>").append(escape(problem)).append("</p>\n");
    }
    String self = "/oauth/consent?id=" + url(view.authorizationId());
    if (waiting || secretName.isEmpty()) {
      body.append("<h2>Approve from a terminal</h2>\n<p>On the gateway's machine, run:</p>\n");
      body.append("<pre>").append(escape(view.approveCommand())).append("</pre>\n");
      body.append("<p class=muted>This page checks every few seconds and continues by itself.")
          .append("</p>\n<p><a class=button href=\"")
          .append(escape(self + "&wait=1"))
          .append("\">Continue</a></p>\n");
      if (!secretName.isEmpty()) {
        body.append("<p><a href=\"")
            .append(escape(self))
            .append("\">Approve here instead</a></p>\n");
      }
    } else {
      body.append("<form method=post action=\"/oauth/consent\">\n")
          .append("<input type=hidden name=id value=\"")
          .append(escape(view.authorizationId()))
          .append("\">\n<label for=secret>Gateway ")
          .append(escape(secretName))
          .append("</label>\n<input id=secret name=secret type=password")
          .append(" autocomplete=current-password required>\n")
          .append("<div class=actions><button name=decision value=approve>Allow</button>\n")
          .append("<button name=decision value=deny class=secondary>Deny</button></div>\n")
          .append("</form>\n<p class=muted>Or approve from a terminal: <code>")
          .append(escape(view.approveCommand()))
          .append("</code> <a href=\"")
          .append(escape(self + "&wait=1"))
          .append("\">then continue</a></p>\n");
    }
    return page("Allow " + view.clientName() + "?", body.toString(), waiting ? 3 : 0);
  }

  /** A page with a message only (unknown, completed, refused requests). */
  static String message(String title, String text) {
    return page(title, "<h1>" + escape(title) + "</h1>\n<p>" + escape(text) + "</p>\n", 0);
  }

  private static void row(StringBuilder body, String name, String value) {
    body.append("<tr><th>")
        .append(escape(name))
        .append("</th><td>")
        .append(escape(value))
        .append("</td></tr>\n");
  }

  private static String page(String title, String body, int refreshSeconds) {
    return "<!doctype html>\n<html lang=en>\n<head>\n<meta charset=utf-8>\n"
        + "<meta name=viewport content=\"width=device-width, initial-scale=1\">\n"
        + (refreshSeconds > 0
            ? "<meta http-equiv=refresh content=\"" + refreshSeconds + "\">\n"
            : "")
        + "<title>"
        + escape(title)
        + " - clawgate</title>\n<style>\n"
        + "body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:0 auto;padding:1rem;"
        + "color:#1b1b1b;background:#fafafa}\n"
        + "h1{font-size:1.4rem}h2{font-size:1.05rem;margin-top:1.4rem}\n"
        + "table{border-collapse:collapse;width:100%;font-size:.9rem}"
        + "th,td{text-align:left;padding:.25rem .4rem;border-bottom:1px solid #ddd;"
        + "word-break:break-all}th{white-space:nowrap;color:#555;font-weight:normal}\n"
        + "input[type=password]{width:100%;box-sizing:border-box;font-size:1rem;padding:.6rem;"
        + "margin:.3rem 0 1rem}\n"
        + ".actions{display:flex;gap:.6rem}button,.button{flex:1;font-size:1rem;padding:.7rem;"
        + "border:0;border-radius:.4rem;background:#1f5fbf;color:#fff;text-align:center;"
        + "text-decoration:none;display:inline-block}\n"
        + "button.secondary{background:#e4e4e4;color:#1b1b1b}\n"
        + ".muted{color:#555;font-size:.9rem}.error{color:#a40000;font-weight:bold}\n"
        + "pre,code{background:#eee;padding:.15rem .3rem;border-radius:.2rem;"
        + "word-break:break-all;white-space:pre-wrap}\n"
        + "</style>\n</head>\n<body>\n"
        + body
        + "</body>\n</html>\n";
  }

  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String url(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
