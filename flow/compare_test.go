package flow

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

// Realistic values: a state as rand.Text() makes them, a platform state in
// standard base64 (with '+', '/' and '='), Power Platform's redirect URIs.
const (
	textState     = "K7QXN4ZKJH2WBYTM5R3LCVA6PE"
	platformState = "aB3+xY/z9Q=="
	ppRedirect1   = "https://global.consent.azure-apim.net/redirect"
)

// briefFinding is the part of a finding the comparison tests pin down;
// message and hint are checked for what they must say.
type briefFinding struct {
	Code     string
	Severity report.Severity
	Hop      int
	Detail   map[string]string
}

func brief(fs []report.Finding) []briefFinding {
	var out []briefFinding
	for _, f := range fs {
		out = append(out, briefFinding{f.Code, f.Severity, f.Hop, f.Detail})
	}
	return out
}

func TestCompareHop(t *testing.T) {
	sent := map[string]string{
		"state": textState, "redirect_uri": ppRedirect1, "client_id": "abc",
		"response_type": "code", "scope": "openid offline_access", "audience": "https://api.acme.com",
	}
	authorize := func(n int, params map[string]string) report.Hop {
		return report.Hop{N: n, Source: report.SourcePreflight, Role: report.RoleAuthorize, URL: "https://acme.auth0.com/authorize", Params: params}
	}
	with := func(changes map[string]string, drop ...string) map[string]string {
		m := map[string]string{}
		for k, v := range sent {
			m[k] = v
		}
		for k, v := range changes {
			m[k] = v
		}
		for _, k := range drop {
			delete(m, k)
		}
		return m
	}
	callback := func(params map[string]string) report.Hop {
		return report.Hop{N: 5, Source: report.SourceCallback, Role: report.RoleCallback, URL: "http://127.0.0.1:8080/callback", Params: params}
	}
	tests := []struct {
		name        string
		sent        map[string]string // default: sent above
		hop         report.Hop
		want        []briefFinding
		wantMessage []string // parts of the messages, in order
		wantHint    []string // parts of the hints, in order
	}{
		{name: "same as sent", hop: authorize(1, with(nil))},
		{
			name: "state suffix",
			hop:  authorize(2, with(map[string]string{"state": textState + "|org=acme"})),
			want: []briefFinding{{report.CodeStateChanged, report.SeverityError, 2, map[string]string{
				"kind": "suffix_added", "sent": textState, "got": textState + "|org=acme", "detail": `appended "|org=acme"`,
			}}},
			wantMessage: []string{`hop 2 (authorize at acme.auth0.com) carries a different state than sent (suffix_added): appended "|org=acme"`},
			wantHint:    []string{"byte for byte"},
		},
		{
			name:        "state missing",
			hop:         authorize(2, with(nil, "state")),
			want:        []briefFinding{{report.CodeStateMissing, report.SeverityError, 2, map[string]string{"sent": textState}}},
			wantMessage: []string{"hop 2 (authorize at acme.auth0.com) has no state"},
		},
		{
			name: "redirect_uri per connector",
			hop:  authorize(3, with(map[string]string{"redirect_uri": ppRedirect1 + "/abc123"})),
			want: []briefFinding{{report.CodeRedirectURIChanged, report.SeverityError, 3, map[string]string{
				"kind": "path", "sent": ppRedirect1, "got": ppRedirect1 + "/abc123",
				"detail": `path "/redirect/abc123" instead of "/redirect": this one is a per-connector redirect URI (.../redirect/<id>), the shared one was sent`,
			}}},
			wantHint: []string{"per-connector redirect URI"},
		},
		{
			name: "redirect_uri dropped",
			hop:  authorize(3, with(nil, "redirect_uri")),
			want: []briefFinding{{report.CodeParamDropped, report.SeverityError, 3, map[string]string{"name": "redirect_uri", "sent": ppRedirect1}}},
		},
		{
			name: "audience dropped, organization added",
			hop:  authorize(2, with(map[string]string{"organization": "org_123"}, "audience")),
			want: []briefFinding{
				{report.CodeParamDropped, report.SeverityError, 2, map[string]string{"name": "audience", "sent": "https://api.acme.com"}},
				{report.CodeParamAdded, report.SeverityInfo, 2, map[string]string{"name": "organization", "got": "org_123"}},
			},
			wantMessage: []string{`lost audience="https://api.acme.com"`, `adds organization="org_123"`},
			wantHint:    []string{"opaque access token", "Organization"},
		},
		{
			name: "scope lost offline_access",
			hop:  authorize(2, with(map[string]string{"scope": "openid"})),
			want: []briefFinding{{report.CodeParamChanged, report.SeverityError, 2, map[string]string{
				"name": "scope", "sent": "openid offline_access", "got": "openid", "removed": "offline_access", "added": "",
			}}},
			wantHint: []string{"Without offline_access no refresh token"},
		},
		{
			name: "scope reordered",
			hop:  authorize(2, with(map[string]string{"scope": "offline_access  openid"})),
			want: []briefFinding{{report.CodeParamChanged, report.SeverityInfo, 2, map[string]string{
				"name": "scope", "sent": "openid offline_access", "got": "offline_access  openid",
			}}},
			wantMessage: []string{"the same scopes"},
		},
		{
			name: "prompt dropped is a warning",
			sent: map[string]string{"state": textState, "client_id": "abc", "response_type": "code", "prompt": "consent"},
			hop:  report.Hop{N: 2, Role: report.RoleAuthorize, Params: map[string]string{"state": textState}},
			want: []briefFinding{
				{report.CodeParamDropped, report.SeverityError, 2, map[string]string{"name": "client_id", "sent": "abc"}},
				{report.CodeParamDropped, report.SeverityError, 2, map[string]string{"name": "response_type", "sent": "code"}},
				{report.CodeParamDropped, report.SeverityWarn, 2, map[string]string{"name": "prompt", "sent": "consent"}},
			},
			wantMessage: []string{"hop 2 (authorize) lost client_id"},
		},
		{
			name: "upstream identity provider's authorize request",
			hop: report.Hop{N: 3, Role: report.RoleAuthorize, URL: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize", Params: map[string]string{
				"client_id": "6731de76-14a6-49ae-97bc-6eba6914391e", "response_type": "code", "redirect_uri": "https://acme.auth0.com/login/callback",
				"state": "hKFo2SBtY2F", "scope": "openid profile email",
			}},
			want: []briefFinding{{report.CodeParamChanged, report.SeverityInfo, 3, map[string]string{
				"name": "client_id", "sent": "abc", "got": "6731de76-14a6-49ae-97bc-6eba6914391e", "upstream": "true",
			}}},
			wantMessage: []string{"another client's authorize request"},
		},
		{
			name: "client_id replaced, same redirect host, is compared",
			hop:  authorize(2, with(map[string]string{"client_id": "other"})),
			want: []briefFinding{{report.CodeParamChanged, report.SeverityError, 2, map[string]string{"name": "client_id", "sent": "abc", "got": "other"}}},
		},
		{
			name: "provider hop with its own state",
			hop:  report.Hop{N: 3, Role: report.RoleProvider, URL: "https://acme.auth0.com/u/login?state=hKFo2SBQ", Params: map[string]string{"state": "hKFo2SBQ"}},
		},
		{
			name: "error page",
			hop:  report.Hop{N: 3, Role: report.RoleErrorPage, Params: map[string]string{"state": "x"}},
		},
		{name: "callback ok", hop: callback(map[string]string{"code": "c", "state": textState})},
		{
			name: "callback state wrapped",
			hop:  callback(map[string]string{"code": "c", "state": b64url(textState)}),
			want: []briefFinding{{report.CodeStateChanged, report.SeverityError, 5, map[string]string{
				"kind": "wrapped", "sent": textState, "got": b64url(textState), "detail": `base64url of the original (decodes to "K7QXN4ZKJH2WBYTM5R3LCVA6PE")`,
			}}},
			wantMessage: []string{"hop 5 (callback at 127.0.0.1:8080)"},
			wantHint:    []string{"Power Platform rejects this login"},
		},
		{
			name: "callback without state",
			hop:  callback(map[string]string{"code": "c"}),
			want: []briefFinding{{report.CodeStateMissing, report.SeverityError, 5, map[string]string{"sent": textState}}},
		},
		{
			name: "callback error: Auth0 audience typo",
			hop:  callback(map[string]string{"state": textState, "error": "access_denied", "error_description": "Service not found: https://api.acme.co"}),
			want: []briefFinding{{report.CodeAuthorizeError, report.SeverityError, 5, map[string]string{
				"error": "access_denied", "error_description": "Service not found: https://api.acme.co",
			}}},
			wantMessage: []string{`the provider answered error "access_denied": Service not found: https://api.acme.co`},
			wantHint:    []string{`Auth0 knows no API with audience "https://api.acme.com"`, "Identifier"},
		},
		{
			name:     "callback error: consent required",
			hop:      callback(map[string]string{"state": textState, "error": "consent_required"}),
			want:     []briefFinding{{report.CodeAuthorizeError, report.SeverityError, 5, map[string]string{"error": "consent_required"}}},
			wantHint: []string{"prompt=consent"},
		},
		{
			name:     "callback error: invalid scope",
			hop:      callback(map[string]string{"state": textState, "error": "invalid_scope", "error_description": "The requested scope is invalid"}),
			want:     []briefFinding{{report.CodeAuthorizeError, report.SeverityError, 5, map[string]string{"error": "invalid_scope", "error_description": "The requested scope is invalid"}}},
			wantHint: []string{`"openid offline_access"`, "Scope field"},
		},
		{
			name:     "callback error: unauthorized client",
			hop:      callback(map[string]string{"state": textState, "error": "unauthorized_client"}),
			want:     []briefFinding{{report.CodeAuthorizeError, report.SeverityError, 5, map[string]string{"error": "unauthorized_client"}}},
			wantHint: []string{"Grant Types > Authorization Code"},
		},
		{
			name: "callback error without state",
			hop:  callback(map[string]string{"error": "access_denied", "error_description": "User did not consent"}),
			want: []briefFinding{
				{report.CodeStateMissing, report.SeverityError, 5, map[string]string{"sent": textState}},
				{report.CodeAuthorizeError, report.SeverityError, 5, map[string]string{"error": "access_denied", "error_description": "User did not consent"}},
			},
			wantHint: []string{"RFC 6749", "declined consent"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := sent
			if tt.sent != nil {
				s = tt.sent
			}
			got := compareHop(s, tt.hop)
			if diff := cmp.Diff(tt.want, brief(got)); diff != "" {
				t.Fatalf("compareHop findings mismatch (-want +got):\n%s", diff)
			}
			for i, f := range got {
				if f.Message == "" || f.Hint == "" {
					t.Errorf("finding %d (%s) has message %q and hint %q, want both", i, f.Code, f.Message, f.Hint)
				}
				if !strings.HasPrefix(f.Message, "hop ") {
					t.Errorf("finding %d message %q does not name the hop", i, f.Message)
				}
			}
			checkParts(t, "message", got, func(f report.Finding) string { return f.Message }, tt.wantMessage)
			checkParts(t, "hint", got, func(f report.Finding) string { return f.Hint }, tt.wantHint)
		})
	}
}

