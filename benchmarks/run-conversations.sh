#!/usr/bin/env bash
# Measures the conversation plane against its targets (docs/benchmarks.md, "Conversation plane"):
#   1. sessions.list calls/s on a store of 1,000 sessions and 100,000 transcript messages, pipelined
#      on 8 connections; without and with includeDerivedTitles/includeLastMessage
#   2. inbound webhook message -> session.message at 100 subscribers: per-subscriber latency, loss
#   3. transcript appends/s: over the wire (webhook posts back to back; chat.inject pipelined) and
#      in process (JMH TranscriptAppendBenchmark: ConversationService on a real SQLite file)
# The state dir is seeded in process through ConversationService (clawgate-load seed) before the
# gateway starts; the gateway then runs as a real process from the packaged jar with the JVM flags
# of the ./clawgate launcher. Before every measurement the suite waits for a quiet machine.
#
# Usage: benchmarks/run-conversations.sh [--quick] [--rebuild-gateway]
#   --quick             short runs, a smaller seed (smoke test of the suite, figures not comparable)
#   --rebuild-gateway   rebuild cli/target/clawgate.jar first (./mvnw -pl cli -am package)
# Environment (defaults in brackets): CONV_WARMUP [10] and CONV_DURATION [15] seconds per run,
# CONV_REPEAT [3] runs per measurement (the summary gives the median run), CONV_CONNECTIONS [8],
# CONV_PIPELINE [16] requests in flight per connection, SEED_SESSIONS [1000], SEED_MESSAGES [100]
# per session, FANOUT_SUBSCRIBERS [100], FANOUT_RATES ["100 200"] posts/s, FANOUT_DURATION [20],
# WEBHOOK_CONNECTIONS [8], CONV_PARTS ["list fanout wire jmh"] (which measurements to run: 1, 2,
# 3b and 3a), CONV_PROFILE [1] (one extra, uncounted sessions.list and webhook run each with a JFR
# recording of the gateway, summarised), QUIET_CORES [0.3] and QUIET_MAX_WAIT [300] seconds,
# GATEWAY_JAVA_OPTS (appended to the launcher's flags), LOAD_JAVA_OPTS [-XX:+UseSerialGC -Xmx2g]
# for the load tool.
# Results: printed, and kept in benchmarks/target/conversation-results/<time>/.
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
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) echo "run-conversations.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
if [ "$quick" = 1 ]; then
  : "${CONV_WARMUP:=2}" "${CONV_DURATION:=3}" "${CONV_REPEAT:=1}" "${SEED_MESSAGES:=10}"
  : "${FANOUT_RATES:=100}" "${FANOUT_DURATION:=3}" "${CONV_PROFILE:=0}" "${JMH_QUICK:=1}"
fi
: "${CONV_WARMUP:=10}" "${CONV_DURATION:=15}" "${CONV_REPEAT:=3}" "${CONV_CONNECTIONS:=8}"
: "${CONV_PIPELINE:=16}" "${SEED_SESSIONS:=1000}" "${SEED_MESSAGES:=100}"
: "${FANOUT_SUBSCRIBERS:=100}" "${FANOUT_RATES:=100 200}" "${FANOUT_DURATION:=20}"
: "${WEBHOOK_CONNECTIONS:=8}" "${CONV_PROFILE:=1}" "${CONV_PARTS:=list fanout wire jmh}"
: "${JMH_QUICK:=0}"
: "${QUIET_CORES:=0.3}" "${QUIET_MAX_WAIT:=300}" "${GATEWAY_JAVA_OPTS:=}"
: "${LOAD_JAVA_OPTS:=-XX:+UseSerialGC -Xmx2g}"

token="conv-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
hook_secret="hook-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
work="$(mktemp -d "${TMPDIR:-/tmp}/clawgate-conv.XXXXXX")"
run_id="$(date -u +%Y%m%dT%H%M%SZ)"
results="$root/benchmarks/target/conversation-results/$run_id"
mkdir -p "$results"
suite_name="run-conversations.sh"
required_class="dev/clawgate/gateway/conversations/SessionMethods.class"
# shellcheck source=suite-common.sh
. "$root/benchmarks/suite-common.sh"

part() { [[ " $CONV_PARTS " == *" $1 "* ]]; }

# CPU ticks (USER_HZ 100) of this shell's finished children, for the JMH runs' own use.
children_ticks() { awk '{ print $16 + $17 }' "/proc/$$/stat"; }
machine_ticks() { awk '/^cpu / { print $2+$3+$4+$7+$8+$9 }' /proc/stat; }

