/**
 * The HTTP face of the gateway's OAuth authorization server ({@code /oauth/*}, the {@code
 * /.well-known/} metadata documents, the consent page) and the bearer-token check of its protected
 * endpoints.
 */
@NullMarked
package dev.clawgate.gateway.oauth;

import org.jspecify.annotations.NullMarked;
