#!/usr/bin/env bash
# Measures the gateway's own MCP endpoint /mcp (MCP Streamable HTTP) against its targets
# (docs/benchmarks.md, "Remote MCP endpoint (/mcp)"):
#   1. tools/call conversations_list over /mcp, 16 sessions, each one kept-alive connection with one
#      call in flight: p50 <= 5 ms and >= 2,000 calls/s (MCP_REPEAT runs; the median run counts)
#   2. 1,000 sessions each holding its GET SSE stream open: <= 300 MB extra gateway VmRSS, on the
#      gateway that served the calls and again on a fresh one (the worse counts)
# The gateway runs as a real process from cli/target/clawgate.jar with the JVM flags of the
# ./clawgate launcher, auth mode token, every request carrying a static bearer token made with
# `clawgate tokens create --scope operator.read` (so each request's token is checked), on a temp
# state dir seeded in process (clawgate-load seed) with SEED_SESSIONS webhook conversations before
# it starts. Before every measurement the suite waits for a quiet machine, and every run reports
# the CPU the load tool, the gateway and other work used in its window.
#
# Usage: benchmarks/run-mcp-http.sh [--quick] [--rebuild-gateway]
#   --quick             short runs, fewer streams (smoke test of the suite, figures not comparable)
#   --rebuild-gateway   rebuild cli/target/clawgate.jar first (./mvnw -pl cli -am package)
# Environment (defaults in brackets): MCP_WARMUP [5] and MCP_DURATION [10] seconds per calls run,
# MCP_REPEAT [3], MCP_SESSIONS [16], MCP_STREAMS [1000], MCP_HOLD [30] seconds, MCP_PROFILE [1]
# (one extra, uncounted calls run with a JFR recording of the gateway, summarised), SEED_SESSIONS
# [50], SEED_MESSAGES [20], QUIET_CORES [0.3] and QUIET_MAX_WAIT [120] seconds, GATEWAY_JAVA_OPTS
# (appended to the launcher's flags), LOAD_JAVA_OPTS [-XX:+UseSerialGC -Xmx2g] for the load tool.
# Results: printed, and kept in benchmarks/target/mcp-http-results/<time>/.
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
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "run-mcp-http.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then
  : "${MCP_WARMUP:=1}" "${MCP_DURATION:=2}" "${MCP_REPEAT:=1}" "${MCP_STREAMS:=100}"
  : "${MCP_HOLD:=3}" "${MCP_PROFILE:=0}" "${QUIET_MAX_WAIT:=0}"
fi
: "${MCP_WARMUP:=5}" "${MCP_DURATION:=10}" "${MCP_REPEAT:=3}" "${MCP_SESSIONS:=16}"
: "${MCP_STREAMS:=1000}" "${MCP_HOLD:=30}" "${MCP_PROFILE:=1}"
: "${SEED_SESSIONS:=50}" "${SEED_MESSAGES:=20}"
: "${QUIET_CORES:=0.3}" "${QUIET_MAX_WAIT:=120}" "${GATEWAY_JAVA_OPTS:=}"
: "${LOAD_JAVA_OPTS:=-XX:+UseSerialGC -Xmx2g}"

hook_secret="hook-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
gateway_token="gw-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
work="$(mktemp -d "${TMPDIR:-/tmp}/clawgate-mcp-http.XXXXXX")"
run_id="$(date -u +%Y%m%dT%H%M%SZ)"
results="$root/benchmarks/target/mcp-http-results/$run_id"
mkdir -p "$results"
suite_name="run-mcp-http.sh"
required_class="dev/clawgate/gateway/mcp/McpEndpoint.class"
# shellcheck source=suite-common.sh
. "$root/benchmarks/suite-common.sh"

json_num() { sed -n "s/.*\"$2\":\(-\{0,1\}[0-9.]*\).*/\1/p" <<<"$1" | head -n 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo ".." hi }'; }
maximum() { sort -n | tail -n 1; }
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { if (v == "") { print "n/a"; exit } ok = (op == ">=" ? v >= t : v <= t); print (ok ? "PASS" : "FAIL") }'; }
values() { tr ' ' '\n' <<<"$1" | grep .; }

load() { "$java" "${load_flags[@]}" -jar "$work/clawgate-load.jar" "$@"; }

