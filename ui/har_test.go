package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/report"
)

// A HAR file's report is shown as a login's, its header saying what was
// read and the summary after the screen how each attempt ended.
func TestHARReport(t *testing.T) {
	rep := loadFixture(t, chainsName).Report
	rep.Command = "har"
	rep.HAR = &report.HARSource{File: "customer.har", Entries: 412}
	for i := range rep.Chains {
		rep.Chains[i].Name = []string{"attempt 1", "attempt 2"}[i%2]
	}
	for i := range rep.Hops {
		if rep.Hops[i].Chain != "" {
			rep.Hops[i].Chain = rep.Chains[0].Name
		}
	}
	m := play(newTestModel(t, 100, 30, Options{Command: "har"}), scenario{name: "har", done: &doneMsg{rep: rep}})
	if out := screen(m); !strings.Contains(out, "HAR file read: 412 entries") || strings.Contains(out, "login finished") {
		t.Errorf("header:\n%s", out[:min(len(out), 400)])
	}
	sum := summary(rep, nil, nil, nil)
	if !strings.Contains(sum, "customer.har read:") || !strings.Contains(sum, "attempt 1: ") {
		t.Errorf("summary:\n%s", sum)
	}
}

// With OpenHAR, the setup form has a HAR file field: filled in, the form
// needs nothing else, and the file's report is shown as a login's.
func TestSetupOpensHAR(t *testing.T) {
	path := filepath.Join(t.TempDir(), "customer.har")
	if err := os.WriteFile(path, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := loadFixture(t, chainsName).Report
	rep.HAR = &report.HARSource{File: path, Entries: 9}
	var got string
	m := newTestModel(t, 100, 30, Options{Setup: true, OpenHAR: func(_ context.Context, p string) (report.Report, error) {
		got = p
		return rep, nil
	}})
	if !strings.Contains(screen(m), "HAR file") {
		t.Fatalf("no HAR field:\n%s", screen(m))
	}
	m = update(m, press("shift+tab"))
	for _, r := range filepath.Join(filepath.Dir(path), "nope.har") {
		m = update(m, press(string(r)))
	}
	if !strings.Contains(screen(m), "no such file") {
		t.Errorf("a missing file is not said:\n%s", screen(m))
	}
	m.setup.fields[m.setup.har].input.SetValue(path)
	next, cmd := m.Update(press("enter"))
	m = next.(model)
	if m.state != stateRunning || m.opts.Command != "har" {
		t.Fatalf("state %v, command %q after enter", m.state, m.opts.Command)
	}
	// The engine's command is the first of the batch's first batch.
	outer := cmd().(tea.BatchMsg)
	inner := outer[0]().(tea.BatchMsg)
	go inner[0]()
	for {
		msg := m.run.listen()()
		m = update(m, msg)
		if _, ok := msg.(doneMsg); ok {
			break
		}
	}
	if got != path || m.state != stateDone || !strings.Contains(screen(m), "HAR file read: 9 entries") {
		t.Errorf("opened %q, state %v:\n%s", got, m.state, screen(m))
	}
}

// A HAR file's name as people paste it: dragged in (quoted), from a
// browser's address bar, under ~/.
func TestFilePath(t *testing.T) {
	home, _ := os.UserHomeDir()
	for in, want := range map[string]string{
		`"/tmp/a b.har"`:        "/tmp/a b.har",
		"'/tmp/x.har' ":         "/tmp/x.har",
		"file:///tmp/x.har":     "/tmp/x.har",
		"~/Downloads/x.har":     filepath.Join(home, "Downloads/x.har"),
		"customer.har":          "customer.har",
		"file:///tmp/a%20b.har": "/tmp/a b.har",
	} {
		if got := filePath(in); got != want {
			t.Errorf("filePath(%q) = %q, want %q", in, got, want)
		}
	}
}
