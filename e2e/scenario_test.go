package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

// api is the audience (resource indicator) the scenarios ask for.
const api = "https://api.acme.test"

// exitConsistent as a scenario's wantExit means: the contract does not fix
// the severity, so the exit status only has to agree with the report (1 when
// it has an error finding, else 0).
const exitConsistent = -1

// scenario is one run of the real authtrace binary.
type scenario struct {
	name      string
	command   string // "login" (default) or "trace"
	client    string // default app-post
	secret    string // default the client's secret
	scope     string
	params    []string // --param values
	viaProxy  bool     // --authorize-url is the tenant proxy's /authorize
	fault     Fault
	tokenHTML bool     // --token-url is the proxy's HTML page
	redirect  string   // path of --redirect-uri; default /callback
	args      []string // more flags
	browser   []string // more e2e-browser flags

	wantCodes []string // the distinct finding codes, exactly
	wantExit  int
	check     func(t *testing.T, rep report.Report)
}

var secrets = map[string]string{
	"app-post":      "post-secret",
	"app-basic":     "basic-secret",
	"app-norefresh": "norefresh-secret",
}

func scenarios() []scenario {
	return []scenario{
		{
			name:      "healthy with refresh, rotation noted",
			scope:     "openid offline_access api:read",
			params:    []string{"prompt=consent", "resource=" + api},
			args:      []string{"--expect-aud", api},
			wantCodes: nil,
			wantExit:  0,
			check: func(t *testing.T, rep report.Report) {
				wantAccessJWT(t, rep, api)
				if rep.Refresh == nil || rep.Refresh.Response == nil || rep.Refresh.Response.Status != 200 {
					t.Fatalf("refresh = %+v, want a 200 refresh grant", rep.Refresh)
				}
				if !rep.Refresh.Rotated {
					t.Errorf("refresh rotated = false, want true (oidc-provider rotates every refresh token)")
				}
			},
		},
		{
			name:      "no offline_access",
			scope:     "openid api:read",
			params:    []string{"prompt=consent", "resource=" + api},
			wantCodes: []string{report.CodeRefreshTokenMissing},
			wantExit:  1, // the connection would break within the hour
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeRefreshTokenMissing, "cause", "offline_access_not_requested")
				if rep.Refresh != nil {
					t.Errorf("a refresh grant was made without a refresh token: %+v", rep.Refresh)
				}
			},
		},
		{
			name:      "offline_access without prompt=consent is withheld",
			scope:     "openid offline_access",
			wantCodes: []string{report.CodeAccessTokenOpaque, report.CodeRefreshTokenMissing},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeRefreshTokenMissing, "cause", "withheld")
			},
		},
		{
			name:      "client without the refresh_token grant",
			client:    "app-norefresh",
			scope:     "openid offline_access",
			params:    []string{"prompt=consent"},
			wantCodes: []string{report.CodeAccessTokenOpaque, report.CodeRefreshTokenMissing},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeRefreshTokenMissing, "cause", "withheld")
			},
		},
		{
			name:      "no resource gives an opaque access token",
			scope:     "openid offline_access",
			params:    []string{"prompt=consent"},
			wantCodes: []string{report.CodeAccessTokenOpaque},
			wantExit:  exitConsistent,
			check: func(t *testing.T, rep report.Report) {
				if tok := accessToken(rep); tok == nil || tok.Format != "opaque" {
					t.Errorf("access token = %+v, want format opaque", tok)
				}
			},
		},
		{
			name:      "expect-aud differs from the aud issued",
			scope:     "openid offline_access api:read",
			params:    []string{"prompt=consent", "resource=" + api},
			args:      []string{"--expect-aud", "https://other.acme.test"},
			wantCodes: []string{report.CodeJWTAudMismatch},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeJWTAudMismatch, "expected", "https://other.acme.test")
			},
		},
		{
			name:      "proxy maps audience to resource (healthy chain)",
			viaProxy:  true,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "audience=" + api},
			args:      []string{"--expect-aud", api},
			wantCodes: []string{report.CodeParamAdded},
			wantExit:  0,
			check: func(t *testing.T, rep report.Report) {
				wantAccessJWT(t, rep, api)
				wantDetail(t, rep, report.CodeParamAdded, "name", "organization")
				wantDetail(t, rep, report.CodeParamAdded, "name", "resource")
			},
		},
		{
			name:      "proxy appends to state",
			viaProxy:  true,
			fault:     FaultStateSuffix,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "audience=" + api},
			wantCodes: []string{report.CodeParamAdded, report.CodeStateChanged},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeStateChanged, "kind", "suffix_added")
				wantCallbackFinding(t, rep, report.CodeStateChanged)
			},
		},
		{
			name:      "proxy base64-wraps state",
			viaProxy:  true,
			fault:     FaultStateBase64,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "audience=" + api},
			wantCodes: []string{report.CodeParamAdded, report.CodeStateChanged},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeStateChanged, "kind", "wrapped")
				wantCallbackFinding(t, rep, report.CodeStateChanged)
			},
		},
		{
			name:      "proxy adds a trailing slash to redirect_uri",
			viaProxy:  true,
			fault:     FaultRedirectSlash,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "audience=" + api},
			wantCodes: []string{report.CodeParamAdded, report.CodeRedirectURIChanged, report.CodeRedirectURIRejected},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeRedirectURIChanged, "kind", "trailing_slash")
				wantNoCallback(t, rep)
			},
		},
		{
			name:      "proxy drops audience",
			viaProxy:  true,
			fault:     FaultDropAudience,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "audience=" + api},
			wantCodes: []string{report.CodeAccessTokenOpaque, report.CodeParamAdded, report.CodeParamDropped},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeParamDropped, "name", "audience")
			},
		},
		{
			name:      "proxy loop",
			viaProxy:  true,
			fault:     FaultLoop,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "audience=" + api},
			wantCodes: []string{report.CodeParamAdded, report.CodeRedirectLoop},
			wantExit:  1,
			check:     wantNoCallback,
		},
		{
			name:      "redirect_uri not registered, caught in preflight",
			redirect:  "/not-registered",
			scope:     "openid offline_access",
			params:    []string{"prompt=consent"},
			wantCodes: []string{report.CodeRedirectURIRejected},
			wantExit:  1,
			check:     wantNoCallback,
		},
		{
			name:      "wrong client secret",
			secret:    "not-the-secret",
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "resource=" + api},
			wantCodes: []string{report.CodeTokenError},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeTokenError, "error", "invalid_client")
				if rep.Exchange == nil || len(rep.Exchange.Attempts) != 1 {
					t.Errorf("exchange = %+v, want the body attempt and then Basic (auto)", rep.Exchange)
				}
			},
		},
		{
			name:      "Basic-only client under --client-auth auto",
			client:    "app-basic",
			scope:     "openid offline_access api:read",
			params:    []string{"prompt=consent", "resource=" + api},
			args:      []string{"--client-auth", "auto", "--expect-aud", api},
			wantCodes: []string{report.CodeTokenClientAuth},
			wantExit:  exitConsistent,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeTokenClientAuth, "worked", "basic")
				if rep.Refresh == nil || rep.Refresh.Request.ClientAuth != "basic" || rep.Refresh.Response == nil || rep.Refresh.Response.Status != 200 {
					t.Errorf("refresh = %+v, want a 200 refresh with Basic, the method that worked", rep.Refresh)
				}
			},
		},
		{
			name:      "token URL serves an HTML page",
			tokenHTML: true,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent"},
			wantCodes: []string{report.CodeTokenNotJSON},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeTokenNotJSON, "format", "html")
			},
		},
		{
			name:      "consent denied",
			scope:     "openid offline_access",
			params:    []string{"prompt=consent"},
			browser:   []string{"-deny"},
			wantCodes: []string{report.CodeAuthorizeError},
			wantExit:  1,
			check: func(t *testing.T, rep report.Report) {
				wantDetail(t, rep, report.CodeAuthorizeError, "error", "access_denied")
			},
		},
		{
			name:      "trace alone on the proxy chain",
			command:   "trace",
			viaProxy:  true,
			scope:     "openid offline_access",
			params:    []string{"prompt=consent", "audience=" + api},
			wantCodes: []string{report.CodeParamAdded},
			wantExit:  0,
			check:     wantProxyChain,
		},
	}
}

