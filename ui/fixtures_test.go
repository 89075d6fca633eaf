package ui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/golden"
	"github.com/authtrace/authtrace/report"
)

// The TUI's fixtures are logins recorded from the engine: flow.Run against
// the built-in demo provider, healthy and with some of its faults, saved as
// the events it emitted and the report it returned in testdata/fixtures.
// The goldens are drawn from them, so a change in what the engine says
// shows in the goldens: TestFixturesAreTheEngines records each login again
// and compares, and go test ./ui -update records them anew (and then
// redraws the goldens from the new recordings).
//
// What differs from run to run is made the same: the engine runs on a
// clock that ticks a quarter second a call from recordStart, the demo
// issues its tokens at issuedAt, the state is testState, and the ports,
// nonce, verifier, code, refresh tokens, signatures and durations are
// replaced by fixed values (normalise).
var recordings = []struct{ name, fault string }{
	{"healthy", "none"},
	{"state-suffix", "state-suffix"},
	{"refresh-missing", "no-refresh"},
	{"error-page", "redirect-slash"},
	{"token-not-json", "html-token"},
}

var (
	testNow     = time.Date(2026, 11, 29, 15, 0, 0, 0, time.UTC) // the TUI's clock in tests
	recordStart = testNow.Add(-20 * time.Second)
	issuedAt    = testNow.Add(-15 * time.Second)
)

const (
	testState    = "S4mqQkz1c2PnR8vJ0tWfYx7bLhGd9eAu3oKiNyTsVrE"
	demoHost     = "idp.example.com" // the demo's 127.0.0.1:port in the recordings
	testListen   = "127.0.0.1:53682" // the loopback listener's address in them
	testRedirect = "http://" + testListen + "/callback"

	// Fixed values for what the engine and the demo draw at random, of the
	// same lengths.
	fixedNonce    = "NONCE234567ABCDEFGHIJKLMNO"
	fixedVerifier = "VERIFIER234567ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDE"
	fixedCode     = "CODE234567ABCDEFGHIJKLMNOP"
	fixedRefresh1 = "REFRESH1234567ABCDEFGHIJKL"
	fixedRefresh2 = "REFRESH2234567ABCDEFGHIJKL"
	fixedLogin    = "LOGIN234567ABCDEFGHIJKLMNO"
	fixedSig      = "c2lnbmF0dXJl" // "signature"
	durationMS    = 12
)

// fixture is one recorded login.
type fixture struct {
	Events []flow.Event  `json:"events"`
	Report report.Report `json:"report"`
}

func fixturePath(name string) string {
	return filepath.Join("testdata", "fixtures", name+".json")
}

var (
	fixturesMu sync.Mutex
	fixtures   = map[string][]byte{} // name -> JSON, read or recorded once
)

