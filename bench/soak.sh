#!/usr/bin/env bash
# Soak test (not in CI): N back-to-back logins against oidc-provider in one
# process, with the e2e browser helper (headless Chromium) signing in,
# counting failures and sampling the process's RSS, fds and goroutines.
# Needs what e2e/setup.sh installs.
# Usage: bash bench/soak.sh [N]     (default 1000; about 1 s a login)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
n=${1:-1000}
tmp=$(mktemp -d)
provider=""
cleanup() { [ -n "$provider" ] && kill "$provider" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
go build -o "$tmp/soak" ./bench/soak
go build -o "$tmp/e2e-browser" ./e2e/browser
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd e2e/provider && PORT=0 REDIRECT_URIS="http://127.0.0.1:$port/callback" exec node server.js >"$tmp/provider.out" 2>"$tmp/provider.err") &
provider=$!
for _ in $(seq 100); do grep -q '^listening ' "$tmp/provider.out" 2>/dev/null && break; sleep 0.1; done
issuer=$(sed -n 's/^listening //p' "$tmp/provider.out")
[ -n "$issuer" ] || { echo "soak: the provider did not start:" >&2; cat "$tmp/provider.err" >&2; exit 1; }
"$tmp/soak" -n "$n" -issuer "$issuer" -browser "$tmp/e2e-browser" -port "$port"
