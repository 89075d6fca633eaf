package ui

import (
	"strings"
	"testing"

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