# Remembers a run during which other work used QUIET_CORES or more.
note_disturbed() { # <name> <other cores>
  if awk -v o="${2:-0}" -v q="$QUIET_CORES" 'BEGIN { exit !(o >= q) }'; then
    disturbed+="$1 ($2 cores); "
  fi
}

declare -A figures
# measure <name> <jsonl file> <json keys to keep> <load tool args...>: one run.
measure() {
  local name="$1" file="$2" keys="$3" line key
  shift 3
  wait_quiet "$name"
  load "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; die "the load tool failed ($name)"; }
  line="$(grep '^{' "$work/out" | head -n 1)"
  printf '%s\n' "$line" >>"$results/$file"
  grep -v '^{' "$work/out" | sed "s/^/[$name] /" | tee -a "$results/summary.txt"
  for key in $keys otherCpuCores machineCpuCores loadCpuCores gatewayCpuCores failed; do
    figures[$name.$key]+="$(json_num "$line" "$key") "
  done
  note_disturbed "$name" "$(json_num "$line" otherCpuCores)"
}

# ---- machine -----------------------------------------------------------------------------------
say "clawgate /mcp suite, run $run_id"
say "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo),"\
" $(uname -sr); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
say "jdk: $("$java" -version 2>&1 | head -n 1)"
say "gateway: cli/target/clawgate.jar built $(date -u -r "$gateway_jar" +%Y-%m-%dT%H:%M:%SZ),"\
" sha256 $(sha256sum "$work/clawgate.jar" | cut -c1-12); git HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"\
" with $(git -C "$root" status --porcelain 2>/dev/null | wc -l) changed or new paths in the working tree"
say "gateway JVM flags (./clawgate): ${gateway_flags[*]}"
say "load tool JVM flags: ${load_flags[*]}"
say ""

# ---- seed and configure --------------------------------------------------------------------------
state="$work/state"
mkdir -m 700 "$state"
load seed --state-dir "$state" --sessions "$SEED_SESSIONS" --messages "$SEED_MESSAGES" \
  >"$work/seed.out" 2>"$work/err" || { cat "$work/err" >&2; die "seeding failed"; }
grep '^{' "$work/seed.out" >"$results/seed.json"
grep -v '^{' "$work/seed.out" | tee -a "$results/summary.txt"
port="$(pick_port)"
old_umask="$(umask)"
umask 077
cat >"$state/clawgate.json" <<EOF
{
  "gateway": {"port": $port, "auth": {"mode": "token", "token": "$gateway_token"}},
  "channels": {"webhook": {"main": {"secret": "$hook_secret", "dmPolicy": "open"}}}
}
EOF
# The bearer of every /mcp request: a static token, made on the state dir before the gateway runs.
"$java" -jar "$work/clawgate.jar" tokens create --state-dir "$state" --name bench \
  --scope operator.read --json >"$work/token.json" 2>"$work/err" \
  || { cat "$work/err" >&2; die "clawgate tokens create failed"; }
sed -n 's/.*"token" *: *"\([^"]*\)".*/\1/p' "$work/token.json" | head -n 1 >"$work/bearer"
[ -s "$work/bearer" ] || die "no token in the output of clawgate tokens create"
umask "$old_umask"

# ---- the gateway ---------------------------------------------------------------------------------
"$java" "${gateway_flags[@]}" -jar "$work/clawgate.jar" gateway run --state-dir "$state" \
  >"$work/gateway.log" 2>&1 &
gw_pid=$!
started_pids+=("$gw_pid")
wait_accepting "$port"
sleep 3
say "gateway started (auth mode token, static bearer token, port $port) on $SEED_SESSIONS seeded conversations x $SEED_MESSAGES messages; VmRSS $(rss_mb "$gw_pid") MB"
say ""
url="http://127.0.0.1:$port/mcp"
common=(mcp-http --url "$url" --gateway-pid "$gw_pid" --bearer-file "$work/bearer")

# ---- 1: tools/call conversations_list ------------------------------------------------------------
for r in $(seq 1 "$MCP_REPEAT"); do
  measure calls calls.jsonl "callsPerS latencyP50Ms latencyP90Ms latencyP99Ms gatewayCpuPerCallUs loadCpuPerCallUs conversationsMin firstAnswersChecked" \
    "${common[@]}" --mode calls --sessions "$MCP_SESSIONS" --warmup "$MCP_WARMUP" \
    --duration "$MCP_DURATION"
