package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import dev.clawgate.protocol.ScopeSet;
import java.util.Objects;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * The bearer-token door of a protected endpoint ({@code /mcp}, the legacy SSE transport, {@code
 * /metrics}): who a request acts for, by its {@link Authenticator}, and the {@code
 * WWW-Authenticate} challenges of what it refuses. Each endpoint writes the bodies its own way.
 */
public final class BearerGate {

  /** Writes the body of a refusal whose challenge is already in the response's headers. */
  @FunctionalInterface
  public interface Refusal {
    /** Answers {@code refused} with its status. */
    void answer(Response response, Authentication.Refused refused, Callback callback);
  }

  private final Authenticator authenticator;
  private final BearerChallenges challenges;

  /**
   * @param authenticator who a request acts for
   * @param challenges the challenges naming this resource's metadata, read for each refusal (a
   *     gateway on an ephemeral port knows its URL once listening)
   */
  public BearerGate(Authenticator authenticator, BearerChallenges challenges) {
    this.authenticator = Objects.requireNonNull(authenticator, "null authenticator");
    this.challenges = Objects.requireNonNull(challenges, "null challenges");
  }

  /**
   * Who the request acts for; null once a refusal was answered: its challenge in {@code
   * WWW-Authenticate}, then {@code refusal} for the status and body.
   */
  public @Nullable McpPrincipal authenticate(
      Request request, Response response, Callback callback, Refusal refusal) {
    return switch (authenticator.authenticate(request)) {
      case Authentication.Granted granted -> granted.principal();
      case Authentication.Refused refused -> {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, challenges.refused(refused));
        refusal.answer(response, refused, callback);
        yield null;
      }
    };
  }

  /**
   * Puts the step-up challenge (for a 403 the caller writes) in {@code WWW-Authenticate}: {@code
   * scope} is what a new authorization should ask for, the scopes held plus the missing ones.
   */
  public void challengeInsufficientScope(Response response, ScopeSet scope, String description) {
    response
        .getHeaders()
        .put(HttpHeader.WWW_AUTHENTICATE, challenges.insufficientScope(scope, description));
  }
}
