#!/usr/bin/env bash
# Whole-process benchmark of `authtrace connector check DIR` over a folder
# of 250 connector folders (target: under 2 s), generated from the
# connector package's fixtures (every provider, templates, parameter sets),
# each with a swagger, so reading is what a cloned connector repository
# costs. Usage: bash bench/connectors.sh   (prints hyperfine's table)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { echo "bench/connectors.sh: install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/authtrace" ./cmd/authtrace
fixtures=()
for d in connector/testdata/*/; do
	case "$d" in *malformed*) continue ;; esac
	fixtures+=("$d")
done
# A swagger of some size, as real connectors have (many operations).
{
	printf '{"swagger":"2.0","info":{"title":"Bench API","version":"1.0"},"host":"api.example.com","basePath":"/v1","schemes":["https"],"paths":{'
	for i in $(seq 200); do
		[ "$i" -gt 1 ] && printf ','
		printf '"/items%d":{"get":{"operationId":"GetItems%d","summary":"Get items %d","parameters":[{"name":"top","in":"query","type":"integer"}],"responses":{"200":{"description":"OK"}}}}' "$i" "$i" "$i"
	done
	printf '}}'
} >"$tmp/swagger.json"
for i in $(seq 250); do
	src=${fixtures[$((i % ${#fixtures[@]}))]}
	dst="$tmp/repo/certified-connectors/Bench $i"
	mkdir -p "$dst"
	cp "$src/apiProperties.json" "$dst/"
	cp "$tmp/swagger.json" "$dst/apiDefinition.swagger.json"
done
n=$(find "$tmp/repo" -name apiProperties.json | wc -l)
echo "connectors: $n, $(du -sh "$tmp/repo" | cut -f1)"
# Exit 1 (error findings) is expected: -i.
hyperfine --warmup 3 --runs 20 -N -i \
	"$tmp/authtrace connector check $tmp/repo" \
	"$tmp/authtrace connector check --json $tmp/repo"