// TestScenarios runs every scenario, one after the other (each one is a
// browser on a two-core machine), and logs a table of results and timings.
func TestScenarios(t *testing.T) {
	p := theProvider(t)
	authtrace := authtraceBin(t)
	browser := browserBin(t)

	type row struct {
		name   string
		result string
		exit   int
		codes  []string
		took   time.Duration
	}
	var rows []row
	for _, sc := range scenarios() {
		var r row
		ok := t.Run(sc.name, func(t *testing.T) {
			res := runScenario(t, p, authtrace, browser, sc)
			r = row{name: sc.name, exit: res.exit, codes: distinctCodes(res.rep), took: res.took}
			checkScenario(t, sc, res)
		})
		r.name, r.result = sc.name, "pass"
		if !ok {
			r.result = "FAIL"
		}
		rows = append(rows, r)
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "scenario\tresult\texit\tseconds\tfinding codes")
	var total time.Duration
	for _, r := range rows {
		total += r.took
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%s\n", r.name, r.result, r.exit, r.took.Seconds(), strings.Join(r.codes, " "))
	}
	tw.Flush()
	t.Logf("scenario table (authtrace runs %.1fs in all):\n%s", total.Seconds(), b.String())
}

type result struct {
	rep    report.Report
	events []event
	stdout string
	stderr string
	exit   int
	took   time.Duration
}

