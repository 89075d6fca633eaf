package ui

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/golden"
	"github.com/authtrace/authtrace/report"
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

// goldenSizes are the terminals the goldens are drawn at: 80x24 stacks
// the panes, 120x36 and 160x48 put them side by side.
var goldenSizes = [][2]int{{80, 24}, {120, 36}, {160, 48}}

// toTab presses tab until the view shows t: a run with errors opens on
// Findings, one without on Hops.
func toTab(m model, t tab) model {
	for range tabCount {
		if m.tab == t {
			break
		}
		m = update(m, press("tab"))
	}
	return m
}

// TestGoldenViews renders each scenario at each of goldenSizes, on each of
// the three views.
func TestGoldenViews(t *testing.T) {
	sizes := goldenSizes
	for _, sc := range append(scenarios(t), oneHostScenario(t), listenFailedScenario(), chainsScenario(t)) {
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
				goldenView(t, base+"-hops", screen(toTab(m, tabHops)))
				goldenView(t, base+"-tokens", screen(toTab(m, tabTokens)))
				goldenView(t, base+"-findings", screen(toTab(m, tabFindings)))
			})
		}
	}
}

// TestGoldenSelectedHop shows the comparison at the callback, where the
// suffixed state came back.
func TestGoldenSelectedHop(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {160, 48}} {
		m := toTab(play(newTestModel(t, sz[0], sz[1], Options{}), scenarios(t)[2]), tabHops)
		m = update(m, press("g"))
		m = update(m, press("j"))
		m = update(m, press("j"))
		m = update(m, press("j"))
		m = update(m, press("j"))
		m = update(m, press("j"))
		if h, _ := hopsOf(m).selected(m.ctx()); h.N != 5 {
			t.Fatalf("selected hop %d, want 5", h.N)
		}
		goldenView(t, fmt.Sprintf("state-suffix-callback-%dx%d", sz[0], sz[1]), screen(m))
	}
}

func TestGoldenSetup(t *testing.T) {
	// As the CLI starts it: the fixed default port.
	m := newTestModel(t, 80, 24, Options{Setup: true, Config: flow.Config{Port: flow.DefaultPort}})
	for _, r := range "ftp://x" {
		m = update(m, press(string(r)))
	}
	goldenView(t, "setup-80x24", screen(m))
}

// oneHostScenario is the healthy login with every hop on 127.0.0.1: a
// tenant proxy on one port, the provider on another, the listener on a
// third, as a local setup has them. Only the ports and paths tell the
// hops apart.
func oneHostScenario(t testing.TB) scenario {
	rep := loadFixture(t, "healthy").Report
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(
		"http://idp.example.com/acme/authorize", "http://127.0.0.1:41001/t/acme/oauth2/v1/authorize",
		"http://idp.example.com/authorize", "http://127.0.0.1:41002/oauth2/default/v1/authorize",
		"http://idp.example.com/login", "http://127.0.0.1:41002/u/login/identifier",
	)
	var out report.Report
	if err := json.Unmarshal([]byte(r.Replace(string(b))), &out); err != nil {
		t.Fatal(err)
	}
	return scenario{name: "one-host", done: &doneMsg{rep: out}}
}

// TestHopsOnOneHostDiffer: hops on one host, with different ports and
// paths, read differently in the list at every size, with their port
// and their last path segment.
func TestHopsOnOneHostDiffer(t *testing.T) {
	ports := []string{"41001", "41001", "41002", "41002", "53682"}
	last := []string{"authorize", "authorize", "authorize", "identifier", "callback"}
	for _, sz := range goldenSizes {
		m := toTab(play(newTestModel(t, sz[0], sz[1], Options{}), oneHostScenario(t)), tabHops)
		rows := hopsOf(m).plain
		if len(rows) != 5 {
			t.Fatalf("%dx%d: %d rows, want 5", sz[0], sz[1], len(rows))
		}
		seen := map[string]int{}
		for i, row := range rows {
			row = strings.TrimRight(row, " ")
			port := ports[i]
			if !strings.Contains(row, ":"+port+"/") || !strings.HasSuffix(row, last[i]) {
				t.Errorf("%dx%d: hop %d reads %q, want its port %s and its last segment %q", sz[0], sz[1], i+1, row, port, last[i])
			}
			// The sent hop and the preflight of the same URL differ by
			// their source; the others by their path.
			where := row[strings.Index(row, "127.0.0.1"):]
			if j, ok := seen[where]; ok && i != 1 {
				t.Errorf("%dx%d: hops %d and %d both read %q", sz[0], sz[1], j+1, i+1, where)
			}
			seen[where] = i
		}
	}
}

// listenFailedScenario is a login that stopped before it sent anything:
// the listener's port was taken.
func listenFailedScenario() scenario {
	err := &flow.ListenError{Addr: testListen, PortInURI: true, Err: syscall.EADDRINUSE}
	return scenario{name: "listen-failed", done: &doneMsg{err: err}}
}

// chainsScenario is a trace --connector: the platform's redirect URI
// refused, the loopback one accepted, and the connector's own findings.
func chainsScenario(t testing.TB) scenario {
	return scenario{name: chainsName, done: &doneMsg{rep: loadFixture(t, chainsName).Report}}
}
