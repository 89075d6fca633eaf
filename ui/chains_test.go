package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// chainsModel is the chains fixture at a size, on the Hops tab.
func chainsModel(t *testing.T, w, h int) model {
	t.Helper()
	return toTab(play(newTestModel(t, w, h, Options{}), chainsScenario(t)), tabHops)
}

// TestChainsSideBySide: 120 and 160 columns put the chains side by side,
// each headed by its name, redirect URI and answers; 80 columns stacks
// them; every hop shows at each size.
func TestChainsSideBySide(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		side bool
	}{{80, 24, false}, {120, 36, true}, {160, 48, true}} {
		t.Run(fmt.Sprintf("%dx%d", tc.w, tc.h), func(t *testing.T) {
			out := screen(chainsModel(t, tc.w, tc.h))
			var plat, loop = -1, -1
			for i, l := range strings.Split(out, "\n") {
				if strings.Contains(l, "platform · https://global.consent.azure-apim.net") {
					plat = i
				}
				if strings.Contains(l, "loopback · http://127.0.0.1:53682/callback") {
					loop = i
				}
			}
			if plat < 0 || loop < 0 {
				t.Fatalf("a chain's heading is missing (platform line %d, loopback line %d):\n%s", plat, loop, out)
			}
			if got := plat == loop; got != tc.side {
				t.Errorf("side by side %v, want %v (platform heading on line %d, loopback on %d):\n%s", got, tc.side, plat, loop, out)
			}
			for _, want := range []string{"1 sent", "2 pre  400 err", "3 sent", "4 pre  200 auth", "refused by the provider at hop 2", "accepted"} {
				if !strings.Contains(out, want) {
					t.Errorf("%q not shown:\n%s", want, out)
				}
			}
		})
	}
}

// TestChainsSelection: keys move through both chains' hops in order,
// the detail compares each hop with its own chain's authorize request,
// and a click on a hop in either column selects it.
func TestChainsSelection(t *testing.T) {
	for _, sz := range goldenSizes {
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := chainsModel(t, sz[0], sz[1])
			sel := func() int { h, _ := hopsOf(m).selected(m.ctx()); return h.N }
			if got := sel(); got != 2 {
				t.Fatalf("opened on hop %d, want 2 (the refused one)", got)
			}
			m = update(m, press("j"))
			m = update(m, press("j"))
			if got := sel(); got != 4 {
				t.Fatalf("after j j: hop %d, want 4", got)
			}
			// Hop 4 carries the loopback redirect URI, which is what its
			// chain sent: the same, not "differs" from the platform's.
			detail := ansi.Strip(strings.Join(hopsOf(m).lines, "\n"))
			if !strings.Contains(detail, "loopback chain") || !regexpLine(detail, "redirect_uri", "✓ same") {
				t.Errorf("hop 4's comparison is not with its own chain's request:\n%s", detail)
			}
			for _, target := range []int{1, 4, 3, 2} {
				x, y, ok := findCell(screen(m), fmt.Sprintf("%4d ", target))
				if !ok {
					t.Fatalf("hop %d not on the screen:\n%s", target, screen(m))
				}
				m = update(m, tea.MouseClickMsg{Button: tea.MouseLeft, X: x, Y: y})
				if got := sel(); got != target {
					t.Errorf("click at (%d, %d) on hop %d selected hop %d", x, y, target, got)
				}
			}
			// Zoom: the list alone still has both chains, the detail
			// alone the selected hop.
			m = update(m, press("z"))
			if out := screen(m); !strings.Contains(out, "platform ·") || !strings.Contains(out, "loopback ·") {
				t.Errorf("zoomed on the list, a chain is missing:\n%s", out)
			}
			m = update(m, press("z"))
			if out := screen(m); !strings.Contains(out, "hop 2 · preflight") || strings.Contains(out, "loopback ·") {
				t.Errorf("zoomed on the detail, it does not show hop 2 alone:\n%s", out)
			}
		})
	}
}

// findCell is where s starts on the screen, in cells.
func findCell(out, s string) (x, y int, ok bool) {
	for y, l := range strings.Split(out, "\n") {
		if y <= headerRows {
			continue
		}
		if i := strings.Index(l, s); i >= 0 {
			return ansi.StringWidth(l[:i]) + 2, y, true
		}
	}
	return 0, 0, false
}

// regexpLine says whether a line starting with name holds want.
func regexpLine(text, name, want string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, name) && strings.Contains(l, want) {
			return true
		}
	}
	return false
}

// TestChainsSummary: the summary after the screen says each chain's
// redirect_uri answer, platform first.
func TestChainsSummary(t *testing.T) {
	got := summary(loadFixture(t, chainsName).Report, nil, nil, nil)
	plat := strings.Index(got, "✗ with the platform's redirect URI: redirect_uri refused by the provider at hop 2")
	loop := strings.Index(got, "✓ with the loopback redirect URI: redirect_uri accepted")
	if plat < 0 || loop < plat {
		t.Errorf("summary does not say both chains' answers, platform first:\n%s", got)
	}
}

// FuzzChainList: a chain's redirect URI and its hops' URLs come from a
// connector file and a provider; at any size the chain list must not
// panic, and every line must fit the terminal.
func FuzzChainList(f *testing.F) {
	f.Add(platformRedirect, entraAuthorize+"?x=1", "platform", 80, 24)
	f.Add("", "", "", 20, 5)
	f.Add("\x1b[31mhttps://x/", "::", "日本語", 113, 30)
	f.Add("https://a", "https://b/c", "loopback", 112, 12)
	f.Fuzz(func(t *testing.T, redirect, rawURL, name string, w, h int) {
		if w < 20 || w > 300 || h < 8 || h > 100 {
			return
		}
		rep := loadFixture(t, chainsName).Report
		rep.Chains[0].RedirectURI = redirect
		rep.Hops[1].URL = rawURL
		rep.Hops[3].Chain = name // in a chain, the other one, or none
		m := toTab(play(newTestModel(t, w, h, Options{}), scenario{name: "fuzz", done: &doneMsg{rep: rep}}), tabHops)
		for _, k := range []string{"j", "z", "k", "z", "z", "G"} {
			m = update(m, press(k))
			out := screen(m)
			for i, l := range strings.Split(out, "\n") {
				if lw := ansi.StringWidth(l); lw > w {
					t.Fatalf("after %s: line %d is %d cells, terminal %d: %q", k, i, lw, w, l)
				}
			}
			if n := strings.Count(out, "\n"); n != h {
				t.Fatalf("after %s: %d lines, terminal %d", k, n, h)
			}
		}
	})
}
