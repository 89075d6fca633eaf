#!/bin/sh
# Process-level benchmark: `authtrace decode TOKEN` against a Go hello-world
# and against `authtrace version` (the start-up floor of the authtrace
# binary itself). Needs hyperfine (apt-get install -y hyperfine).
# Run from the repository root: sh cmd/authtrace/testdata/decode/bench-process.sh
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go build -o "$dir/authtrace" ./cmd/authtrace
go build -o "$dir/hello" ./cmd/authtrace/testdata/decode/hello
# A typical Auth0 access token (RS256 header, eight claims; signature not checked).
tok=eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6InJzYTEifQ.eyJpc3MiOiJodHRwczovL3RlbmFudC5ldS5hdXRoMC5jb20vIiwic3ViIjoiYXV0aDB8NjRmMWMyIiwiYXVkIjpbImh0dHBzOi8vYXBpLmV4YW1wbGUuY29tIiwiaHR0cHM6Ly90ZW5hbnQuZXUuYXV0aDAuY29tL3VzZXJpbmZvIl0sImlhdCI6MTc5NTk1MDAwMCwiZXhwIjo0MTAyNDQ0ODAwLCJzY29wZSI6Im9wZW5pZCBwcm9maWxlIGVtYWlsIG9mZmxpbmVfYWNjZXNzIiwiYXpwIjoiWGsyYzlWcSIsImd0eSI6ImF1dGhvcml6YXRpb25fY29kZSJ9.c2lnbmF0dXJl
hyperfine -N --warmup 30 --runs "${RUNS:-500}" \
	"$dir/hello" \
	"$dir/authtrace version" \
	"$dir/authtrace decode $tok"