// checkParts checks that want[i] appears in field(got[i]), or in the only
// finding's field when there is one.
func checkParts(t *testing.T, what string, got []report.Finding, field func(report.Finding) string, want []string) {
	t.Helper()
	for i, w := range want {
		f := got[min(i, len(got)-1)]
		if !strings.Contains(field(f), w) {
			t.Errorf("%s of finding %d (%s) = %q, want it to contain %q", what, i, f.Code, field(f), w)
		}
	}
}

// TestCompare: the entry point a HAR or browser producer calls runs the
// per-hop comparison the live runner runs, leaves the sent request alone,
// and compares an error page that carries an authorize request as one.
func TestCompare(t *testing.T) {
	sentURL := "https://proxy.example/authorize?client_id=abc&response_type=code&state=" + textState + "&redirect_uri=" + url.QueryEscape(ppRedirect1)
	sent := HopParams(mustURL(t, sentURL))
	changed := b64url(textState)
	hops := []report.Hop{
		{N: 1, Source: report.SourceSent, Role: report.RoleAuthorize, URL: sentURL, Params: sent},
		{
			N: 2, Source: report.SourceHAR, Role: report.RoleErrorPage, Status: 400, URL: "https://idp.example/authorize",
			Params: map[string]string{"client_id": "abc", "response_type": "code", "state": changed, "redirect_uri": ppRedirect1},
		},
		{N: 3, Source: report.SourceHAR, Role: report.RoleProvider, URL: "https://idp.example/u/login", Params: map[string]string{"state": "hKFo2SBQ"}},
		{N: 4, Source: report.SourceHAR, Role: report.RoleErrorPage, Status: 500, URL: "https://idp.example/oops", Params: map[string]string{"state": "x"}},
		{N: 5, Source: report.SourceHAR, Role: report.RoleCallback, URL: ppRedirect1, Params: map[string]string{"code": "c", "state": textState}},
	}
	got := Compare(sent, hops)
	want := []briefFinding{{report.CodeStateChanged, report.SeverityError, 2, map[string]string{
		"kind": "wrapped", "sent": textState, "got": changed, "detail": `base64url of the original (decodes to "K7QXN4ZKJH2WBYTM5R3LCVA6PE")`,
	}}}
	if diff := cmp.Diff(want, brief(got)); diff != "" {
		t.Fatalf("Compare findings mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(got[0].Message, "hop 2 (authorize at idp.example)") {
		t.Errorf("message %q, want it to name hop 2 as the authorize request it is", got[0].Message)
	}
	var each []report.Finding
	for _, h := range hops {
		each = append(each, compareHop(sent, h)...)
	}
	if diff := cmp.Diff(each, got); diff != "" {
		t.Errorf("Compare differs from compareHop hop by hop (-each +Compare):\n%s", diff)
	}
	if got := Compare(sent, nil); len(got) != 0 {
		t.Errorf("Compare(sent, nil) = %v, want none", got)
	}
}

// A sanitiser's placeholder is unknown, never changed: the state and code
// of a callback from a sanitised HAR give one param.placeholder note and
// no state finding, while a real change next to it is still found.
func TestComparePlaceholderIsUnknown(t *testing.T) {
	sent := map[string]string{"state": "abc", "redirect_uri": "https://app.example.com/cb", "client_id": "c1", "response_type": "code", "scope": "openid"}
	hops := []report.Hop{
		{N: 2, Source: report.SourceHAR, Role: report.RoleAuthorize, URL: "https://idp.example.com/authorize",
			Params: map[string]string{"state": "[state redacted]", "redirect_uri": "https://app.example.com/cb", "client_id": "c1", "response_type": "code", "scope": "openid email"}},
		{N: 3, Source: report.SourceHAR, Role: report.RoleCallback, URL: "https://app.example.com/cb",
			Params: map[string]string{"state": "[state redacted]", "code": "[code redacted]"}},
	}
	var codes []string
	for _, f := range Compare(sent, hops) {
		codes = append(codes, fmt.Sprintf("%d:%s", f.Hop, f.Code))
	}
	want := []string{"2:" + report.CodeParamPlaceholder, "2:" + report.CodeParamChanged, "3:" + report.CodeParamPlaceholder}
	if !slices.Equal(codes, want) {
		t.Errorf("findings = %v, want %v", codes, want)
	}
	// A placeholder in what was sent (the first authorize hop of a
	// sanitised file) is unknown too.
	sent["state"] = "<redacted>"
	hops[0].Params["state"] = "abc"
	for _, f := range Compare(sent, hops[:1]) {
		if f.Code == report.CodeStateChanged {
			t.Errorf("a placeholder sent compared as a value: %s", f.Message)
		}
	}
}
