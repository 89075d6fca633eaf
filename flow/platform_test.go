package flow

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

var platformStateShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}_unitedstates-002_azure-apim\.net$`)

func TestPowerPlatformState(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		s := PowerPlatformState()
		if !platformStateShape.MatchString(s) {
			t.Fatalf("PowerPlatformState() = %q, want <lowercase GUID v4>_unitedstates-002_azure-apim.net", s)
		}
		if !isPlatformState(s) {
			t.Errorf("isPlatformState(%q) = false", s)
		}
		if seen[s] {
			t.Fatalf("PowerPlatformState() repeated %q", s)
		}
		seen[s] = true
	}
	for _, s := range []string{textState, platformState, "x_unitedstates-002_azure-apim.net", "c67aa232-6fd6-46a8-8273-3f93827dce41_a_b_azure-apim.net"} {
		if isPlatformState(s) {
			t.Errorf("isPlatformState(%q) = true", s)
		}
	}
}

// ppState is a state in the platform's shape, fixed for the tests.
const ppState = "c67aa232-6fd6-46a8-8273-3f93827dce41_unitedstates-002_azure-apim.net"

// TestClassifyPlatformState: the platform's state has '_', '-' and '.',
// which separator-splitting classifiers must not take apart.
func TestClassifyPlatformState(t *testing.T) {
	guid := ppState[:36]
	tests := []struct {
		name, got  string
		wantKind   string
		wantDetail string // a part of the detail
	}{
		{name: "equal", got: ppState},
		{name: "suffix", got: ppState + "|org=acme", wantKind: stateKindSuffixAdded, wantDetail: `appended "|org=acme"`},
		{name: "suffix with a dot", got: ppState + ".tenant", wantKind: stateKindSuffixAdded, wantDetail: `appended ".tenant"`},
		{name: "suffix whose plus became a space", got: ppState + " acme", wantKind: stateKindSuffixAdded, wantDetail: `appended " acme"`},
		{name: "prefix", got: "t1." + ppState, wantKind: stateKindPrefixAdded, wantDetail: `prepended "t1."`},
		{name: "truncated at the first underscore", got: guid, wantKind: stateKindTruncated, wantDetail: `the cut is at "_", between parts of Power Platform's state`},
		{name: "truncated at the dot", got: strings.TrimSuffix(ppState, ".net"), wantKind: stateKindTruncated, wantDetail: `lost ".net"; the cut is at "."`},
		{name: "truncated at a length limit", got: ppState[:50], wantKind: stateKindTruncated, wantDetail: "cut after 50 of 68 characters"},
		{name: "underscores to spaces", got: strings.ReplaceAll(ppState, "_", " "), wantKind: stateKindReplaced, wantDetail: `"_unitedstates-002_" became " unitedstates-002 "`},
		{name: "underscores encoded twice", got: strings.ReplaceAll(ppState, "_", "%5F"), wantKind: stateKindPercentEncodedTwice, wantDetail: `"%5F" stands for "_"`},
		{name: "GUID upper-cased", got: strings.ToUpper(guid) + ppState[36:], wantKind: stateKindCaseChanged},
		{name: "wrapped in base64url JSON", got: b64url(`{"s":"` + ppState + `"}`), wantKind: stateKindWrapped, wantDetail: `(the original at "s")`},
		{name: "segment of a piped value", got: "v1|" + b64url(ppState), wantKind: stateKindWrapped, wantDetail: "segment 2 of 2"},
		{name: "another region", got: guid + "_europe-001_azure-apim.net", wantKind: stateKindReplaced, wantDetail: `"unitedstates-002" became "europe-001"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, detail := classifyState(ppState, tt.got)
			if kind != tt.wantKind || !strings.Contains(detail, tt.wantDetail) {
				t.Errorf("classifyState(%q) = %s: %s; want %s with %q", tt.got, kind, detail, tt.wantKind, tt.wantDetail)
			}
		})
	}
	// Plus to space cannot apply: the platform's state has no '+'.
	if d, ok := plusToSpace(ppState, strings.ReplaceAll(ppState, "-", " ")); ok {
		t.Errorf("plusToSpace took '-' to space for '+': %s", d)
	}
}

// TestComparePlatformState: the comparison and the answers treat the
// platform's state like any other, at an authorize hop and the callback.
func TestComparePlatformState(t *testing.T) {
	sent := map[string]string{"state": ppState, "client_id": "app", "response_type": "code", "redirect_uri": PowerPlatformRedirectURI}
	hop := func(n int, role report.Role, state string) report.Hop {
		p := map[string]string{"state": state}
		if role == report.RoleAuthorize {
			p["client_id"], p["response_type"], p["redirect_uri"] = "app", "code", PowerPlatformRedirectURI
		}
		return report.Hop{N: n, Source: report.SourcePreflight, Role: role, Params: p}
	}
	fs := Compare(sent, []report.Hop{hop(2, report.RoleAuthorize, ppState), hop(3, report.RoleCallback, ppState[:36])})
	if len(fs) != 1 || fs[0].Code != report.CodeStateChanged || fs[0].Hop != 3 || fs[0].Detail["kind"] != stateKindTruncated {
		t.Fatalf("findings %+v; want one state.changed (truncated) at the callback, hop 3", fs)
	}
	if !strings.Contains(fs[0].Hint, "rejects this login") {
		t.Errorf("hint %q does not say the platform rejects the login", fs[0].Hint)
	}
}

func TestBuildErrorWords(t *testing.T) {
	inner := &ConfigError{Setting: SettingClientSecret, Problem: "missing"}
	err := error(&BuildError{Request: "token request", Err: inner})
	name := func(s Setting) string { return "--" + string(s) }
	if got, want := Phrase(err, name), "cannot build the token request as the platform would: --client_secret: missing"; got != want {
		t.Errorf("Phrase = %q, want %q", got, want)
	}
	if !errors.Is(err, inner) {
		t.Errorf("BuildError does not unwrap to its cause")
	}
	_, err = builtURL("authorize request", "/authorize?client_secret=hunter2")
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "authorize request") {
		t.Errorf("builtURL of a relative URL: %v; want a BuildError naming the request, without the secret", err)
	}
	if u, err := builtURL("token request", "https://idp.example/token?x=1"); err != nil || u.Host != "idp.example" {
		t.Errorf("builtURL of a good URL: %v, %v", u, err)
	}
}
