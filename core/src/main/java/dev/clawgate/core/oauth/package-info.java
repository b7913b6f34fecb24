/**
 * The gateway as an OAuth 2.1 authorization server for its MCP endpoint, and its bearer tokens:
 * client registration (dynamic, by metadata document, from the CLI), authorization with PKCE whose
 * consent is a pairing request, codes, rotating refresh tokens, revocation, static tokens, and the
 * check of a bearer token on every request.
 */
@NullMarked
package dev.clawgate.core.oauth;

import org.jspecify.annotations.NullMarked;
