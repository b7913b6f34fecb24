#!/usr/bin/env bash
# Measures the gateway against its performance targets (docs/benchmarks.md), on loopback only:
#   1. start time: process spawn -> first 200 from GET /healthz (fresh state dir each time)
#   2. idle resident memory (VmRSS) once started and settled
#   3. handshakes/s: device-less shared token, and signed by an already paired device
#   4. 10,000 idle handshaken connections: the gateway's VmRSS while they are held
# The gateway runs as a real process from the packaged jar with the JVM flags of the ./clawgate
# launcher; the load tool is benchmarks/target/clawgate-load.jar (dev.clawgate.benchmarks.load).
#
# Usage: benchmarks/run-load.sh [--quick] [--rebuild-gateway]
#   --quick             short runs (smoke test of the suite, figures not comparable)
#   --rebuild-gateway   rebuild cli/target/clawgate.jar first (from the modules in ~/.m2)
# Environment (defaults in brackets): LOAD_WARMUP [10] and LOAD_DURATION [20] seconds per run,
# LOAD_REPEAT [3] runs per handshake mode, LOAD_CONCURRENCY [32], START_REPEAT [5],
# IDLE_CONNECTIONS [10000], IDLE_HOLD [40] seconds (longer than one 30 s tick), QUIET_CORES [0.3] and QUIET_MAX_WAIT [300]
# seconds (wait until the rest of the machine is that quiet before each measurement),
# GATEWAY_JAVA_OPTS (appended to the launcher's flags, e.g. -XX:TieredStopAtLevel=4),
# LOAD_JAVA_OPTS [-XX:+UseSerialGC -Xmx2g] for the load tool, LOAD_JFR=1 to record a JFR profile of
# the gateway during the handshake runs (adds some overhead; off for the figures).
# Results: printed, and kept in benchmarks/target/load-results/<time>/.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../.mvn/find-jdk.sh
. "$root/.mvn/find-jdk.sh"
java="$JAVA_HOME/bin/java"

quick=0
rebuild=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --rebuild-gateway) rebuild=1 ;;
    -h | --help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "run-load.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then
  : "${LOAD_WARMUP:=2}" "${LOAD_DURATION:=3}" "${LOAD_REPEAT:=1}" "${START_REPEAT:=2}"
  : "${IDLE_CONNECTIONS:=1000}" "${IDLE_HOLD:=3}"
fi
: "${LOAD_WARMUP:=10}" "${LOAD_DURATION:=20}" "${LOAD_REPEAT:=3}" "${LOAD_CONCURRENCY:=32}"
: "${START_REPEAT:=5}" "${IDLE_CONNECTIONS:=10000}" "${IDLE_HOLD:=40}" "${IDLE_SETTLE:=5}"
: "${QUIET_CORES:=0.3}" "${QUIET_MAX_WAIT:=300}" "${GATEWAY_JAVA_OPTS:=}"
: "${LOAD_JAVA_OPTS:=-XX:+UseSerialGC -Xmx2g}" "${LOAD_JFR:=0}"

token="load-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
work="$(mktemp -d "${TMPDIR:-/tmp}/clawgate-load.XXXXXX")"
results="$root/benchmarks/target/load-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
suite_name="run-load.sh"
required_class="dev/clawgate/gateway/GatewayApp.class"
# shellcheck source=suite-common.sh
. "$root/benchmarks/suite-common.sh"

# 10k sockets in each process, plus the JVMs' own files (suite-common.sh raised the limit).
[ "$(ulimit -n)" -ge $((IDLE_CONNECTIONS + 1000)) ] \
  || die "ulimit -n is $(ulimit -n); ${IDLE_CONNECTIONS} idle connections need more"

# ---- helpers -----------------------------------------------------------------------------------
# Starts a gateway on port $2 with state dir $1 (extra JVM flags after them); sets gw_pid and
# gw_spawn_ns.
start_gateway() {
  local state="$1" port="$2"
  shift 2
  gw_spawn_ns="$(now_ns)"
  "$java" "${gateway_flags[@]}" "$@" -jar "$work/clawgate.jar" gateway run \
    --state-dir "$state" --port "$port" --token "$token" >"$state.log" 2>&1 &
  gw_pid=$!
  started_pids+=("$gw_pid")
}