// loadFixture returns a fresh copy of a recorded login (tests change
// theirs). With -update it records the login and writes the file first.
func loadFixture(t testing.TB, name string) fixture {
	t.Helper()
	fixturesMu.Lock()
	defer fixturesMu.Unlock()
	b, ok := fixtures[name]
	if !ok {
		var err error
		if golden.Update() {
			b = recordJSON(t, name)
			golden.Write(t, fixturePath(name), b)
		} else if b, err = os.ReadFile(fixturePath(name)); err != nil {
			t.Fatalf("%v (go test ./ui -update records it)", err)
		}
		fixtures[name] = b
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return f
}

// TestFixturesAreTheEngines records each login again and compares it with
// its fixture: when the engine's output changes, this fails, and -update
// records the fixtures and redraws the goldens.
func TestFixturesAreTheEngines(t *testing.T) {
	for _, name := range fixtureNames() {
		t.Run(name, func(t *testing.T) {
			if golden.Update() {
				loadFixture(t, name)
				return
			}
			golden.Check(t, fixturePath(name), string(recordJSON(t, name)))
		})
	}
}

// fixtureNames are the recorded logins and the chains fixture.
func fixtureNames() []string {
	var names []string
	for _, r := range recordings {
		names = append(names, r.name)
	}
	return append(names, chainsName)
}

// TestFixturesRebuildWithApply: the TUI builds its live report from the
// events with flow.Apply; from a recording's events it gets the recorded
// report's hops, findings, exchange, refresh and tokens.
func TestFixturesRebuildWithApply(t *testing.T) {
	for _, name := range fixtureNames() {
		f := loadFixture(t, name)
		got := f.Report
		got.Hops, got.Findings, got.Tokens, got.Exchange, got.Refresh, got.Chains = []report.Hop{}, []report.Finding{}, nil, nil, nil, nil
		for _, ev := range f.Events {
			flow.Apply(&got, ev)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(f.Report)
		if string(gb) != string(wb) {
			t.Errorf("%s: the events reduced with flow.Apply differ from the report:\n%s\n%s", name, gb, wb)
		}
	}
}

func recordJSON(t testing.TB, name string) []byte {
	t.Helper()
	var fx fixture
	if name == chainsName {
		fx = chainsFixture(t)
	} else {
		i := slices.IndexFunc(recordings, func(r struct{ name, fault string }) bool { return r.name == name })
		if i < 0 {
			t.Fatalf("no recording named %s", name)
		}
		fx = record(t, recordings[i].fault)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // URLs keep their & and the file stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(fx); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// record runs the login against the demo with the fault, as `authtrace
// demo --fault` does, and returns it normalised.
func record(t testing.TB, fault string) fixture {
	t.Helper()
	srv, err := demo.StartAt(fault, func() time.Time { return issuedAt })
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cfg := srv.Config()
	cfg.State = testState
	cfg.Timeout = 5 * time.Minute
	cfg.OpenBrowser = srv.Browse
	var ticks atomic.Int64
	cfg.Now = func() time.Time { return recordStart.Add(time.Duration(ticks.Add(1)) * 250 * time.Millisecond) }
	var f fixture
	f.Report, err = flow.Run(context.Background(), cfg, func(e flow.Event) { f.Events = append(f.Events, e) })
	if err != nil {
		t.Fatalf("demo %s: %v", fault, err)
	}
	return normalise(t, f, strings.TrimPrefix(srv.URL, "http://"), cfg.Timeout)
}

// normalise replaces what differs between two recordings of the same
// login with fixed values.
func normalise(t testing.TB, f fixture, srvAddr string, timeout time.Duration) fixture {
	t.Helper()
	rep := f.Report
	listen, _ := url.Parse(rep.Profile.RedirectURI)
	pairs := map[string]string{
		srvAddr:                             demoHost,
		url.QueryEscape(srvAddr):            demoHost,
		listen.Host:                         testListen,
		url.QueryEscape(listen.Host):        url.QueryEscape(testListen),
		rep.Profile.Nonce:                   fixedNonce,
		rep.Profile.CodeVerifier:            fixedVerifier,
		challenge(rep.Profile.CodeVerifier): challenge(fixedVerifier),
	}
	for _, h := range rep.Hops {
		if h.Role == report.RoleCallback && h.Params["code"] != "" {
			pairs[h.Params["code"]] = fixedCode
		}
	}
	var responses []*report.Response
	for _, st := range steps(&f) {
		if st.Response != nil {
			responses = append(responses, st.Response)
		}
	}
	if ex := rep.Exchange; ex != nil && ex.Response != nil && ex.Response.Fields["refresh_token"] != "" {
		pairs[ex.Response.Fields["refresh_token"]] = fixedRefresh1
	}
	if rf := rep.Refresh; rf != nil && rf.Response != nil && rf.Response.Fields["refresh_token"] != "" {
		pairs[rf.Response.Fields["refresh_token"]] = fixedRefresh2
	}
	// The provider names each login and token at random: the login page's
	// authRequestID, and a JWT's jti and its hashes of the code and the
	// access token (at_hash, c_hash).
	for _, h := range rep.Hops {
		for _, u := range []string{h.URL, h.Location} {
			if pu, err := url.Parse(u); err == nil && pu.Query().Get("authRequestID") != "" {
				pairs[pu.Query().Get("authRequestID")] = fixedLogin
			}
		}
	}
	for i, r := range responses {
		for _, k := range []string{"access_token", "id_token"} {
			for _, claim := range []string{"jti", "at_hash", "c_hash"} {
				if v := claimOf(r.Fields[k], claim); v != "" {
					pairs[v] = fmt.Sprintf("fixed-%s-%d", claim, i+1)
				}
			}
		}
	}
	delete(pairs, "")
	values := replacer(pairs)
	// A JWT is rebuilt from its header and claims with the values above
	// replaced in them, and a fixed signature.
	for _, r := range responses {
		for _, k := range []string{"access_token", "id_token"} {
			if tok := r.Fields[k]; strings.Count(tok, ".") == 2 {
				pairs[tok] = resign(t, tok, values)
			}
		}
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var out fixture
	if err := json.Unmarshal([]byte(replacer(pairs).Replace(string(b))), &out); err != nil {
		t.Fatal(err)
	}
	// The listener stamps the callback with the real clock, and the
	// deadline and the durations are real too.
	at := map[int]time.Time{}
	for i := range out.Events {
		ev := &out.Events[i]
		if ev.Hop != nil && ev.Hop.Source == report.SourceCallback {
			ev.Hop.At = ev.At
			at[ev.Hop.N] = ev.At
		}
		if !ev.Deadline.IsZero() {
			ev.Deadline = ev.At.Add(timeout)
		}
	}
	for i, h := range out.Report.Hops {
		if when, ok := at[h.N]; ok {
			out.Report.Hops[i].At = when
		}
	}
	for _, st := range steps(&out) {
		if st.Response != nil {
			st.Response.DurationMS = durationMS
		}
	}
	return out
}

// steps are every token-endpoint step of a fixture, in its events and its
// report.
func steps(f *fixture) []*report.Step {
	var out []*report.Step
	for _, ev := range f.Events {
		if ev.Step != nil {
			out = append(out, ev.Step)
		}
	}
	if ex := f.Report.Exchange; ex != nil {
		out = append(out, &ex.Step)
		for i := range ex.Attempts {
			out = append(out, &ex.Attempts[i])
		}
	}
	if rf := f.Report.Refresh; rf != nil {
		out = append(out, &rf.Step)
	}
	return out
}

// replacer replaces each key with its value, longer keys first.
func replacer(pairs map[string]string) *strings.Replacer {
	keys := make([]string, 0, len(pairs))
	for k := range pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return len(keys[i]) > len(keys[j]) || len(keys[i]) == len(keys[j]) && keys[i] < keys[j]
	})
	var args []string
	for _, k := range keys {
		args = append(args, k, pairs[k])
	}
	return strings.NewReplacer(args...)
}

// claimOf is a JWT's string claim, or "" when tok is no JWT or lacks it.
func claimOf(tok, name string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return ""
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims map[string]any
	if json.Unmarshal(b, &claims) != nil {
		return ""
	}
	v, _ := claims[name].(string)
	return v
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// resign rebuilds a JWT with values replaced in its header and claims, and
// fixedSig for a signature.
func resign(t testing.TB, tok string, values *strings.Replacer) string {
	t.Helper()
	enc := base64.RawURLEncoding
	parts := strings.Split(tok, ".")
	for i := range 2 {
		b, err := enc.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("token part %d: %v", i, err)
		}
		parts[i] = enc.EncodeToString([]byte(values.Replace(string(b))))
	}
	parts[2] = fixedSig
	return strings.Join(parts, ".")
}

// scenario is one golden case: the events the engine emits, and the result
// it returns (nil: still running).
type scenario struct {
	name   string
	events []flow.Event
	done   *doneMsg
}

// waitingEvents are the healthy login's events up to the wait for the
// callback.
func waitingEvents(t testing.TB) []flow.Event {
	evs := loadFixture(t, "healthy").Events
	i := slices.IndexFunc(evs, func(e flow.Event) bool { return e.Kind == flow.EventPhase && e.Phase == flow.PhaseWaiting })
	return evs[:i+1]
}

// scenarios are the golden cases: a login waiting for its callback, and
// the recorded logins as the engine returned them.
func scenarios(t testing.TB) []scenario {
	done := func(name string) *doneMsg { return &doneMsg{rep: loadFixture(t, name).Report} }
	return []scenario{
		{name: "waiting", events: waitingEvents(t)},
		{name: "healthy", done: done("healthy")},
		{name: "state-suffix", done: done("state-suffix")},
		{name: "refresh-missing", done: done("refresh-missing")},
		{name: "error-page", done: done("error-page")},
		{name: "token-not-json", done: done("token-not-json")},
	}
}

// demoConfig is the connection the recordings ran with, as the flags or
// the setup form would give it.
func demoConfig(t testing.TB) flow.Config {
	p := loadFixture(t, "healthy").Report.Profile
	cfg := flow.Config{Issuer: p.Issuer, AuthorizeURL: p.AuthorizeURL, TokenURL: p.TokenURL, ClientID: p.ClientID,
		ClientSecret: p.ClientSecret, Scope: p.Scope, ExpectAud: p.ExpectAud, ExpectIss: p.ExpectIss, State: p.State}
	for _, k := range slices.Sorted(maps.Keys(p.Params)) {
		cfg.Params = append(cfg.Params, flow.Param{Name: k, Value: p.Params[k]})
	}
	return cfg
}

// testConfig is a connector's settings, for the tests of what Run hands
// the engine.
func testConfig() flow.Config {
	return flow.Config{
		AuthorizeURL: "https://tenant.example.com/authorize",
		TokenURL:     "https://idp.example.com/oauth/token",
		ClientID:     "connector-app",
		ClientSecret: "s3cret",
		Scope:        "openid profile offline_access",
		Params:       []flow.Param{{Name: "audience", Value: "https://api.example.com"}},
		RedirectURI:  testRedirect,
		State:        testState,
	}
}

// newTestModel is a model at a fixed size and clock, for the recorded
// demo login unless opts says otherwise, with a fake engine that blocks
// until cancelled (tests deliver the events themselves).
func newTestModel(t testing.TB, w, h int, opts Options) model {
	if opts.Start == nil {
		opts.Start = func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error) {
			<-ctx.Done()
			return report.Report{}, ctx.Err()
		}
	}
	if opts.Config.ClientID == "" && !opts.Setup {
		opts.Config = demoConfig(t)
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return testNow }
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.Env == nil {
		opts.Env = []string{}
	}
	m := newModel(context.Background(), opts)
	return update(m, tea.WindowSizeMsg{Width: w, Height: h})
}

// update runs one message through the model and drops the command.
func update(m model, msg tea.Msg) model {
	next, _ := m.Update(msg)
	return next.(model)
}

// play delivers a scenario's events and result.
func play(m model, sc scenario) model {
	for _, ev := range sc.events {
		m = update(m, eventMsg(ev))
	}
	if sc.done != nil {
		m = update(m, *sc.done)
	}
	return m
}

func press(s string) tea.KeyPressMsg {
	switch s {
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

// hopsOf is the model's hops view.
func hopsOf(m model) *hopsView { return m.views[tabHops].(*hopsView) }
