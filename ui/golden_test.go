package ui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden views in testdata/")

// screen is the view as a person would read it: ANSI stripped, trailing
// blanks trimmed from each line.
func screen(m model) string {
	lines := strings.Split(ansi.Strip(m.View().Content), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./ui -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s: view differs from the golden file (-want +got):\n%s\ngot:\n%s", name, diff, got)
	}
}

// TestGoldenViews renders each scenario at 80x24 (stacked panes) and
// 160x48 (side by side), on each of the three views.
func TestGoldenViews(t *testing.T) {
	sizes := [][2]int{{80, 24}, {160, 48}}
	for _, sc := range scenarios() {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s-%dx%d", sc.name, sz[0], sz[1]), func(t *testing.T) {
				m := play(newTestModel(sz[0], sz[1], Options{}), sc)
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
				golden(t, base+"-hops", screen(m))
				m = update(m, press("tab"))
				golden(t, base+"-tokens", screen(m))
				m = update(m, press("tab"))
				golden(t, base+"-findings", screen(m))
			})
		}
	}
}

// TestGoldenSelectedHop shows the comparison at the callback, where the
// suffixed state came back.
func TestGoldenSelectedHop(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		m := play(newTestModel(sz[0], sz[1], Options{}), scenarios()[2])
		m = update(m, press("j"))
		m = update(m, press("j"))
		if h, _ := m.hops.selected(&m); h.N != 5 {
			t.Fatalf("selected hop %d, want 5", h.N)
		}
		golden(t, fmt.Sprintf("state-suffix-callback-%dx%d", sz[0], sz[1]), screen(m))
	}
}

func TestGoldenSetup(t *testing.T) {
	m := newTestModel(80, 24, Options{Setup: true})
	for _, r := range "ftp://x" {
		m = update(m, press(string(r)))
	}
	golden(t, "setup-80x24", screen(m))
}
