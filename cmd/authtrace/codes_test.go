package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

func TestCodesCommand(t *testing.T) {
	code, out, stderr := runCLI(t, "codes")
	if code != 0 {
		t.Fatalf("codes: exit %d; stderr:\n%s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if !strings.HasPrefix(lines[0], "CODE") || len(lines) != len(report.Codes())+1 {
		t.Fatalf("codes: %d lines, want a header and %d codes:\n%s", len(lines), len(report.Codes()), out)
	}
	for i, c := range report.Codes() {
		if f := strings.Fields(lines[i+1]); len(f) < 3 || f[0] != c.Code || f[1] != string(c.Severity) || !strings.HasSuffix(lines[i+1], c.Meaning) {
			t.Errorf("line %d %q, want %s %s %s", i+2, lines[i+1], c.Code, c.Severity, c.Meaning)
		}
	}

	code, out, stderr = runCLI(t, "codes", "--json")
	if code != 0 {
		t.Fatalf("codes --json: exit %d; stderr:\n%s", code, stderr)
	}
	var got []map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("codes --json is not a JSON array of objects: %v\n%s", err, out)
	}
	if len(got) != len(report.Codes()) {
		t.Fatalf("codes --json: %d entries, want %d", len(got), len(report.Codes()))
	}
	for _, e := range got {
		if len(e) != 3 || e["code"] == "" || e["severity"] == "" || e["meaning"] == "" {
			t.Errorf("entry %v, want exactly code, severity and meaning", e)
		}
	}
}
