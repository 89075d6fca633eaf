package ui

import (
	"fmt"
	"testing"

	"github.com/authtrace/authtrace/internal/hostile"
	"github.com/authtrace/authtrace/report"
)

// hostileReport is the recorded healthy login with provider-controlled
// text full of terminal controls.
func hostileReport(t testing.TB) report.Report {
	rep := loadFixture(t, "healthy").Report
	hostile.Fill(&rep)
	return rep
}

// TestHostileTextStaysInert walks every view and detail of a report whose
// provider-controlled text is full of terminal controls.
func TestHostileTextStaysInert(t *testing.T) {
	for _, w := range []int{80, 160} {
		m := newTestModel(t, w, 40, Options{})
		rep := hostileReport(t)
		m = update(m, doneMsg{rep: rep})
		hostile.Inert(t, "first screen", m.View().Content)
		m = update(m, press("g"))
		for i := range rep.Hops {
			hostile.Inert(t, fmt.Sprintf("%d cols, hop %d", w, i+1), m.View().Content)
			m = update(m, press("enter"))
			hostile.Inert(t, fmt.Sprintf("%d cols, hop %d detail", w, i+1), m.View().Content)
			m = update(m, press("enter"))
			m = update(m, press("j"))
		}
		for _, tab := range []string{"tokens", "findings"} {
			m = update(m, press("tab"))
			m = update(m, press("g"))
			for i := range 4 {
				hostile.Inert(t, fmt.Sprintf("%d cols, %s %d", w, tab, i+1), m.View().Content)
				if tab == "tokens" {
					m = update(m, press("enter")) // the raw token
					hostile.Inert(t, fmt.Sprintf("%d cols, %s %d raw", w, tab, i+1), m.View().Content)
					m = update(m, press("enter"))
				}
				m = update(m, press("j"))
			}
		}
		hostile.Inert(t, "summary", summary(m.rep, fmt.Errorf("engine: %s", hostile.Text), nil, nil))
	}
}
