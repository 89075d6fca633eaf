package ui

import (
	"fmt"
	"maps"
	"testing"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// bigReport is a long, troubled login: the recorded healthy one's
// preflight over and over, 200 hops, and 50 findings.
func bigReport(b testing.TB) report.Report {
	r := loadFixture(b, "healthy").Report
	base := r.Hops[:4]
	r.Hops, r.Findings = nil, nil
	for i := range 200 {
		h := base[i%len(base)]
		h.N = i + 1
		h.Params = maps.Clone(h.Params)
		if h.Params == nil {
			h.Params = map[string]string{}
		}
		if i%7 == 3 {
			h.Params["state"] = testState + fmt.Sprintf(".suffix%d", i)
		}
		r.Hops = append(r.Hops, h)
	}
	for i := range 50 {
		r.Findings = append(r.Findings, report.Finding{
			Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: i*4 + 1,
			Message: fmt.Sprintf("state came back with text appended at hop %d", i*4+1),
			Hint:    "Keep state byte for byte: put the tenant in a cookie or its own parameter.",
			Detail:  map[string]string{"kind": "suffix_added"},
		})
	}
	return r
}

// BenchmarkView is View() of a finished 200-hop, 50-finding report (target:
// under 2 ms).
func BenchmarkView(b *testing.B) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		for _, t := range []tab{tabHops, tabTokens, tabFindings} {
			b.Run(fmt.Sprintf("%dx%d-%s", sz[0], sz[1], tabNames[t]), func(b *testing.B) {
				m := play(newTestModel(b, sz[0], sz[1], Options{}), scenario{done: &doneMsg{rep: bigReport(b)}})
				m.tab = t
				m = update(m, press("G")) // the last rows, the worst case for slicing
				b.ReportAllocs()
				for b.Loop() {
					_ = m.View()
				}
			})
		}
	}
}

// BenchmarkKeyPress is one key press through Update and the View after it
// (target: under 5 ms).
func BenchmarkKeyPress(b *testing.B) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		b.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(b *testing.B) {
			m := play(newTestModel(b, sz[0], sz[1], Options{}), scenario{done: &doneMsg{rep: bigReport(b)}})
			down, up := press("j"), press("k")
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				k := down
				if (i/150)%2 == 1 {
					k = up
				}
				i++
				m = update(m, k)
				_ = m.View()
			}
		})
	}
}

// BenchmarkEvent is one engine event (a hop) arriving with 200 already
// shown: it rebuilds the rows, so it is the costliest Update.
func BenchmarkEvent(b *testing.B) {
	m := play(newTestModel(b, 160, 48, Options{}), scenario{done: &doneMsg{rep: bigReport(b)}})
	h := m.rep.Hops[5]
	for b.Loop() {
		m.rep.Hops = m.rep.Hops[:200]
		m.apply(eventHop(h))
		m.rebuildViews()
		_ = m.View()
	}
}

func eventHop(h report.Hop) flow.Event {
	return flow.Event{Kind: flow.EventHop, Hop: &h}
}
