#!/usr/bin/env python3
"""Measures `clawgate mcp serve` as an MCP client meets it (docs/benchmarks.md, "MCP bridge").

  1. spawn -> `initialize` answer, and spawn -> first `conversations_list` result, over RUNS fresh
     processes started through the ./clawgate launcher (as a client's config would start it);
  2. `conversations_list` round trip once connected (p50, p99 over CALLS sequential calls);
  3. resident memory (VmRSS) of the `mcp serve` process after those calls.

The gateway runs from the same launcher on a temporary state dir with a webhook account, seeded
with SESSIONS conversations through signed webhook posts, so the list has real rows to return.
Usage: benchmarks/run-mcp-serve.py [--runs N] [--calls N] [--sessions N]
Results are printed and kept in benchmarks/target/mcp-serve-results/<time>/summary.txt.
"""

import argparse
import hashlib
import hmac
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(ROOT, "clawgate")
SECRET = "bench-hook-secret-0123456789abcdef"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_hook(port, body):
    ts = str(int(time.time()))
    data = body.encode()
    sig = hmac.new(SECRET.encode(), (ts + ".").encode() + data, hashlib.sha256).hexdigest()
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/hooks/main", data=data, method="POST",
        headers={"Content-Type": "application/json", "X-Clawgate-Timestamp": ts,
                 "X-Clawgate-Signature": "v1=" + sig})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200, resp.read()


class Bridge:
    """One `clawgate mcp serve` process, spoken to over pipes."""

    def __init__(self, state_dir):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [LAUNCHER, "mcp", "serve", "--state-dir", state_dir],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next_id = 0

    def send(self, method, params):
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params}
        self.proc.stdin.write((json.dumps(msg) + "\n").encode())
        self.proc.stdin.flush()
        return self.next_id

    def answer(self, wanted):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("mcp serve exited: " + self.proc.stderr.read().decode())
            msg = json.loads(line)
            if msg.get("id") == wanted:
                return msg

    def call(self, method, params):
        return self.answer(self.send(method, params))

    def memory(self):
        """VmRSS and its parts (anonymous: heap, stacks, JIT; file: the jar and start-up cache)."""
        fields = {}
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
                    fields[key] = int(value.split()[0]) / 1024
        return fields

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=20)


INIT = {"protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "bench", "version": "1"}}
LIST = {"name": "conversations_list", "arguments": {}}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=50)
    args = ap.parse_args()

    run_id = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    results = os.path.join(ROOT, "benchmarks", "target", "mcp-serve-results", run_id)
    os.makedirs(results, exist_ok=True)
    summary = open(os.path.join(results, "summary.txt"), "w")

    def say(text):
        print(text)
        summary.write(text + "\n")
        summary.flush()

    # The launcher builds the jar and trains its start-up cache when needed; do that first, untimed.
    subprocess.run([LAUNCHER, "--version"], check=True, stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="clawgate-mcp-bench.")
    port = free_port()
    with open(os.path.join(work, "clawgate.json"), "w") as f:
        json.dump({"gateway": {"port": port, "auth": {"mode": "token",
                                                      "token": "bench-" + os.urandom(12).hex()}},
                   "channels": {"webhook": {"main": {"secret": SECRET, "dmPolicy": "open"}}}}, f)
    gateway = subprocess.Popen([LAUNCHER, "gateway", "run", "--state-dir", work],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                if time.time() > deadline:
                    raise RuntimeError("the gateway did not start")
                time.sleep(0.1)
        for i in range(args.sessions):
            post_hook(port, json.dumps({"id": f"e{i}", "from": {"id": f"peer-{i:04d}"},
                                        "text": f"message number {i} from a seeded chat"}))
        say(f"clawgate mcp serve benchmark, run {run_id}; git {git_head()}")
        say(f"gateway on 127.0.0.1:{port} with {args.sessions} webhook conversations; "
            f"{os.cpu_count()} cores")

        init_ms, first_list_ms = [], []
        # One untimed run: the first pairs the bridge's device (silently, on loopback).
        warm = Bridge(work)
        warm.call("initialize", INIT)
        assert "error" not in warm.call("tools/call", LIST)
        warm.close()
        for _ in range(args.runs):
            b = Bridge(work)
            b.call("initialize", INIT)
            init_ms.append((time.perf_counter() - b.started) * 1000)
            b.proc.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
            b.proc.stdin.flush()
            res = b.call("tools/call", LIST)
            first_list_ms.append((time.perf_counter() - b.started) * 1000)
            conv = res["result"]["structuredContent"]["conversations"]
            assert not res["result"].get("isError") and len(conv) == min(args.sessions, 50), res
            b.close()
        say(f"spawn -> initialize answer, ms ({args.runs} runs): median "
            f"{statistics.median(init_ms):.0f}, min {min(init_ms):.0f}, max {max(init_ms):.0f}  "
            f"(target <= 400)")
        say(f"spawn -> first conversations_list result, ms: median "
            f"{statistics.median(first_list_ms):.0f}, min {min(first_list_ms):.0f}, "
            f"max {max(first_list_ms):.0f}  (target <= 800)")

        b = Bridge(work)
        b.call("initialize", INIT)
        rtt = []
        for i in range(args.calls + 500):
            t = time.perf_counter()
            res = b.call("tools/call", LIST)
            if i >= 500:
                rtt.append((time.perf_counter() - t) * 1000)
            assert not res["result"].get("isError")
        rtt.sort()
        say(f"conversations_list round trip, ms ({args.calls} calls after 500 warm-up, "
            f"{min(args.sessions, 50)} rows each): p50 {rtt[len(rtt) // 2]:.2f}, "
            f"p90 {rtt[int(len(rtt) * 0.9)]:.2f}, p99 {rtt[int(len(rtt) * 0.99)]:.2f}  "
            f"(target p50 <= 2)")
        mem = b.memory()
        say(f"resident memory of mcp serve after the calls: VmRSS {mem['VmRSS']:.1f} MB "
            f"(anonymous {mem['RssAnon']:.1f}, file-backed {mem['RssFile']:.1f})  (target <= 80)")
        b.close()
    finally:
        gateway.terminate()
        gateway.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    say(f"results kept in {results}")


def git_head():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
