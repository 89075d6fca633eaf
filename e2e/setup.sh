#!/usr/bin/env bash
# Installs what the end-to-end suite needs on a bare Debian machine, and
# nothing when it is already there: Debian's chromium (never a downloaded
# browser build) and the provider's npm packages from the lock file.
# Safe to run again; .ci/run calls it before `go test ./e2e/`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ ! -x /usr/bin/chromium ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "e2e/setup.sh: /usr/bin/chromium is missing; run as root to install it with apt" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends chromium fonts-liberation
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "e2e/setup.sh: node and npm are missing; run as root to install them with apt" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends nodejs npm
fi

# npm ci removes node_modules and reinstalls; skip it when the tree was
# installed from this very lock file (the stamp is a copy of it).
cd "$here/provider"
stamp=node_modules/.authtrace-e2e-lock
if ! cmp -s package-lock.json "$stamp" 2>/dev/null; then
	npm ci --no-audit --no-fund
	cp package-lock.json "$stamp"
fi
