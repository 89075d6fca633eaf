#!/usr/bin/env bash
# Renders docs/tui.png, the README's screenshot: `authtrace demo --fault
# state-suffix` in a real terminal (tmux, 110x30, truecolor), its screen
# captured with its colours and drawn by freeze (pinned, from the Go
# module proxy). Run by hand after the TUI changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v tmux >/dev/null || { echo "docs/screenshot.sh: install tmux" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'tmux kill-session -t authtrace-shot 2>/dev/null || true; rm -rf "$tmp"' EXIT
go build -o "$tmp/authtrace" ./cmd/authtrace
tmux -f /dev/null new-session -d -s authtrace-shot -x 110 -y 30 \
	"TERM=xterm-256color COLORTERM=truecolor $tmp/authtrace demo --fault state-suffix; sleep 30"
sleep 4 # the demo's login takes milliseconds; the screen settles after it
tmux capture-pane -e -p -t authtrace-shot >"$tmp/screen.ansi"
go run github.com/charmbracelet/freeze@v0.2.2 --language ansi --window --padding 10 \
	--font.size 7 --border.radius 4 -o docs/tui.png "$tmp/screen.ansi"