done
# Context, not a target: the latency of one session alone (no queueing behind 15 others).
measure calls-1 calls-1.jsonl "callsPerS latencyP50Ms latencyP90Ms latencyP99Ms gatewayCpuPerCallUs" \
  "${common[@]}" --mode calls --sessions 1 --warmup "$MCP_WARMUP" --duration "$MCP_DURATION"
if [ "$MCP_PROFILE" = 1 ]; then
  jfr="$results/gateway-calls.jfr"
  wait_quiet "profile-calls"
  if "$JAVA_HOME/bin/jcmd" "$gw_pid" JFR.start name=calls settings=profile filename="$jfr" >/dev/null; then
    load "${common[@]}" --mode calls --sessions "$MCP_SESSIONS" --warmup "$MCP_WARMUP" \
      --duration "$MCP_DURATION" >"$work/out" 2>"$work/err" || true
    "$JAVA_HOME/bin/jcmd" "$gw_pid" JFR.stop name=calls >/dev/null || true
    grep -v '^{' "$work/out" | sed "s/^/[profile calls] /" >>"$results/summary.txt"
    "$java" -cp "$work/clawgate-load.jar" dev.clawgate.benchmarks.load.JfrSummary "$jfr" 30 \
      >"$results/profile-calls.txt" 2>&1 || true
    say "profile of the gateway during an extra calls run (not counted): ${results#"$root"/}/profile-calls.txt"
  else
    say "  (JFR could not be started; no profile)"
  fi
fi
say ""

# ---- 2: held SSE streams -------------------------------------------------------------------------
sleep 2
rss_pre="$(rss_mb "$gw_pid")"
measure streams streams.jsonl "streamsOpen streamsStillOpen streamsWithKeepAlive gatewayRssMbBefore gatewayRssMbWhenOpen gatewayRssMbAfterHold extraRssMbOpen extraRssMbHeld deleted" \
  "${common[@]}" --mode streams --sessions "$MCP_STREAMS" --hold "$MCP_HOLD" \
  --ready-file "$work/ready.json"
sleep 2
say "gateway VmRSS: ${rss_pre} MB before the streams run, $(rss_mb "$gw_pid") MB 2 s after it (sessions deleted, sockets closed)"
grep -ciE 'exception|error' "$work/gateway.log" >"$work/errors" || true
say "gateway log: $(wc -l <"$work/gateway.log") lines, $(cat "$work/errors") mentioning an error or exception"
cp "$work/gateway.log" "$results/gateway.log"
stop_gateway "$gw_pid"
say ""

# ---- 2b: the same on a fresh gateway -------------------------------------------------------------
# After the calls the heap has grown, and streams may fit in memory already committed; a gateway
# that has served nothing shows what the streams themselves add.
"$java" "${gateway_flags[@]}" -jar "$work/clawgate.jar" gateway run --state-dir "$state" \
  >"$work/gateway2.log" 2>&1 &
gw_pid=$!
started_pids+=("$gw_pid")
wait_accepting "$port"
sleep 3
say "fresh gateway started for the streams alone; VmRSS $(rss_mb "$gw_pid") MB"
measure streams-fresh streams.jsonl "streamsOpen streamsStillOpen streamsWithKeepAlive gatewayRssMbBefore gatewayRssMbWhenOpen gatewayRssMbAfterHold extraRssMbOpen extraRssMbHeld deleted" \
  mcp-http --url "$url" --gateway-pid "$gw_pid" --bearer-file "$work/bearer" --mode streams \
  --sessions "$MCP_STREAMS" --hold "$MCP_HOLD"
stop_gateway "$gw_pid"
say ""

