package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/internal/golden"
)

// screen is the view as a person would read it: ANSI stripped, trailing
// blanks trimmed from each line.
func screen(m model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

// goldenView compares a view with testdata/golden/name.txt.
func goldenView(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name+".txt"), got)
}

// TestGoldenViews renders each scenario at 80x24 (stacked panes) and
// 160x48 (side by side), on each of the three views.
func TestGoldenViews(t *testing.T) {
	sizes := [][2]int{{80, 24}, {160, 48}}
	for _, sc := range scenarios(t) {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, sz[0], sz[1]), func(t *testing.T) {
				m := play(newTestModel(t, sz[0], sz[1], Options{}), sc)
				// Each line must fit the terminal, or it wraps and
				// the layout breaks.
				for i, l := range strings.Split(screen(m), "\n") {
					if w := ansi.StringWidth(l); w > sz[0] {
						t.Errorf("line %d is %d cells wide, terminal is %d: %q", i, w, sz[0], l)
					}
				}
				if n := strings.Count(screen(m), "\n"); n != sz[1] {
					t.Errorf("view has %d lines, terminal has %d", n, sz[1])
				}
				base := fmt.Sprintf("%s-%dx%d", sc.name, sz[0], sz[1])
				goldenView(t, base+"-hops", screen(m))
				m = update(m, press("tab"))
				goldenView(t, base+"-tokens", screen(m))
				m = update(m, press("tab"))
				goldenView(t, base+"-findings", screen(m))
			})
		}
	}
}

// TestGoldenSelectedHop shows the comparison at the callback, where the
// suffixed state came back.
func TestGoldenSelectedHop(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		m := play(newTestModel(t, sz[0], sz[1], Options{}), scenarios(t)[2])
		m = update(m, press("j"))
		m = update(m, press("j"))
		if h, _ := hopsOf(m).selected(m.ctx()); h.N != 5 {
			t.Fatalf("selected hop %d, want 5", h.N)
		}
		goldenView(t, fmt.Sprintf("state-suffix-callback-%dx%d", sz[0], sz[1]), screen(m))
	}
}

func TestGoldenSetup(t *testing.T) {
	m := newTestModel(t, 80, 24, Options{Setup: true})
	for _, r := range "ftp://x" {
		m = update(m, press(string(r)))
	}
	goldenView(t, "setup-80x24", screen(m))
}