json_num() { sed -n "s/.*\"$2\":\(-\{0,1\}[0-9.]*\).*/\1/p" <<<"$1" | head -n 1; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
range() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo ".." hi }'; }
maximum() { sort -n | tail -n 1; }
total() { awk '{ s += $1 } END { print s + 0 }'; }
verdict() { awk -v v="$1" -v t="$3" -v op="$2" 'BEGIN { if (v == "") { print "n/a"; exit } ok = (op == ">=" ? v >= t : v <= t); print (ok ? "PASS" : "FAIL") }'; }
values() { tr ' ' '\n' <<<"$1" | grep .; }

load() { "$java" "${load_flags[@]}" -jar "$work/clawgate-load.jar" "$@"; }

declare -A figures
# measure <name> <jsonl file> <json keys to keep, space-separated> <load tool args...>: one run.
measure() {
  local name="$1" file="$2" keys="$3" line key
  shift 3
  wait_quiet "$name"
  load "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; die "the load tool failed ($name)"; }
  line="$(grep '^{' "$work/out" | head -n 1)"
  printf '%s\n' "$line" >>"$results/$file"
  grep -v '^{' "$work/out" | sed "s/^/[$name] /" | tee -a "$results/summary.txt"
  for key in $keys otherCpuCores; do
    figures[$name.$key]+="$(json_num "$line" "$key") "
  done
  note_disturbed "$name" "$(json_num "$line" otherCpuCores)"
}

# Remembers a run during which other work used QUIET_CORES or more.
note_disturbed() { # <name> <other cores>
  if awk -v o="${2:-0}" -v q="$QUIET_CORES" 'BEGIN { exit !(o >= q) }'; then
    disturbed+="$1 ($2 cores); "
  fi
}

# ---- machine -----------------------------------------------------------------------------------
say "clawgate conversation-plane suite, run $run_id"
say "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo),"\
" $(uname -sr); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
say "jdk: $("$java" -version 2>&1 | head -n 1)"
say "gateway: cli/target/clawgate.jar built $(date -u -r "$gateway_jar" +%Y-%m-%dT%H:%M:%SZ),"\
" sha256 $(sha256sum "$work/clawgate.jar" | cut -c1-12); git HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"\
" with $(git -C "$root" status --porcelain 2>/dev/null | wc -l) changed or new paths in the working tree"
# The seeder and JMH run core from this build of the load tool; the gateway from its jar. Say when
# the working tree's sources differ from HEAD, so a figure can be tied to the code it measured.
dirty_code="$(git -C "$root" status --porcelain -- core/src/main gateway/src/main protocol/src/main \
  2>/dev/null | awk '{ print $2 }' | tr '\n' ' ')"
say "uncommitted main sources in core, gateway, protocol (in the load tool's build; in the gateway jar if it was built after them): ${dirty_code:-none}"
say "gateway JVM flags (./clawgate): ${gateway_flags[*]}"
say "load tool JVM flags: ${load_flags[*]}; state dir on $(df -P "$work" | awk 'NR == 2 { print $1 }')"
say ""

# ---- seed ----------------------------------------------------------------------------------------
state="$work/state"
mkdir -m 700 "$state"
wait_quiet "seeding"
load seed --state-dir "$state" --sessions "$SEED_SESSIONS" --messages "$SEED_MESSAGES" \
  >"$work/seed.out" 2>"$work/err" || { cat "$work/err" >&2; die "seeding failed"; }
grep '^{' "$work/seed.out" >"$results/seed.json"
grep -v '^{' "$work/seed.out" | tee -a "$results/summary.txt"
old_umask="$(umask)"
umask 077
cat >"$state/clawgate.json" <<EOF
{
  "gateway": {"auth": {"mode": "token", "token": "$token"}},
  "channels": {"webhook": {"main": {"secret": "$hook_secret", "dmPolicy": "open"}}}
}
EOF
umask "$old_umask"

# ---- the gateway ---------------------------------------------------------------------------------
port="$(pick_port)"
"$java" "${gateway_flags[@]}" -jar "$work/clawgate.jar" gateway run --state-dir "$state" \
  --port "$port" >"$work/gateway.log" 2>&1 &
gw_pid=$!
started_pids+=("$gw_pid")
wait_accepting "$port"
sleep 3
say "gateway started on a store of $SEED_SESSIONS sessions x $SEED_MESSAGES messages; VmRSS $(rss_mb "$gw_pid") MB"
say ""
url="ws://127.0.0.1:$port/"
common=(--url "$url" --token "$token" --gateway-pid "$gw_pid" --warmup "$CONV_WARMUP")