// event is the part of an NDJSON event line the suite checks.
type event struct {
	Event string `json:"event"`
	Phase string `json:"phase"`
}

func runScenario(t *testing.T, p *provider, authtrace, browser string, sc scenario) result {
	t.Helper()
	client := sc.client
	if client == "" {
		client = "app-post"
	}
	secret := sc.secret
	if secret == "" {
		secret = secrets[client]
	}
	redirectURI := callbackURL()
	if sc.redirect != "" {
		redirectURI = strings.Replace(redirectURI, "/callback", sc.redirect, 1)
	}
	command := sc.command
	if command == "" {
		command = "login"
	}
	args := []string{command, "--events",
		"--issuer", p.URL,
		"--client-id", client,
		"--redirect-uri", redirectURI,
		"--scope", sc.scope,
		"--timeout", "60s",
	}
	if sc.viaProxy || sc.tokenHTML {
		px := startProxy(t, p, sc.fault)
		if sc.viaProxy {
			args = append(args, "--authorize-url", px.URL+"/authorize")
		}
		if sc.tokenHTML {
			args = append(args, "--token-url", px.URL+"/token-html")
		}
	}
	if command == "login" {
		openWith := strings.Join(append([]string{browser, "-timeout", "40s"}, sc.browser...), " ")
		args = append(args, "--client-secret", secret, "--open-with", openWith)
	}
	for _, prm := range sc.params {
		args = append(args, "--param", prm)
	}
	args = append(args, sc.args...)

	return execAuthtrace(t, authtrace, command, secret, args)
}

// execAuthtrace runs the authtrace binary with args (command is its
// first), checks that the client secret is not in its output, and reads
// its --events output; on failure the test log gets the command line,
// stderr and the report.
func execAuthtrace(t *testing.T, authtrace, command, secret string, args []string) result {
	t.Helper()
	return execAuthtraceEnv(t, authtrace, command, secret, args, nil)
}

// execAuthtraceEnv is execAuthtrace with env added to the environment.
func execAuthtraceEnv(t *testing.T, authtrace, command, secret string, args, env []string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, authtrace, args...)
	if env != nil {
		cmd.Env = append(os.Environ(), env...)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// The browser helper inherits authtrace's stderr and may outlive it by
	// the moment it takes to close Chromium; do not wait on it for long.
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), took: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.exit = ee.ExitCode()
	default:
		t.Fatalf("run authtrace: %v\nstderr:\n%s", err, res.stderr)
	}
	t.Logf("authtrace %s: exit %d in %s", command, res.exit, res.took.Round(time.Millisecond))
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("command: %s %s", authtrace, strings.Join(args, " "))
			t.Logf("stderr:\n%s", res.stderr)
			t.Logf("report:\n%s", lastLine(res.stdout))
		}
	})
	if secret != "" && strings.Contains(res.stdout, secret) {
		t.Errorf("the client secret %q appears in stdout; want it redacted", secret)
	}
	res.rep, res.events = parseOutput(t, res.stdout)
	return res
}

