#!/usr/bin/env bash
# Times short commands through the packaged launcher, as a user runs them, against a real local
# gateway (docs/benchmarks.md, "CLI start-up"; docs/decisions/0007-cli-startup.md):
#   ./clawgate --version                                   start-up alone, no gateway
#   ./clawgate health --url ws://127.0.0.1:P --token-file F      connect, handshake, one call
#   ./clawgate devices list --url ws://127.0.0.1:P --token-file F
# each with the start-up cache (the default) and without it (CLAWGATE_AOT=off). Wall clock per run,
# from just before the launcher is spawned until it has exited; runs of all six rounds interleave.
# The gateway is started with ./clawgate gateway run on a fresh state dir and a free port.
#
# Usage: benchmarks/run-cli.sh [--runs N] [--quick]
#   --runs N   runs per command and mode (default 20)
#   --quick    3 runs each (smoke test, figures not comparable)
# Environment: QUIET_CORES [0.3] and QUIET_MAX_WAIT [120] seconds: wait until the rest of the
# machine uses fewer cores than that before measuring.
# Results: printed, and kept in benchmarks/target/cli-results/<time>/ (summary.txt, runs.csv).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=../.mvn/find-jdk.sh
. "$root/.mvn/find-jdk.sh"
launcher="$root/clawgate"
jar="$root/cli/target/clawgate.jar"

runs=20
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --quick) runs=3; shift ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run-cli.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${QUIET_CORES:=0.3}" "${QUIET_MAX_WAIT:=120}"

work="$(mktemp -d "${TMPDIR:-/tmp}/clawgate-cli.XXXXXX")"
results="$root/benchmarks/target/cli-results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
gw_pid=""

cleanup() {
  if [ -n "$gw_pid" ] && kill -0 "$gw_pid" 2>/dev/null; then
    kill -TERM "$gw_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$gw_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$gw_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" | tee -a "$results/summary.txt"; }
die() { echo "run-cli.sh: $*" >&2; exit 1; }

# Microseconds since the epoch, without spawning a process (bash 5).
now_us() { local t="$EPOCHREALTIME"; echo "${t/./}"; }

pick_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 10000))
    if ! { exec 4<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then echo "$port"; return 0; fi
    exec 4<&- 4>&-
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

# Busy cores of the whole machine over 1 s (from /proc/stat; USER_HZ 100).
busy_cores() {
  local a b
  a="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9 }' /proc/stat)"
  sleep 1
  b="$(awk '/^cpu / { print $2+$3+$4+$7+$8+$9 }' /proc/stat)"
  awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b - a) / 100 }'
}

# Waits (up to QUIET_MAX_WAIT s) until the machine uses < QUIET_CORES cores; prints what it saw.
wait_quiet() {
  local busy waited=0
  while :; do
    busy="$(busy_cores)"
    if awk -v b="$busy" -v q="$QUIET_CORES" 'BEGIN { exit !(b < q) }'; then echo "$busy"; return 0; fi
    if [ "$waited" -ge "$QUIET_MAX_WAIT" ]; then echo "$busy (busy; measured anyway)"; return 0; fi
    echo "  waiting for a quiet machine (${busy} cores busy) ..." >&2
    sleep 4
    waited=$((waited + 5))
  done
}

# <values...>: "min median p90 max" (nearest rank for p90).
stats() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END {
    n = NR; m = (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
    r = int(0.9 * n); if (r < 0.9 * n) r++; if (r < 1) r = 1
    printf "%d %d %d %d", v[1], m, v[r], v[n] }'
}

# ---- the jar and the cache are made now, not during a timed run -------------------------------
"$launcher" --version >/dev/null || die "./clawgate --version failed"
[ -f "$root/cli/target/clawgate.aot" ] || die "./clawgate made no start-up cache; see cli/target/clawgate.aot.log"
jar_stamp="$(stat -c %Y.%s "$jar")"
# How long preparing the cache takes (what the launcher runs once per build), into a scratch file.
t0="$(now_us)"
CLAWGATE_AOT_OUTPUT="$work/train.aot" "$launcher" internal aot-train >"$work/train.log" 2>&1 \
  || die "the training run failed; see its output: $(tail -n 3 "$work/train.log")"