# One extra run, recorded with JFR (not counted): where the gateway's time goes.
profile() { # <name> <load tool args...>
  local name="$1" jfr="$results/gateway-$1.jfr"
  shift
  wait_quiet "profile-$name"
  "$JAVA_HOME/bin/jcmd" "$gw_pid" JFR.start name="$name" settings=profile filename="$jfr" >/dev/null \
    || { say "  (JFR could not be started; no profile)"; return 0; }
  load "$@" >"$work/out" 2>"$work/err" || true
  "$JAVA_HOME/bin/jcmd" "$gw_pid" JFR.stop name="$name" >/dev/null || true
  grep -v '^{' "$work/out" | sed "s/^/[profile $name] /" >>"$results/summary.txt"
  "$java" -cp "$work/clawgate-load.jar" dev.clawgate.benchmarks.load.JfrSummary "$jfr" 30 \
    >"$results/profile-$name.txt" 2>&1 || true
  say "profile of the gateway during $name: ${results#"$root"/}/profile-$name.txt"
}

# ---- 1: sessions.list ----------------------------------------------------------------------------
if part list; then
  for include in false true; do
    for r in $(seq 1 "$CONV_REPEAT"); do
      measure "list-$include" sessions-list.jsonl "callsPerS gatewayCpuPerCallUs" sessions-list \
        "${common[@]}" --duration "$CONV_DURATION" --connections "$CONV_CONNECTIONS" \
        --pipeline "$CONV_PIPELINE" --include "$include"
    done
  done
  if [ "$CONV_PROFILE" = 1 ]; then
    profile sessions-list sessions-list "${common[@]}" --duration "$CONV_DURATION" \
      --connections "$CONV_CONNECTIONS" --pipeline "$CONV_PIPELINE" --include true
  fi
  say ""
fi

# ---- 2: fan-out to subscribers -------------------------------------------------------------------
if part fanout; then
  for rate in $FANOUT_RATES; do
    for r in $(seq 1 "$CONV_REPEAT"); do
      measure "fanout-$rate" fanout.jsonl \
        "deliveryP50Ms deliveryP99Ms deliveryMaxMs missing posted gatewayCpuPerDeliveryUs" fanout \
        "${common[@]}" --duration "$FANOUT_DURATION" --connections "$FANOUT_SUBSCRIBERS" \
        --rate "$rate" --hook-secret "$hook_secret" --sessions "$SEED_SESSIONS"
    done
  done
  say ""
fi

# ---- 3b: appends over the wire -------------------------------------------------------------------
if part wire; then
  for r in $(seq 1 "$CONV_REPEAT"); do
    measure webhook webhook.jsonl "postsPerS gatewayCpuPerPostUs" webhook "${common[@]}" \
      --duration "$CONV_DURATION" --connections "$WEBHOOK_CONNECTIONS" \
      --hook-secret "$hook_secret" --sessions "$SEED_SESSIONS"
  done
  for r in $(seq 1 "$CONV_REPEAT"); do
    measure inject inject.jsonl "callsPerS gatewayCpuPerCallUs" inject "${common[@]}" \
      --duration "$CONV_DURATION" --connections "$CONV_CONNECTIONS" --pipeline "$CONV_PIPELINE" \
      --sessions "$SEED_SESSIONS"
  done
  if [ "$CONV_PROFILE" = 1 ]; then
    profile webhook webhook "${common[@]}" --duration "$CONV_DURATION" \
      --connections "$WEBHOOK_CONNECTIONS" --hook-secret "$hook_secret" --sessions "$SEED_SESSIONS"
  fi
fi
say "gateway VmRSS after the runs: $(rss_mb "$gw_pid") MB; state.db and WAL $(du -cm "$state"/state.db* | tail -n 1 | cut -f1) MB"
stop_gateway "$gw_pid"
say ""

