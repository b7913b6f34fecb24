package dev.clawgate.gateway.mcp.http;

import dev.clawgate.gateway.mcp.McpPrincipal;
import java.util.Objects;
import java.util.Optional;

/** The outcome of {@link Authenticator#authenticate}. */
public sealed interface Authentication {

  /** The request acts for {@code principal}. */
  record Granted(McpPrincipal principal) implements Authentication {
    public Granted {
      Objects.requireNonNull(principal, "null principal");
    }
  }

  /**
   * The request is refused before it reaches the endpoint (RFC 6750 §3): 401 with a {@code
   * WWW-Authenticate: Bearer} challenge, or 400 for a malformed request.
   *
   * @param status 401 or 400
   * @param error the RFC 6750 error code ({@code invalid_token}, {@code invalid_request}); empty
   *     when the request carried no credential at all (the challenge then names no error)
   * @param description what is wrong, for people; never holds a credential
   */
  record Refused(int status, Optional<String> error, String description) implements Authentication {
    public Refused {
      if (status != 400 && status != 401) {
        throw new IllegalArgumentException("refusals are 400 or 401, not " + status);
      }
      Objects.requireNonNull(error, "null error");
      Objects.requireNonNull(description, "null description");
    }

    /** No credential was offered. */
    public static Refused missing() {
      return new Refused(401, Optional.empty(), "a bearer token is required");
    }

    /** The credential offered is not valid here (unknown, expired, revoked, another audience). */
    public static Refused invalidToken(String description) {
      return new Refused(401, Optional.of("invalid_token"), description);
    }

    /** The request is malformed (e.g. a token in the query string, two credentials). */
    public static Refused invalidRequest(String description) {
      return new Refused(400, Optional.of("invalid_request"), description);
    }
  }
}
