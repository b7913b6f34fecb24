package dev.clawgate.core.oauth;

import dev.clawgate.core.config.ConfigLoader;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Redirect URI rules (OAuth 2.1 §2.3.1, §7.5; RFC 8252 §7): a redirect URI is absolute, has no
 * fragment, and is https, http on a loopback address, or a private-use scheme of a native app.
 * Matching is exact string comparison, except that a loopback redirect URI matches on any port,
 * since a native app's callback listener takes whatever port is free.
 */
public final class RedirectUris {
  private RedirectUris() {}

  /** Why {@code uri} cannot be registered, or empty when it can. */
  public static Optional<String> problem(String uri) {
    if (uri.isEmpty() || uri.length() > 2000) {
      return Optional.of("redirect URIs must be 1 to 2000 characters");
    }
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      return Optional.of("not a URI: " + shorten(uri));
    }
    if (!parsed.isAbsolute() || parsed.getScheme() == null) {
      return Optional.of("redirect URI must be absolute: " + shorten(uri));
    }
    if (parsed.getRawFragment() != null) {
      return Optional.of("redirect URI must not have a fragment: " + shorten(uri));
    }
    String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("https")) {
      return parsed.getHost() == null
          ? Optional.of("https redirect URI needs a host: " + shorten(uri))
          : Optional.empty();
    }
    if (scheme.equals("http")) {
      return parsed.getHost() != null && ConfigLoader.isLoopback(parsed.getHost())
          ? Optional.empty()
          : Optional.of(
              "http redirect URIs are allowed on loopback hosts only (use https): " + shorten(uri));
    }
    if (scheme.equals("javascript") || scheme.equals("data") || scheme.equals("file")) {
      return Optional.of("redirect URI scheme not allowed: " + scheme);
    }
    return Optional.empty(); // a native app's private-use scheme (RFC 8252 §7.1)
  }

  /** Whether a presented redirect URI matches a registered one. */
  public static boolean matches(String registered, String presented) {
    if (registered.equals(presented)) {
      return true;
    }
    Optional<String> a = portless(registered);
    return a.isPresent() && a.equals(portless(presented));
  }

  /**
   * The URI with its port removed when it is http on a loopback address (the form used for matching
   * and for deduplicating registrations); empty for any other URI.
   */
  static Optional<String> portless(String uri) {
    try {
      URI parsed = new URI(uri);
      if (!"http".equalsIgnoreCase(parsed.getScheme())
          || parsed.getHost() == null
          || !ConfigLoader.isLoopback(parsed.getHost())) {
        return Optional.empty();
      }
      return Optional.of(
          new URI(
                  "http",
                  parsed.getRawUserInfo(),
                  parsed.getHost(),
                  -1,
                  parsed.getRawPath(),
                  parsed.getRawQuery(),
                  null)
              .toString());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  /** The host a person should see on the consent page (the scheme for private-use schemes). */
  public static String displayHost(String uri) {
    try {
      URI parsed = new URI(uri);
      if (parsed.getHost() != null) {
        return parsed.getHost();
      }
      return String.valueOf(parsed.getScheme()) + ":";
    } catch (URISyntaxException e) {
      return "?";
    }
  }

  private static String shorten(String uri) {
    return uri.length() <= 120 ? uri : uri.substring(0, 117) + "...";
  }
}
