package dev.clawgate.gateway.oauth;

import dev.clawgate.core.oauth.OAuthServer;
import dev.clawgate.gateway.ClientAddress;
import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.gateway.mcp.http.Authentication;
import dev.clawgate.gateway.mcp.http.Authenticator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Bearer tokens this gateway issued (OAuth access tokens for the endpoint's resource, static
 * tokens), from the {@code Authorization} header only (RFC 6750 §2.1). A token in the query string
 * or a form body is refused outright: URLs end up in logs, histories and referrers.
 */
public final class TokenAuthenticator implements Authenticator {
  private final OAuthServer server;
  private final java.util.function.Supplier<String> audience;
  private final List<String> trustedProxies;

  /**
   * @param audience the URL of the endpoint tokens are presented to (an access token must have been
   *     issued for it)
   * @param trustedProxies proxies whose forwarding headers name the client ({@code
   *     gateway.trustedProxies}): the principal's address in the audit log
   */
  public TokenAuthenticator(
      OAuthServer server,
      java.util.function.Supplier<String> audience,
      List<String> trustedProxies) {
    this.server = Objects.requireNonNull(server, "null server");
    this.audience = Objects.requireNonNull(audience, "null audience");
    this.trustedProxies = List.copyOf(trustedProxies);
  }

  @Override
  public Authentication authenticate(Request request) {
    String query = request.getHttpURI().getQuery();
    if (query != null && hasTokenParameter(query)) {
      return Authentication.Refused.invalidRequest(
          "tokens are not accepted in the query string; send Authorization: Bearer <token>");
    }
    List<String> values = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
    if (values.isEmpty()) {
      return Authentication.Refused.missing();
    }
    if (values.size() > 1) {
      return Authentication.Refused.invalidRequest("more than one Authorization header");
    }
    String value = values.get(0).trim();
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Authentication.Refused.missing();
    }
    String token = value.substring(7).trim();
    if (token.isEmpty()) {
      return Authentication.Refused.invalidToken("empty bearer token");
    }
    return switch (server.verify(token, audience.get())) {
      case OAuthServer.Valid valid ->
          new Authentication.Granted(
              new McpPrincipal(
                  valid.name(),
                  valid.scopes(),
                  valid.deviceId(),
                  ClientAddress.of(request, trustedProxies)));
      case OAuthServer.Invalid invalid -> Authentication.Refused.invalidToken(invalid.why());
    };
  }

  private static boolean hasTokenParameter(String query) {
    for (String pair : query.split("&")) {
      String name = pair.split("=", 2)[0].toLowerCase(Locale.ROOT);
      if (name.equals("access_token") || name.equals("token") || name.equals("api_key")) {
        return true;
      }
    }
    return false;
  }
}