# ---- summary -------------------------------------------------------------------------------------
med() { values "${figures[$1]:-}" | median; }
rng() { values "${figures[$1]:-}" | range; }
one() { values "${figures[$1]:-}" | head -n 1; }
rate="$(med calls.callsPerS)"
p50="$(med calls.latencyP50Ms)"
streams_open="$(one streams.streamsOpen)"
still_open="$(one streams.streamsStillOpen)"
extra="$(one streams.extraRssMbHeld)"
extra_open="$(one streams.extraRssMbOpen)"
fresh_open="$(one streams-fresh.streamsOpen)"
fresh_still="$(one streams-fresh.streamsStillOpen)"
fresh_extra="$(one streams-fresh.extraRssMbHeld)"
worst_extra="$(printf '%s\n%s\n' "$extra" "$fresh_extra" | grep . | maximum)"
streams_ok=FAIL
if [ "${streams_open:-0}" = "$MCP_STREAMS" ] && [ "${still_open:-0}" = "$MCP_STREAMS" ] \
  && [ "${fresh_open:-0}" = "$MCP_STREAMS" ] && [ "${fresh_still:-0}" = "$MCP_STREAMS" ]; then
  streams_ok=PASS
fi
say "summary, run $run_id (calls: median of ${MCP_REPEAT} runs, ${MCP_WARMUP} s warm-up + ${MCP_DURATION} s each)"
say "  1. tools/call conversations_list over /mcp, ${MCP_SESSIONS} sessions x 1 in flight ($(one calls.conversationsMin) conversations per answer)"
say "     calls/s     $(printf '%9s' "$rate")  $(verdict "$rate" '>=' 2000)  (target >= 2000; runs $(rng calls.callsPerS))"
say "     p50 ms      $(printf '%9s' "$p50")  $(verdict "$p50" '<=' 5)  (target <= 5; runs $(rng calls.latencyP50Ms); p90 $(med calls.latencyP90Ms), p99 $(med calls.latencyP99Ms))"
say "     (context: 1 session alone: $(one calls-1.callsPerS) calls/s, p50 $(one calls-1.latencyP50Ms) ms, p99 $(one calls-1.latencyP99Ms) ms, gateway $(one calls-1.gatewayCpuPerCallUs) us/call)"
say "     cpu per call: gateway $(med calls.gatewayCpuPerCallUs) us, load tool $(med calls.loadCpuPerCallUs) us; cores used: gateway $(med calls.gatewayCpuCores), load tool $(med calls.loadCpuCores), other work $(rng calls.otherCpuCores), machine $(med calls.machineCpuCores); failures $(values "${figures[calls.failed]:-}" | awk '{ s += $1 } END { print s + 0 }')"
say "  2. ${MCP_STREAMS} sessions with their GET SSE stream held ${MCP_HOLD} s (target <= 300 MB extra VmRSS)"
say "     streams open ${streams_open:-?} / ${fresh_open:-?} (after the calls / fresh gateway), still open at the end ${still_open:-?} / ${fresh_still:-?}, with a keep-alive $(one streams.streamsWithKeepAlive) / $(one streams-fresh.streamsWithKeepAlive)  ${streams_ok}"
say "     extra VmRSS, larger of the two: $(printf '%6s' "$worst_extra") MB  $(verdict "$worst_extra" '<=' 300)"
say "     after the calls: +${extra} MB after the hold ($(one streams.gatewayRssMbBefore) -> $(one streams.gatewayRssMbWhenOpen) when open (+${extra_open}) -> $(one streams.gatewayRssMbAfterHold) MB)"
say "     fresh gateway:   +${fresh_extra} MB after the hold ($(one streams-fresh.gatewayRssMbBefore) -> $(one streams-fresh.gatewayRssMbWhenOpen) when open (+$(one streams-fresh.extraRssMbOpen)) -> $(one streams-fresh.gatewayRssMbAfterHold) MB)"
say "     cores during the hold: gateway $(one streams.gatewayCpuCores) / $(one streams-fresh.gatewayCpuCores), other work $(one streams.otherCpuCores) / $(one streams-fresh.otherCpuCores); failures $(one streams.failed) / $(one streams-fresh.failed); sessions deleted $(one streams.deleted) / $(one streams-fresh.deleted)"
other_max="$(for k in "${!figures[@]}"; do
  if [[ "$k" == *.otherCpuCores ]]; then values "${figures[$k]}" || true; fi
done | maximum)"
say "  other work on the machine during the measured windows: at most ${other_max:-?} cores"
if [ -n "$disturbed" ]; then
  say "  DISTURBED: other work used >= ${QUIET_CORES} cores during: $disturbed"
fi
if [ -n "$busy_waits" ]; then
  say "  NOT QUIET: measured on a busy machine before: $busy_waits"
fi
say ""
say "results kept in ${results#"$root"/}"
