# Shared by the benchmark suites run-load.sh, run-conversations.sh and run-mcp-http.sh (sourced, not run): the
# build of the load tool and the gateway jar, the launcher's JVM flags, process cleanup, ports,
# waiting for a quiet machine and the CPU accounting of each window.
# Expects: root, rebuild (0|1), work, results, suite_name (for messages) and required_class (a
# class the gateway jar must hold, else it is rebuilt).
# shellcheck shell=bash disable=SC2034
started_pids=()
busy_waits=""
disturbed=""

cleanup() {
  for pid in "${started_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${started_pids[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" | tee -a "$results/summary.txt"; }
die() { echo "$suite_name: $*" >&2; exit 1; }

# ---- build -------------------------------------------------------------------------------------
echo "building the load tool ..." >&2
(cd "$root" && ./mvnw -o -q -B -pl benchmarks -am package -DskipTests -Dspotless.check.skip=true) \
  || die "building benchmarks failed (./mvnw -o -pl benchmarks -am package)"
load_jar="$root/benchmarks/target/clawgate-load.jar"
gateway_jar="$root/cli/target/clawgate.jar"
has_required_class() {
  [ -f "$gateway_jar" ] && "$JAVA_HOME/bin/jar" tf "$gateway_jar" \
    | grep -q "$required_class"
}
if [ "$rebuild" = 1 ] || ! has_required_class; then
  echo "building the gateway jar ..." >&2
  (cd "$root" && ./mvnw -o -q -B -pl cli -am package -DskipTests -Dspotless.check.skip=true) \
    || die "building cli/target/clawgate.jar failed"
  has_required_class || die "cli/target/clawgate.jar has no $required_class (rebuild it)"
fi
# Private copies: a concurrent rebuild must not change a jar under a running process.
cp "$gateway_jar" "$work/clawgate.jar"
cp "$load_jar" "$work/clawgate-load.jar"

# ---- the production JVM flags, read from the launcher ----------------------------------------
launcher_flags="$(sed -n 's/^exec "\$JAVA_HOME\/bin\/java" \(.*\) \${CLAWGATE_JAVA_OPTS:-} -jar .*/\1/p' "$root/clawgate")"
[ -n "$launcher_flags" ] || die "cannot read the JVM flags from the exec line of ./clawgate"
# $jit is empty for `gateway run` (the launcher allows C2 there): drop it.
launcher_flags="${launcher_flags//\$jit/}"
# shellcheck disable=SC2206
gateway_flags=($launcher_flags $GATEWAY_JAVA_OPTS)
# shellcheck disable=SC2206
load_flags=($LOAD_JAVA_OPTS)
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- helpers ---------------------------------------------------------------------------------------
now_ns() { date +%s%N; }

port_free() { ! { exec 4<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || { exec 4<&- 4>&-; return 1; }; }

pick_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 10000))
    if port_free "$port"; then echo "$port"; return 0; fi
  done
  die "no free port found"
}

healthz_ok() {
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 || true
  IFS= read -r -t 5 line <&3 || true
  exec 3<&- 3>&-
  [[ "$line" == "HTTP/1.1 200"* ]]
}

wait_accepting() {
  local deadline=$(( $(now_ns) + 60000000000 ))
  while [ "$(now_ns)" -lt "$deadline" ]; do
    kill -0 "$gw_pid" 2>/dev/null || { tail -n 20 "$work/gateway.log" >&2; die "the gateway exited during start"; }
    if healthz_ok "$1"; then return 0; fi
    sleep 0.05
  done
  die "the gateway did not serve /healthz within 60 s"
}

stop_gateway() {
  kill -TERM "$1" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$1" 2>/dev/null || true
}

rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

busy_cores() {
  local a b
  a="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9 }' /proc/stat)"
  sleep 1
  b="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9 }' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) / 100 }'
}

# Waits (up to QUIET_MAX_WAIT s) until the machine uses < QUIET_CORES cores (the gateway is idle
# between runs, so this is other work). Remembers every time it gave up, for the summary.
wait_quiet() { # <what>
  local busy waited=0
  while :; do
    busy="$(busy_cores)"
    if awk -v b="$busy" -v q="$QUIET_CORES" 'BEGIN { exit !(b < q) }'; then return 0; fi
    if [ "$waited" -ge "$QUIET_MAX_WAIT" ]; then
      say "  note: the machine stayed busy (${busy} cores used by other work) before $1; measuring anyway"
      busy_waits+="$1 (${busy} cores); "
      return 0
    fi
    echo "  waiting for a quiet machine (${busy} cores busy) before $1 ..." >&2
    sleep 4
    waited=$((waited + 5))
  done
}
