#!/usr/bin/env bash
# Whole-process benchmark of `authtrace demo --json`, healthy, the demo
# provider's start-up included (issue #13's target: median under 150 ms).
# Needs hyperfine (apt-get install hyperfine).
# Usage: bash bench/demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { echo "bench/demo.sh: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/authtrace" ./cmd/authtrace
hyperfine --warmup 5 --runs 50 -N --export-json "$tmp/demo.json" "$tmp/authtrace demo --json"
sed -n 's/.*"median": *\([0-9.]*\).*/median: \1 s/p' "$tmp/demo.json"