# Polls until the gateway on port $1 serves /healthz; prints ms since spawn. Gives up after 30 s.
# (Tighter polling than suite-common.sh's wait_accepting: this one measures start time.)
wait_serving_ms() {
  local deadline=$(( $(now_ns) + 30000000000 ))
  while [ "$(now_ns)" -lt "$deadline" ]; do
    kill -0 "$gw_pid" 2>/dev/null || die "the gateway exited during start; see its log"
    if healthz_ok "$1"; then
      echo $(( ($(now_ns) - gw_spawn_ns) / 1000000 ))
      return 0
    fi
    sleep 0.005
  done
  die "the gateway did not serve /healthz within 30 s"
}

threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$1/status"; }

# json_num <json line> <key>: the first numeric value of "key" (flat keys only).
json_num() { sed -n "s/.*\"$2\":\(-\{0,1\}[0-9.]*\).*/\1/p" <<<"$1" | head -n 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo ".." hi }'; }
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { ok = (op == ">=" ? v >= t : v <= t); print (ok ? "PASS" : "FAIL") }'; }

load() { "$java" "${load_flags[@]}" -jar "$work/clawgate-load.jar" "$@"; }

# ---- machine -----------------------------------------------------------------------------------
say "clawgate load suite, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo),"\
" $(uname -sr); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
say "jdk: $("$java" -version 2>&1 | head -n 1)"
say "gateway: cli/target/clawgate.jar built $(date -u -r "$root/cli/target/clawgate.jar" +%Y-%m-%dT%H:%M:%SZ),"\
" sha256 $(sha256sum "$work/clawgate.jar" | cut -c1-12); git HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
say "gateway JVM flags (./clawgate): ${gateway_flags[*]}"
say "load tool JVM flags: ${load_flags[*]}; ulimit -n $(ulimit -n)"
say ""

# ---- 1 + 2: start time and idle RSS ------------------------------------------------------------
starts=()
rss_idle=()
for i in $(seq 1 "$START_REPEAT"); do
  wait_quiet "start $i"
  port="$(pick_port)"
  start_gateway "$work/start-$i" "$port"
  ms="$(wait_serving_ms "$port")"
  sleep "$IDLE_SETTLE"
  rss="$(rss_mb "$gw_pid")"
  starts+=("$ms")
  rss_idle+=("$rss")
  say "start $i: accepting after ${ms} ms; idle VmRSS ${rss} MB after ${IDLE_SETTLE} s ($(threads_of "$gw_pid") threads)"
  stop_gateway "$gw_pid"
done
start_median="$(printf '%s\n' "${starts[@]}" | median)"
rss_median="$(printf '%s\n' "${rss_idle[@]}" | median)"
say ""

# ---- 3: handshakes -----------------------------------------------------------------------------
port="$(pick_port)"
jfr_flags=()
if [ "$LOAD_JFR" = 1 ]; then
  jfr_flags=("-XX:StartFlightRecording:settings=profile,dumponexit=true,filename=$results/gateway-load.jfr")
  say "recording a JFR profile of the gateway to ${results#"$root"/}/gateway-load.jfr"
fi
start_gateway "$work/load" "$port" "${jfr_flags[@]}"
wait_serving_ms "$port" >/dev/null
sleep "$IDLE_SETTLE"
url="ws://127.0.0.1:$port/"
declare -A rates
run_handshakes() { # <name> <load tool options...>
  local name="$1" line
  shift
  for r in $(seq 1 "$LOAD_REPEAT"); do
    wait_quiet "$name #$r"
    load handshakes --url "$url" --token "$token" --gateway-pid "$gw_pid" \
      --concurrency "$LOAD_CONCURRENCY" --warmup "$LOAD_WARMUP" --duration "$LOAD_DURATION" "$@" \
      >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; die "the load tool failed ($name)"; }
    line="$(grep '^{' "$work/out" | head -n 1)"
    printf '%s\n' "$line" >>"$results/handshakes.jsonl"
    grep -v '^{' "$work/out" | sed "s/^/[$name #$r] /" | tee -a "$results/summary.txt"
    rates[$name]+="$(json_num "$line" handshakesPerS) "
  done
}
run_handshakes token --mode token
run_handshakes device --mode device --device-auth device-token
run_handshakes device-shared --mode device --device-auth token
rss_after_load="$(rss_mb "$gw_pid")"
say "gateway VmRSS after the handshake runs: ${rss_after_load} MB"
stop_gateway "$gw_pid"
say ""