// parseOutput reads --events output: NDJSON events, the last of them the
// version-1 report ({"event":"report","report":{...}}).
func parseOutput(t *testing.T, stdout string) (report.Report, []event) {
	t.Helper()
	var lines []string
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			lines = append(lines, sc.Text())
		}
	}
	if len(lines) == 0 {
		t.Fatal("authtrace printed nothing on stdout; want events and a report")
	}
	var last struct {
		Event  string        `json:"event"`
		Report report.Report `json:"report"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Event != "report" {
		t.Fatalf("last stdout line is not the report event (err %v): %s", err, lines[len(lines)-1])
	}
	rep := last.Report
	if rep.Version != report.Version {
		t.Errorf("report version = %d, want %d", rep.Version, report.Version)
	}
	var events []event
	for i, l := range lines[:len(lines)-1] {
		var e event
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Event == "" || e.Event == "report" {
			t.Errorf("stdout line %d is not an event before the report (err %v): %s", i+1, err, l)
			continue
		}
		events = append(events, e)
	}
	return rep, events
}

func checkScenario(t *testing.T, sc scenario, res result) {
	t.Helper()
	want := slices.Clone(sc.wantCodes)
	slices.Sort(want)
	if diff := cmp.Diff(want, distinctCodes(res.rep)); diff != "" {
		t.Errorf("finding codes (-want +got):\n%s\nfindings:\n%s", diff, describeFindings(res.rep))
	}
	wantExit := sc.wantExit
	if wantExit == exitConsistent {
		wantExit = 0
		if res.rep.HasErrors() {
			wantExit = 1
		}
	}
	if res.exit != wantExit {
		t.Errorf("exit status = %d, want %d (report error %q)", res.exit, wantExit, res.rep.Error)
	}
	if res.rep.Error != "" {
		t.Errorf("report error = %q, want the run to complete", res.rep.Error)
	}
	if len(res.events) == 0 {
		t.Errorf("no NDJSON events before the report")
	} else if last := lastPhase(res.events); last != "done" {
		t.Errorf("last phase event = %q, want done", last)
	}
	if sc.check != nil && !t.Failed() {
		sc.check(t, res.rep)
	}
}

func distinctCodes(rep report.Report) []string {
	var codes []string
	for _, f := range rep.Findings {
		if !slices.Contains(codes, f.Code) {
			codes = append(codes, f.Code)
		}
	}
	slices.Sort(codes)
	return codes
}

func describeFindings(rep report.Report) string {
	var b strings.Builder
	for _, f := range rep.Findings {
		fmt.Fprintf(&b, "  %s %s hop=%d token=%s detail=%v: %s\n", f.Severity, f.Code, f.Hop, f.Token, f.Detail, f.Message)
	}
	return b.String()
}

func lastPhase(events []event) string {
	last := ""
	for _, e := range events {
		if e.Event == "phase" {
			last = e.Phase
		}
	}
	return last
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// wantDetail checks that some finding with code has detail[key] == value.
func wantDetail(t *testing.T, rep report.Report, code, key, value string) {
	t.Helper()
	var seen []string
	for _, f := range rep.Findings {
		if f.Code != code {
			continue
		}
		if f.Detail[key] == value {
			return
		}
		seen = append(seen, fmt.Sprintf("%q", f.Detail[key]))
	}
	t.Errorf("%s detail %s = %s, want one %q", code, key, strings.Join(seen, ", "), value)
}

func accessToken(rep report.Report) *report.Token {
	for i := range rep.Tokens {
		if rep.Tokens[i].Kind == "access_token" {
			return &rep.Tokens[i]
		}
	}
	return nil
}

func wantAccessJWT(t *testing.T, rep report.Report, aud string) {
	t.Helper()
	tok := accessToken(rep)
	if tok == nil || tok.Format != "jwt" {
		t.Fatalf("access token = %+v, want a JWT", tok)
	}
	var claims struct {
		Aud any `json:"aud"`
	}
	if err := json.Unmarshal(tok.Claims, &claims); err != nil {
		t.Fatalf("access token claims %s: %v", tok.Claims, err)
	}
	if got := fmt.Sprint(claims.Aud); got != aud && got != "["+aud+"]" {
		t.Errorf("access token aud = %v, want %q", claims.Aud, aud)
	}
}

// wantCallbackFinding checks that the callback hop itself carries a finding
// with code, not only a hop on the way.
func wantCallbackFinding(t *testing.T, rep report.Report, code string) {
	t.Helper()
	for _, h := range rep.Hops {
		if h.Role != report.RoleCallback {
			continue
		}
		for _, f := range rep.Findings {
			if f.Code == code && f.Hop == h.N {
				return
			}
		}
		t.Errorf("callback hop %d has no %s finding", h.N, code)
		return
	}
	t.Errorf("no callback hop in %d hops", len(rep.Hops))
}

func wantNoCallback(t *testing.T, rep report.Report) {
	t.Helper()
	for _, h := range rep.Hops {
		if h.Source == report.SourceCallback {
			t.Errorf("hop %d is a callback (%s); want the login stopped in preflight", h.N, h.URL)
		}
	}
	if rep.Exchange != nil {
		t.Errorf("a code exchange was made; want none")
	}
}

var interactionUID = regexp.MustCompile(`^/interaction/[^/]+$`)

// wantProxyChain checks the hops of a trace through the proxy: the request
// sent, then authtrace's own client following proxy → tenant → provider to
// the provider's login page.
func wantProxyChain(t *testing.T, rep report.Report) {
	t.Helper()
	type hop struct {
		Source report.Source
		Role   report.Role
		Path   string
		Status int
	}
	var got []hop
	for _, h := range rep.Hops {
		u, err := url.Parse(h.URL)
		if err != nil {
			t.Fatalf("hop %d URL %q: %v", h.N, h.URL, err)
		}
		path := interactionUID.ReplaceAllString(u.Path, "/interaction/UID")
		got = append(got, hop{h.Source, h.Role, path, h.Status})
	}
	want := []hop{
		{report.SourceSent, report.RoleAuthorize, "/authorize", 0},
		{report.SourcePreflight, report.RoleAuthorize, "/authorize", 302},
		{report.SourcePreflight, report.RoleAuthorize, "/t/acme/authorize", 302},
		{report.SourcePreflight, report.RoleAuthorize, "/auth", 303},
		{report.SourcePreflight, report.RoleProvider, "/interaction/UID", 200},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hops (-want +got):\n%s", diff)
	}
	for _, h := range rep.Hops {
		if h.Role == report.RoleAuthorize && h.Params["state"] != rep.Profile.State {
			t.Errorf("hop %d state = %q, want %q as sent", h.N, h.Params["state"], rep.Profile.State)
		}
	}
	wantDetail(t, rep, report.CodeParamAdded, "name", "organization")
	wantDetail(t, rep, report.CodeParamAdded, "name", "resource")
}

// BenchmarkLogin measures a whole healthy `authtrace login` run: discovery,
// preflight, the browser login, exchange, refresh and token checks.
func BenchmarkLogin(b *testing.B) {
	p := theProvider(b)
	authtrace := authtraceBin(b)
	browser := browserBin(b)
	args := []string{"login", "--json", "--issuer", p.URL, "--client-id", "app-post",
		"--client-secret", "post-secret", "--redirect-uri", callbackURL(),
		"--scope", "openid offline_access", "--param", "prompt=consent",
		"--timeout", "60s", "--open-with", browser + " -timeout 40s"}
	for b.Loop() {
		cmd := exec.Command(authtrace, args...)
		cmd.WaitDelay = 10 * time.Second
		if out, err := cmd.Output(); err != nil {
			b.Fatalf("authtrace: %v\n%s", err, out[max(0, len(out)-2000):])
		}
	}
}