train_ms=$(( ($(now_us) - t0) / 1000 ))

say "clawgate CLI start-up, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo),"\
" $(uname -sr); $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
say "jdk: $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
say "jar: cli/target/clawgate.jar built $(date -u -r "$jar" +%Y-%m-%dT%H:%M:%SZ), sha256"\
" $(sha256sum "$jar" | cut -c1-12); git HEAD $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
say "launcher: $(grep '^exec ' "$launcher")"
say "start-up cache: cli/target/clawgate.aot, $(( $(stat -c %s "$root/cli/target/clawgate.aot") / 1048576 )) MB;"\
" preparing it (the training run) took ${train_ms} ms"

# ---- the gateway -------------------------------------------------------------------------------
token="cli-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
umask 077
printf '%s\n' "$token" >"$work/token"
port="$(pick_port)"
CLAWGATE_GATEWAY_TOKEN="$token" "$launcher" gateway run --state-dir "$work/state" --port "$port" \
  >"$work/gateway.log" 2>&1 &
gw_pid=$!
deadline=$(( $(now_us) + 30000000 ))
until healthz_ok "$port"; do
  kill -0 "$gw_pid" 2>/dev/null || die "the gateway exited: $(tail -n 5 "$work/gateway.log")"
  [ "$(now_us)" -lt "$deadline" ] || die "the gateway did not answer /healthz within 30 s"
  sleep 0.05
done
url="ws://127.0.0.1:$port"
say "gateway: ./clawgate gateway run on $url (pid $gw_pid), fresh state dir, token auth"

# ---- the measurement ---------------------------------------------------------------------------
names=("--version" "health" "devices list")
commands=("--version" "health --url $url --token-file $work/token"
  "devices list --url $url --token-file $work/token")
modes=(on off)
declare -A times
# One warm-up run of each, untimed: the first run after a build also pays for page-cache misses.
for mode in "${modes[@]}"; do
  for i in "${!commands[@]}"; do
    # shellcheck disable=SC2086
    CLAWGATE_AOT="$mode" "$launcher" ${commands[$i]} >/dev/null 2>&1 \
      || die "./clawgate ${commands[$i]} failed (CLAWGATE_AOT=$mode)"
  done
done
quiet="$(wait_quiet)"
say "other work on the machine before measuring: $quiet cores; $runs runs per row, interleaved"
echo "command,cache,run,ms" >"$results/runs.csv"
for run in $(seq 1 "$runs"); do
  for mode in "${modes[@]}"; do
    for i in "${!commands[@]}"; do
      t0="$(now_us)"
      # shellcheck disable=SC2086
      CLAWGATE_AOT="$mode" "$launcher" ${commands[$i]} >"$work/out" 2>"$work/err" \
        || die "./clawgate ${commands[$i]} failed (CLAWGATE_AOT=$mode): $(cat "$work/err")"
      ms=$(( ($(now_us) - t0) / 1000 ))
      if grep -q -e 'building the runnable jar' -e 'preparing the start-up cache' "$work/err" \
        || [ "$(stat -c %Y.%s "$jar")" != "$jar_stamp" ]; then
        die "the jar was rebuilt during the measurement (sources changed); run again on a quiet tree"
      fi
      times["${names[$i]}/$mode"]+="$ms "
      echo "${names[$i]},$mode,$run,$ms" >>"$results/runs.csv"
    done
  done
done
say "other work on the machine after measuring: $(QUIET_MAX_WAIT=0 wait_quiet) cores"
say ""
say "$(printf '%-16s %-6s %6s %7s %6s %6s   (ms, wall clock of ./clawgate)' command cache min median p90 max)"
for mode in "${modes[@]}"; do
  for name in "${names[@]}"; do
    # shellcheck disable=SC2086
    read -r lo med p90 hi <<<"$(stats ${times["$name/$mode"]})"
    say "$(printf '%-16s %-6s %6s %7s %6s %6s' "$name" "$mode" "$lo" "$med" "$p90" "$hi")"
  done
done
say ""
say "results kept in ${results#"$root"/}"