# ---- 3a: appends in process (JMH) ----------------------------------------------------------------
declare -A jmh jmh_other
if part jmh; then
  jmh_args=(-f 1 -wi 3 -w 2 -i 5 -r 2)
  jmh_shape="1 fork, 3 x 2 s warm-up, 5 x 2 s measured"
  if [ "$JMH_QUICK" = 1 ]; then
    jmh_args=(-f 1 -wi 1 -w 1 -i 1 -r 1 -p seededMessages=1)
    jmh_shape="quick: 1 x 1 s"
  fi
  for bench in append appendFrom8Threads receiveBatchOfOne receiveBatchOfOneFrom8Threads; do
    wait_quiet "jmh-$bench"
    ticks_before="$(children_ticks)"
    machine_before="$(machine_ticks)"
    jmh_start="$(now_ns)"
    "$java" -cp "$work/clawgate-load.jar" org.openjdk.jmh.Main \
      "TranscriptAppendBenchmark\\.$bench\$" "${jmh_args[@]}" \
      -jvmArgs "${gateway_flags[*]} -Djava.io.tmpdir=$work" \
      -rf json -rff "$results/jmh-$bench.json" >"$work/jmh.out" 2>&1 \
      || { tail -n 30 "$work/jmh.out" >&2; die "JMH failed ($bench)"; }
    # What the rest of the machine used meanwhile: all busy time minus the JMH processes' own.
    jmh_other[$bench]="$(awk -v m="$(( $(machine_ticks) - machine_before ))" \
      -v c="$(( $(children_ticks) - ticks_before ))" -v ns="$(( $(now_ns) - jmh_start ))" \
      'BEGIN { o = (m - c) / 100 / (ns / 1e9); printf "%.2f", (o < 0 ? 0 : o) }')"
    line="$(grep -E "^TranscriptAppendBenchmark\.$bench +" "$work/jmh.out" | tail -n 1)"
    say "[jmh] $line  (other work ${jmh_other[$bench]} cores)"
    note_disturbed "jmh-$bench" "${jmh_other[$bench]}"
    # Score and error are the two numbers before "ops/s".
    jmh[$bench]="$(awk '{ for (i = 1; i <= NF; i++) if ($i == "ops/s") { if ($(i-2) == "±") print $(i-3) " +- " $(i-1); else print $(i-1) } }' <<<"$line")"
  done
fi
say ""

# ---- summary -------------------------------------------------------------------------------------
med() { values "${figures[$1]:-}" | median; }
rng() { values "${figures[$1]:-}" | range; }
say "summary, run $run_id (median of ${CONV_REPEAT} runs; ${CONV_WARMUP} s warm-up + ${CONV_DURATION} s each)"
if part list; then
  list_false="$(med list-false.callsPerS)"
  list_true="$(med list-true.callsPerS)"
  say "  1. sessions.list calls/s (limit 50, ${CONV_CONNECTIONS} connections x ${CONV_PIPELINE} in flight; target >= 20000)"
  say "     plain                      $(printf '%9s' "$list_false")  $(verdict "$list_false" '>=' 20000)  runs $(rng list-false.callsPerS), gateway $(med list-false.gatewayCpuPerCallUs) us/call"
  say "     titles + last message      $(printf '%9s' "$list_true")  $(verdict "$list_true" '>=' 20000)  runs $(rng list-true.callsPerS), gateway $(med list-true.gatewayCpuPerCallUs) us/call"
fi
if part fanout; then
  say "  2. webhook -> session.message at ${FANOUT_SUBSCRIBERS} subscribers (target p99 <= 20 ms, no loss)"
  for rate in $FANOUT_RATES; do
    p99="$(med "fanout-$rate.deliveryP99Ms")"
    missing="$(values "${figures[fanout-$rate.missing]:-}" | total)"
    loss=PASS
    if [ "$missing" != 0 ]; then loss=FAIL; fi
    say "     ${rate}/s: p50 $(med "fanout-$rate.deliveryP50Ms") ms, p99 ${p99} ms (runs $(rng "fanout-$rate.deliveryP99Ms")), max $(values "${figures[fanout-$rate.deliveryMaxMs]:-}" | maximum) ms  $(verdict "$p99" '<=' 20)   missing deliveries ${missing} of $(values "${figures[fanout-$rate.posted]:-}" | total) posts x ${FANOUT_SUBSCRIBERS}  ${loss}"
  done
fi
say "  3. transcript appends/s (target >= 5000)"
if part wire; then
  webhook_rate="$(med webhook.postsPerS)"
  inject_rate="$(med inject.callsPerS)"
  say "     over the wire, webhook posts (${WEBHOOK_CONNECTIONS} connections)     $(printf '%9s' "$webhook_rate")  $(verdict "$webhook_rate" '>=' 5000)  runs $(rng webhook.postsPerS), gateway $(med webhook.gatewayCpuPerPostUs) us/post"
  say "     over the wire, chat.inject (${CONV_CONNECTIONS} x ${CONV_PIPELINE} in flight)  $(printf '%9s' "$inject_rate")  $(verdict "$inject_rate" '>=' 5000)  runs $(rng inject.callsPerS), gateway $(med inject.gatewayCpuPerCallUs) us/call"
fi
if part jmh; then
  for bench in append appendFrom8Threads receiveBatchOfOne receiveBatchOfOneFrom8Threads; do
    score="${jmh[$bench]%% *}"
    say "     in process, JMH $(printf '%-30s' "$bench") $(printf '%9s' "$score")  $(verdict "$score" '>=' 5000)  (${jmh[$bench]} ops/s; ${jmh_shape}; other work ${jmh_other[$bench]} cores)"
  done
fi
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
