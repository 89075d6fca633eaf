#!/usr/bin/env bash
# Whole-process benchmarks (hyperfine, from apt):
#  1. `authtrace trace` following a 6-hop loopback chain vs `curl -sL`
#     following the same chain (target: within 1.3x);
#  2. `authtrace version` start-up (target: under 10 ms).
# Usage: bash bench/trace.sh   (prints hyperfine's tables)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { echo "bench/trace.sh: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'kill "$server" 2>/dev/null; rm -rf "$tmp"' EXIT
go build -o "$tmp/authtrace" ./cmd/authtrace
go build -o "$tmp/chainserver" ./bench/chainserver
"$tmp/chainserver" -hops 6 >"$tmp/url" &
server=$!
for _ in $(seq 50); do [ -s "$tmp/url" ] && break; sleep 0.1; done
url=$(cat "$tmp/url")
query='response_type=code&client_id=app&redirect_uri=http%3A%2F%2F127.0.0.1%3A53682%2Fcallback&state=abc'
hyperfine --warmup 20 --runs 200 -N \
	"curl -sL -o /dev/null $url?$query" \
	"$tmp/authtrace trace --authorize-url $url --client-id app --redirect-uri http://127.0.0.1:53682/callback --state abc --json"
hyperfine --warmup 20 --runs 300 -N "$tmp/authtrace version"
