package main

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestReadmeCommands: the README's Commands table has a line for every
// command, and the README shows --json and --events with jq.
func TestReadmeCommands(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	_, table, ok := strings.Cut(readme, "## Commands")
	if !ok {
		t.Fatal("README.md has no Commands section")
	}
	table, _, _ = strings.Cut(table, "\n## ")
	root := newRootCmd(nil, io.Discard, io.Discard)
	for _, c := range root.Commands() {
		if !c.IsAvailableCommand() || c.Name() == "completion" || c.Name() == "help" {
			continue
		}
		if !strings.Contains(table, "| `authtrace "+c.Name()) && !strings.Contains(table, "/ `authtrace "+c.Name()) {
			t.Errorf("the README's Commands table has no line for authtrace %s", c.Name())
		}
	}
	for _, want := range []string{"--json | jq", "--events | jq", "authtrace codes"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README.md does not show %q", want)
		}
	}
}