# ---- 4: idle connections -----------------------------------------------------------------------
port="$(pick_port)"
start_gateway "$work/idle" "$port"
wait_serving_ms "$port" >/dev/null
sleep "$IDLE_SETTLE"
rss_before_idle="$(rss_mb "$gw_pid")"
wait_quiet "idle connections"
ready="$work/idle.ready"
load idle --url "ws://127.0.0.1:$port/" --token "$token" --gateway-pid "$gw_pid" \
  --connections "$IDLE_CONNECTIONS" --hold "$IDLE_HOLD" --ready-file "$ready" \
  >"$work/idle.out" 2>"$work/idle.err" &
idle_pid=$!
started_pids+=("$idle_pid")
for _ in $(seq 1 1800); do [ -f "$ready" ] || ! kill -0 "$idle_pid" 2>/dev/null && break; sleep 0.1; done
[ -f "$ready" ] || { cat "$work/idle.err" >&2; die "the idle load did not get its connections up"; }
sleep "$IDLE_SETTLE"
rss_idle_conns="$(rss_mb "$gw_pid")"
threads_idle="$(threads_of "$gw_pid")"
wait "$idle_pid" || { cat "$work/idle.err" >&2; die "the idle load failed"; }
idle_line="$(grep '^{' "$work/idle.out" | head -n 1)"
printf '%s\n' "$idle_line" >"$results/idle.json"
grep -v '^{' "$work/idle.out" | tee -a "$results/summary.txt"
established="$(json_num "$idle_line" established)"
still_open="$(json_num "$idle_line" stillOpenAfterHold)"
sleep "$IDLE_SETTLE"
say "gateway VmRSS: ${rss_before_idle} MB before, ${rss_idle_conns} MB with ${established} connections"\
" held (${threads_idle} threads), $(rss_mb "$gw_pid") MB after they closed"
stop_gateway "$gw_pid"
say ""

# ---- summary -----------------------------------------------------------------------------------
token_rate="$(tr ' ' '\n' <<<"${rates[token]}" | grep . | median)"
device_rate="$(tr ' ' '\n' <<<"${rates[device]}" | grep . | median)"
shared_rate="$(tr ' ' '\n' <<<"${rates[device-shared]}" | grep . | median)"
idle_ok=PASS
if [ "$still_open" != "$IDLE_CONNECTIONS" ]; then idle_ok=FAIL; fi
say "summary (median of repeats; handshake runs ${LOAD_WARMUP}+${LOAD_DURATION} s x ${LOAD_REPEAT}, concurrency ${LOAD_CONCURRENCY})"
say "  shared-token handshakes/s      $(printf '%8s' "$token_rate")   target >= 7000   $(verdict "$token_rate" '>=' 7000)   runs $(tr ' ' '\n' <<<"${rates[token]}" | grep . | range)"
say "  signed-device handshakes/s     $(printf '%8s' "$device_rate")   target >= 3000   $(verdict "$device_rate" '>=' 3000)   runs $(tr ' ' '\n' <<<"${rates[device]}" | grep . | range) (device token)"
say "    (signed, shared token)       $(printf '%8s' "$shared_rate")                             runs $(tr ' ' '\n' <<<"${rates[device-shared]}" | grep . | range)"
say "  start to accepting ms          $(printf '%8s' "$start_median")   target <= 1500   $(verdict "$start_median" '<=' 1500)   runs $(printf '%s\n' "${starts[@]}" | range)"
say "  idle VmRSS MB                  $(printf '%8s' "$rss_median")   target <= 150    $(verdict "$rss_median" '<=' 150)   runs $(printf '%s\n' "${rss_idle[@]}" | range)"
say "  VmRSS MB, ${IDLE_CONNECTIONS} idle connections $(printf '%6s' "$rss_idle_conns")   target <= 1024   $(verdict "$rss_idle_conns" '<=' 1024)   ${still_open}/${IDLE_CONNECTIONS} still open after ${IDLE_HOLD} s: ${idle_ok}"
say ""
say "results kept in ${results#"$root"/}"
