package flow

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

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

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("url.Parse(%q): %v", s, err)
	}
	return u
}

func TestHopParams(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want map[string]string
	}{
		{
			name: "authorize request",
			url:  "https://acme.auth0.com/authorize?response_type=code&client_id=abc&redirect_uri=https%3A%2F%2Fglobal.consent.azure-apim.net%2Fredirect&scope=openid%20offline_access&state=" + url.QueryEscape(platformState) + "&audience=https%3A%2F%2Fapi.acme.com&code_challenge=xyz&nonce=n",
			want: map[string]string{
				"response_type": "code", "client_id": "abc", "redirect_uri": ppRedirect1,
				"scope": "openid offline_access", "state": platformState, "audience": "https://api.acme.com",
			},
		},
		{
			name: "empty value kept",
			url:  "https://idp.example/authorize?client_id=abc&response_type=code&prompt=&organization=org_1",
			want: map[string]string{"client_id": "abc", "response_type": "code", "prompt": "", "organization": "org_1"},
		},
		{
			name: "first of repeated values",
			url:  "https://idp.example/authorize?state=one&state=two",
			want: map[string]string{"state": "one"},
		},
		{
			name: "callback with error",
			url:  "http://127.0.0.1:8080/callback?error=access_denied&error_description=Service%20not%20found%3A%20https%3A%2F%2Fapi&state=s1",
			want: map[string]string{"error": "access_denied", "error_description": "Service not found: https://api", "state": "s1"},
		},
		{
			name: "fragment response mode",
			url:  "http://127.0.0.1:8080/callback#code=c1&state=s%2B1",
			want: map[string]string{"code": "c1", "state": "s+1"},
		},
		{
			name: "query wins over fragment",
			url:  "http://127.0.0.1:8080/callback?state=q#state=f&code=c",
			want: map[string]string{"state": "q", "code": "c"},
		},
		{
			name: "spa route fragment ignored",
			url:  "https://app.example/#/login",
			want: map[string]string{},
		},
		{
			name: "bad escape keeps the rest",
			url:  "https://idp.example/authorize?client_id=abc&x=%zz&state=s",
			want: map[string]string{"client_id": "abc", "state": "s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := &url.URL{}
			if !strings.Contains(tt.url, "%zz") {
				u = mustURL(t, tt.url)
			} else {
				// url.Parse rejects a bad escape; build the URL by hand, as
				// a HAR import would.
				base, q, _ := strings.Cut(tt.url, "?")
				u = mustURL(t, base)
				u.RawQuery = q
			}
			got := hopParams(u)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hopParams(%q) mismatch (-want +got):\n%s", tt.url, diff)
			}
		})
	}
}

func TestHopRole(t *testing.T) {
	const redirect = "http://127.0.0.1:8080/callback"
	tests := []struct {
		name     string
		url      string
		status   int
		redirect string
		want     report.Role
	}{
		{"callback with code", "http://127.0.0.1:8080/callback?code=c&state=s", 0, redirect, report.RoleCallback},
		{"callback host case", "http://127.0.0.1:8080/callback", 200, "HTTP://127.0.0.1:8080/callback", report.RoleCallback},
		{"callback default port written", "https://global.consent.azure-apim.net:443/redirect?code=c", 302, ppRedirect1, report.RoleCallback},
		{"localhost is not 127.0.0.1", "http://localhost:8080/callback?code=c", 0, redirect, report.RoleProvider},
		{"::1 is not 127.0.0.1", "http://[::1]:8080/callback?code=c", 0, redirect, report.RoleProvider},
		{"other port", "http://127.0.0.1:8081/callback?code=c", 0, redirect, report.RoleProvider},
		{"trailing slash is another path", "http://127.0.0.1:8080/callback/?code=c", 0, redirect, report.RoleProvider},
		{"authorize", "https://acme.auth0.com/authorize?client_id=a&response_type=code", 302, redirect, report.RoleAuthorize},
		{"authorize answering 400 stays authorize", "http://127.0.0.1:3000/auth?client_id=a&response_type=code", 400, redirect, report.RoleAuthorize},
		{"error page", "https://acme.auth0.com/login?state=x", 400, redirect, report.RoleErrorPage},
		{"server error", "https://idp.example/oops", 503, redirect, report.RoleErrorPage},
		{"login page", "https://acme.auth0.com/u/login?state=hKFo2", 200, redirect, report.RoleProvider},
		{"interaction redirect", "http://127.0.0.1:3000/interaction/abc", 303, redirect, report.RoleProvider},
		{"client_id alone is not authorize", "https://idp.example/login?client_id=a", 200, redirect, report.RoleProvider},
		{"no redirect uri configured", "http://127.0.0.1:8080/callback?code=c", 0, "", report.RoleProvider},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hopRole(mustURL(t, tt.url), tt.status, tt.redirect)
			if got != tt.want {
				t.Errorf("hopRole(%q, %d, %q) = %q, want %q", tt.url, tt.status, tt.redirect, got, tt.want)
			}
		})
	}
	if got := hopRole(nil, 200, redirect); got != report.RoleOther {
		t.Errorf("hopRole(nil) = %q, want %q", got, report.RoleOther)
	}
}

func TestClassifyState(t *testing.T) {
	jsonState := `{"state":"` + textState + `","tenant":"x"}`
	tests := []struct {
		name       string
		sent, got  string
		wantKind   string
		wantDetail string // exact, or a part of it when partial is set
		partial    bool
	}{
		{name: "equal", sent: textState, got: textState},
		{name: "equal platform state", sent: platformState, got: platformState},
		{
			name: "suffix", sent: textState, got: textState + "|org=acme",
			wantKind: stateKindSuffixAdded, wantDetail: `appended "|org=acme"`,
		},
		{
			name: "suffix of base64url JSON", sent: textState, got: textState + "." + b64url(`{"tenant":"acme"}`),
			wantKind: stateKindSuffixAdded, wantDetail: `appended ".eyJ0ZW5hbnQiOiJhY21lIn0" (base64url: "{\"tenant\":\"acme\"}")`,
		},
		{
			name: "prefix", sent: textState, got: "acme:" + textState,
			wantKind: stateKindPrefixAdded, wantDetail: `prepended "acme:"`,
		},
		{
			name: "base64url JSON wrapper", sent: textState, got: b64url(jsonState),
			wantKind:   stateKindWrapped,
			wantDetail: `base64url of JSON around the original, "{\"state\":\"K7QXN4ZKJH2WBYTM5R3LCVA6PE\",\"tenant\":\"x\"}" (the original at "state")`,
		},
		{
			name: "padded base64url JSON wrapper", sent: textState, got: base64.URLEncoding.EncodeToString([]byte(jsonState + " ")),
			wantKind: stateKindWrapped, wantDetail: `of JSON around the original`, partial: true,
		},
		{
			name: "standard base64 of text around a platform state", sent: platformState, got: base64.StdEncoding.EncodeToString([]byte(platformState + "|t=1")),
			wantKind: stateKindWrapped, wantDetail: `base64 of text around the original: decodes to "aB3+xY/z9Q==|t=1"`,
		},
		{
			name: "base64url of the original", sent: textState, got: b64url(textState),
			wantKind: stateKindWrapped, wantDetail: `base64url of the original (decodes to "K7QXN4ZKJH2WBYTM5R3LCVA6PE")`,
		},
		{
			name: "plain JSON wrapper", sent: textState, got: jsonState,
			wantKind: stateKindWrapped, wantDetail: `JSON around the original, "{\"state\":\"K7QXN4ZKJH2WBYTM5R3LCVA6PE\",\"tenant\":\"x\"}" (the original at "state")`,
		},
		{
			name: "nested JSON path", sent: textState, got: `{"ctx":{"orig":"` + textState + `"},"v":1}`,
			wantKind: stateKindWrapped, wantDetail: `(the original at "ctx.orig")`, partial: true,
		},
		{
			name: "JSON-ish platform state wrapped again", sent: `{"a":"b"}`, got: `{"state":"{\"a\":\"b\"}","t":1}`,
			wantKind: stateKindWrapped, wantDetail: `(the original at "state")`, partial: true,
		},
		{
			name: "segment of a dotted value", sent: textState, got: "v1.tenant." + b64url(jsonState),
			wantKind: stateKindWrapped, wantDetail: `segment 3 of 3: base64url of JSON`, partial: true,
		},
		{
			name: "text on both sides", sent: textState, got: "[" + textState + "]",
			wantKind: stateKindWrapped, wantDetail: `text around the original: "[" before it and "]" after it`,
		},
		{
			name: "percent-decoded", sent: "abc%2Fdef%3D", got: "abc/def=",
			wantKind: stateKindPercentDecoded, wantDetail: `"%2F" was decoded to "/" (character 4); the sent state contains percent-escapes that must come back as they were`,
		},
		{
			name: "percent-decoded partly", sent: "abc%2Fdef%3D", got: "abc%2Fdef=",
			wantKind: stateKindPercentDecoded, wantDetail: `"%3D" was decoded to "=" (character 10)`, partial: true,
		},
		{
			name: "encoded twice", sent: platformState, got: url.QueryEscape(platformState),
			wantKind: stateKindPercentEncodedTwice, wantDetail: `got still percent-encoded: "%2B" stands for "+" (character 4); the value was encoded twice on the way ("%252B" on the wire)`,
		},
		{
			name: "encoded twice with percent in the state", sent: "50%off", got: "50%25off",
			wantKind: stateKindPercentEncodedTwice, wantDetail: `"%25" stands for "%" (character 3)`, partial: true,
		},
		{
			name: "plus to space", sent: platformState, got: strings.ReplaceAll(platformState, "+", " "),
			wantKind: stateKindPlusToSpace, wantDetail: `'+' became a space at character 4 (1 of 1 '+' signs); something read the query as a form and decoded '+' to space`,
		},
		{
			name: "plus to space and suffix", sent: "a+b", got: "a b|x",
			wantKind: stateKindSuffixAdded, wantDetail: `appended "|x"; the original also came back with '+' turned into spaces`,
		},
		{
			name: "truncated", sent: textState, got: textState[:10],
			wantKind: stateKindTruncated, wantDetail: `cut after 10 of 26 characters; lost "2WBYTM5R3LCVA6PE"`,
		},
		{
			name: "truncated at an unencoded ampersand", sent: "abc&def", got: "abc",
			wantKind: stateKindTruncated, wantDetail: `cut after 3 of 7 characters; lost "&def"; the cut is at "&", which ends a query value when it is not percent-encoded`,
		},
		{
			name: "empty got", sent: textState, got: "",
			wantKind: stateKindTruncated, wantDetail: `got an empty state: all 26 characters of the sent one were dropped`,
		},
		{
			name: "lower-cased", sent: "AbCdEf123", got: "abcdef123",
			wantKind: stateKindCaseChanged, wantDetail: `"A" became "a" at character 1; the whole value was lower-cased (3 characters changed)`,
		},
		{
			name: "one letter case", sent: "AbCdEf123", got: "AbCdEF123",
			wantKind: stateKindCaseChanged, wantDetail: `"f" became "F" at character 6`,
		},
		{
			name: "hex case of a percent-escape", sent: "abc%2fdef", got: "abc%2Fdef",
			wantKind: stateKindCaseChanged, wantDetail: `"f" became "F" at character 6, inside the percent-escape "%2f" (which encodes the same character: something re-encoded the value)`,
		},
		{
			name: "replaced whole", sent: textState, got: "QWERTYUIOPASDFGHJKLZXCVBNM",
			wantKind: stateKindReplaced, wantDetail: `a different value: got 26 characters with nothing in common with the 26 sent (the provider or a proxy returned its own state)`,
		},
		{
			name: "one character replaced", sent: "abc/def", got: "abc_def",
			wantKind: stateKindReplaced, wantDetail: `"/" became "_" at character 4`,
		},
		{
			name: "non-ASCII position counts characters", sent: "zürich-1", got: "zürich-2",
			wantKind: stateKindReplaced, wantDetail: `"1" became "2" at character 8`,
		},
		{
			name: "sent empty", sent: "", got: "x",
			wantKind: stateKindSuffixAdded, wantDetail: `appended "x"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, detail := classifyState(tt.sent, tt.got)
			if kind != tt.wantKind {
				t.Fatalf("classifyState(%q, %q) kind = %q (detail %q), want %q", tt.sent, tt.got, kind, detail, tt.wantKind)
			}
			if tt.partial {
				if !strings.Contains(detail, tt.wantDetail) {
					t.Errorf("classifyState(%q, %q) detail = %q, want it to contain %q", tt.sent, tt.got, detail, tt.wantDetail)
				}
			} else if detail != tt.wantDetail {
				t.Errorf("classifyState(%q, %q) detail =\n%q\nwant\n%q", tt.sent, tt.got, detail, tt.wantDetail)
			}
		})
	}
}

func TestClassifyRedirectURI(t *testing.T) {
	tests := []struct {
		name       string
		sent, got  string
		wantKind   string
		wantDetail string
	}{
		{name: "equal", sent: ppRedirect1, got: ppRedirect1},
		{
			name: "trailing slash added", sent: ppRedirect1, got: ppRedirect1 + "/",
			wantKind: redirectKindTrailingSlash, wantDetail: `got adds a trailing "/" to the path "/redirect"`,
		},
		{
			name: "trailing slash dropped", sent: "https://app.example/cb/", got: "https://app.example/cb",
			wantKind: redirectKindTrailingSlash, wantDetail: `got drops the trailing "/" of the path "/cb/"`,
		},
		{
			name: "scheme", sent: "http://127.0.0.1:8080/callback", got: "https://127.0.0.1:8080/callback",
			wantKind: redirectKindScheme, wantDetail: `scheme "https" instead of "http"`,
		},
		{
			name: "loopback spelling", sent: "http://127.0.0.1:8080/callback", got: "http://localhost:8080/callback",
			wantKind:   redirectKindHost,
			wantDetail: `host "localhost" instead of "127.0.0.1" (both loopback, but different strings to the provider and a different address to the listener)`,
		},
		{
			name: "host", sent: ppRedirect1, got: "https://consent.azure-apim.net/redirect",
			wantKind: redirectKindHost, wantDetail: `host "consent.azure-apim.net" instead of "global.consent.azure-apim.net"`,
		},
		{
			name: "port", sent: "http://127.0.0.1:8080/callback", got: "http://127.0.0.1:8081/callback",
			wantKind: redirectKindPort, wantDetail: `port "8081" instead of "8080"`,
		},
		{
			name: "default port written out", sent: "https://app.example/cb", got: "https://app.example:443/cb",
			wantKind: redirectKindPort, wantDetail: `port "443" instead of "" (the default port, written out on one side only)`,
		},
		{
			name: "per-connector path", sent: ppRedirect1, got: ppRedirect1 + "/abc123",
			wantKind:   redirectKindPath,
			wantDetail: `path "/redirect/abc123" instead of "/redirect": got is a per-connector redirect URI (.../redirect/<id>), sent the shared one`,
		},
		{
			name: "shared path", sent: ppRedirect1 + "/abc123", got: ppRedirect1,
			wantKind:   redirectKindPath,
			wantDetail: `path "/redirect" instead of "/redirect/abc123": got is the shared redirect URI, sent a per-connector one (.../redirect/<id>)`,
		},
		{
			name: "other path", sent: "https://app.example/callback", got: "https://app.example/cb",
			wantKind: redirectKindPath, wantDetail: `path "/cb" instead of "/callback"`,
		},
		{
			name: "query", sent: ppRedirect1, got: ppRedirect1 + "?tenant=acme",
			wantKind: redirectKindQuery, wantDetail: `query "tenant=acme" instead of ""`,
		},
		{
			name: "empty query added", sent: "http://127.0.0.1:8080/callback", got: "http://127.0.0.1:8080/callback?",
			wantKind: redirectKindQuery, wantDetail: `got ends with an empty query ("?")`,
		},
		{
			name: "host case", sent: ppRedirect1, got: "https://Global.Consent.azure-apim.net/redirect",
			wantKind:   redirectKindCase,
			wantDetail: `differs in case: host "Global.Consent.azure-apim.net" instead of "global.consent.azure-apim.net"; "g" became "G" at character 9 (2 characters changed case)`,
		},
		{
			name: "path case", sent: ppRedirect1, got: "https://global.consent.azure-apim.net/Redirect",
			wantKind: redirectKindCase, wantDetail: `differs in case: path "/Redirect" instead of "/redirect"; "r" became "R" at character 39`,
		},
		{
			name: "decoded", sent: "https://app.example/cb?a=b%2Fc", got: "https://app.example/cb?a=b/c",
			wantKind: redirectKindEncoding, wantDetail: `got "/" where "%2F" was sent (character 27): percent-escapes were decoded`,
		},
		{
			name: "whole URI encoded again", sent: ppRedirect1, got: url.QueryEscape(ppRedirect1),
			wantKind: redirectKindEncoding, wantDetail: `got "%3A" where ":" was sent (character 6): percent-encoded once more than sent`,
		},
		{
			name: "hex case of an escape", sent: "https://app.example/cb?a=b%2fc", got: "https://app.example/cb?a=b%2Fc",
			wantKind: redirectKindEncoding, wantDetail: `percent-escapes written in another case: "f" became "F" at character 29, inside the percent-escape "%2f" (which encodes the same character: something re-encoded the value)`,
		},
		{
			name: "several parts", sent: ppRedirect1, got: "http://evil.example:8443/other",
			wantKind:   redirectKindScheme,
			wantDetail: `scheme "http" instead of "https"; host "evil.example" instead of "global.consent.azure-apim.net"; port "8443" instead of ""; path "/other" instead of "/redirect"`,
		},
		{
			name: "not a URL", sent: ppRedirect1, got: "urn:ietf:wg:oauth:2.0:oob",
			wantKind: redirectKindReplaced, wantDetail: `a different URL: "urn:ietf:wg:oauth:2.0:oob" instead of "https://global.consent.azure-apim.net/redirect"`,
		},
		{
			name: "empty", sent: ppRedirect1, got: "",
			wantKind: redirectKindReplaced, wantDetail: `got an empty redirect_uri`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, detail := classifyRedirectURI(tt.sent, tt.got)
			if kind != tt.wantKind || detail != tt.wantDetail {
				t.Errorf("classifyRedirectURI(%q, %q) =\n%q, %q\nwant\n%q, %q", tt.sent, tt.got, kind, detail, tt.wantKind, tt.wantDetail)
			}
		})
	}
}

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
				"detail": `path "/redirect/abc123" instead of "/redirect": got is a per-connector redirect URI (.../redirect/<id>), sent the shared one`,
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

// oidcProviderPage is oidc-provider's default renderError page.
func oidcProviderPage(errCode, desc string) string {
	return `<!DOCTYPE html>
    <head>
      <meta charset="utf-8">
      <title>oops! something went wrong</title>
      <style>h1{font-weight:100;text-align:center;font-size:2.3em}</style>
    </head>
    <body>
      <div class="container">
        <h1>oops! something went wrong</h1>
        <pre><strong>error</strong>: ` + errCode + `</pre><pre><strong>error_description</strong>: ` + desc + `</pre>
      </div>
    </body>
    </html>`
}

func TestReadErrorPage(t *testing.T) {
	tests := []struct {
		name        string
		status      int
		ct          string
		body        string
		wantCode    string // "" for nil
		wantWords   string // part of Detail["provider"]
		wantHint    string
		wantMessage string
	}{
		{
			name: "Auth0 callback URL mismatch", status: 403, ct: "text/html; charset=utf-8",
			body:     `<html><head><title>Error</title><script>var x = 1 < 2;</script></head><body><div class="error"><h2>Callback URL mismatch.</h2><p>The provided redirect_uri is not in the list of allowed callback URLs.</p><p>Please go to the <a href="https://manage.auth0.com">Application Settings page</a> and make sure you are sending a valid callback url from your application.</p></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "Callback URL mismatch. The provided redirect_uri is not in the list of allowed callback URLs.",
			wantHint: "Allowed Callback URLs", wantMessage: `Auth0 "Callback URL mismatch"`,
		},
		{
			name: "oidc-provider invalid_redirect_uri", status: 400, ct: "text/html; charset=utf-8",
			body:     oidcProviderPage("invalid_redirect_uri", "redirect_uri did not match any of the client&#39;s registered redirect_uris"),
			wantCode: report.CodeRedirectURIRejected, wantWords: "error: invalid_redirect_uri error_description: redirect_uri did not match any of the client's registered redirect_uris",
			wantHint: "allowed redirect", wantMessage: "oidc-provider invalid_redirect_uri",
		},
		{
			name: "oidc-provider session cookie missing", status: 400, ct: "text/html; charset=utf-8",
			body: oidcProviderPage("invalid_request", "interaction session id cookie not found"),
		},
		{
			name: "oidc-provider expired authorization request", status: 400, ct: "text/html; charset=utf-8",
			body: oidcProviderPage("invalid_request", "authorization request has expired (redirect_uri invalid)"),
		},
		{
			name: "oidc-provider SessionNotFound naming redirect_uri", status: 400, ct: "text/html",
			body: oidcProviderPage("invalid_request", "SessionNotFound: could not find the redirect_uri for this interaction"),
		},
		{
			name: "Auth0 invalid state", status: 400, ct: "text/html",
			body: `<html><body><h1>Invalid state</h1><p>You may have pressed the back button, refreshed during login, opened too many login dialogs, or there is some issue with cookies, since we couldn't find your session. Try logging in again from the application.</p><p>invalid_request redirect_uri</p></body></html>`,
		},
		{
			name: "Dex", status: 400, ct: "text/html",
			body:     `<!DOCTYPE html><html><body><div class="theme-panel"><h2 class="theme-heading">Bad Request</h2><p>Unregistered redirect_uri (&#34;http://127.0.0.1:8080/cb&#34;).</p></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: `Unregistered redirect_uri ("http://127.0.0.1:8080/cb").`,
		},
		{
			name: "Entra AADSTS50011", status: 400, ct: "text/html",
			body:     `<html><body><div id="content"><div class="title">Sign in</div><div>Sorry, but we're having trouble signing you in.</div><div class="error-code">AADSTS50011: The redirect URI 'https://global.consent.azure-apim.net/redirect/abc' specified in the request does not match the redirect URIs configured for the application '6731de76-14a6-49ae-97bc-6eba6914391e'.</div></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "AADSTS50011: The redirect URI", wantHint: "Authentication > Web > Redirect URIs",
		},
		{
			name: "Entra unknown application", status: 400, ct: "text/html",
			body:     `<html><body><p>AADSTS700016: Application with identifier 'abc' was not found in the directory 'Contoso'.</p></body></html>`,
			wantCode: report.CodeClientRejected, wantWords: "AADSTS700016: Application with identifier 'abc' was not found", wantHint: "Application (client) ID",
		},
		{
			name: "Entra bad secret", status: 401, ct: "application/json",
			body:     `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."}`,
			wantCode: report.CodeClientRejected, wantWords: "error: invalid_client; error_description: AADSTS7000215", wantHint: "Value (not its Secret ID)",
		},
		{
			name: "Okta", status: 400, ct: "text/html",
			body:     `<html><body><div class="content"><h2 class="o-form-title">400 Bad Request</h2><p class="o-form-explain">The &#x27;redirect_uri&#x27; parameter must be a Login redirect URI in the client app settings: https://dev-1.okta.com/admin/app/oidc_client/instance/0oa1#tab-general</p></div></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "The 'redirect_uri' parameter must be a Login redirect URI", wantHint: "Sign-in redirect URIs",
		},
		{
			name: "Google", status: 400, ct: "text/html",
			body:     `<html><body><p><b>Error 400: redirect_uri_mismatch</b></p><p>You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy.</p></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "Error 400: redirect_uri_mismatch", wantHint: "Authorized redirect URIs",
		},
		{
			name: "Keycloak", status: 400, ct: "text/html",
			body:     `<html><body><h1 id="kc-page-title">We are sorry...</h1><p class="instruction">Invalid parameter: redirect_uri</p></body></html>`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "Invalid parameter: redirect_uri",
		},
		{
			name: "JSON invalid_request naming redirect_uri", status: 400, ct: "application/json",
			body:     `{"error":"invalid_request","error_description":"The redirect_uri is not allowed for this client"}`,
			wantCode: report.CodeRedirectURIRejected, wantWords: "error: invalid_request; error_description: The redirect_uri is not allowed for this client",
		},
		{
			name: "Auth0 unknown client", status: 400, ct: "text/html",
			body:     `<html><body><h1>Oops!, something went wrong</h1><p>invalid_request: Unknown client: abc123</p></body></html>`,
			wantCode: report.CodeClientRejected, wantWords: "invalid_request: Unknown client: abc123",
		},
		{
			name: "oidc-provider invalid client", status: 400, ct: "text/html",
			body:     oidcProviderPage("invalid_client", "client is invalid"),
			wantCode: report.CodeClientRejected, wantWords: "error: invalid_client",
		},
		{
			name: "plain text redirect mismatch", status: 400, ct: "text/plain",
			body:     "redirect_uri mismatch\n",
			wantCode: report.CodeRedirectURIRejected, wantWords: "redirect_uri mismatch",
		},
		{
			name: "login page", status: 200, ct: "text/html",
			body: `<html><body><form method="post"><input type="hidden" name="redirect_uri" value="x"><input name="login"><input name="password" type="password"><button>Sign-in</button></form><script>var errors = {"invalid_client":"Unknown client","invalid_request":"bad"};</script></body></html>`,
		},
		{
			name: "generic server error", status: 500, ct: "text/html",
			body: `<html><body><h1>Internal Server Error</h1></body></html>`,
		},
		{name: "empty", status: 400, ct: "text/html", body: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := readErrorPage(tt.status, tt.ct, []byte(tt.body))
			if tt.wantCode == "" {
				if f != nil {
					t.Fatalf("readErrorPage() = %s %q, want nil", f.Code, f.Message)
				}
				return
			}
			if f == nil {
				t.Fatalf("readErrorPage() = nil, want %s", tt.wantCode)
			}
			if f.Code != tt.wantCode || f.Severity != report.SeverityError {
				t.Errorf("readErrorPage() = %s/%s, want %s/error", f.Code, f.Severity, tt.wantCode)
			}
			words := f.Detail["provider"]
			if !strings.Contains(words, tt.wantWords) {
				t.Errorf("Detail[provider] = %q, want it to contain %q", words, tt.wantWords)
			}
			if len(words) > 210 {
				t.Errorf("Detail[provider] is %d bytes, want at most about 200", len(words))
			}
			if f.Detail["status"] == "" || f.Detail["signature"] == "" {
				t.Errorf("Detail = %v, want status and signature", f.Detail)
			}
			if !strings.Contains(f.Hint, tt.wantHint) || f.Hint == "" {
				t.Errorf("Hint = %q, want it to contain %q", f.Hint, tt.wantHint)
			}
			if !strings.Contains(f.Message, tt.wantMessage) {
				t.Errorf("Message = %q, want it to contain %q", f.Message, tt.wantMessage)
			}
		})
	}
}

func TestPageText(t *testing.T) {
	tests := []struct {
		name string
		body string
		max  int
		want string
	}{
		{"html", `<html><head><title>Oops</title><style>p{color:red}</style></head><body><p>Callback&nbsp;URL <b>mismatch</b>.</p><!-- a <p> comment --><script>alert("<p>")</script><p>Try again</p></body></html>`, 0, "Oops Callback URL mismatch. Try again"},
		{"lone less-than", `<p>1 < 2 and 3 > 2</p>`, 0, "1 < 2 and 3 > 2"},
		{"quoted attribute with >", `<div title="a>b">text</div>`, 0, "text"},
		{"unclosed tag", `<p>before<a href="x`, 0, "before"},
		{"json error", `{"error":"invalid_client","error_description":"Client authentication failed"}`, 0, "error: invalid_client; error_description: Client authentication failed"},
		{"json error object", `{"error":{"code":"InvalidAuthenticationToken","message":"bad"}}`, 0, "error.code: InvalidAuthenticationToken; error.message: bad"},
		{"plain text", "  Not   Found\n\n", 0, "Not Found"},
		{"cut", "<p>abcdefghij</p>", 8, "abcde..."},
		{"cut on a character boundary", "ééééé", 6, "é..."},
		{"tiny max", "abcdef", 2, "ab"},
		{"invalid UTF-8", "a\xffb", 0, "a\uFFFDb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pageText([]byte(tt.body), tt.max)
			if got != tt.want {
				t.Errorf("pageText(%q, %d) = %q, want %q", tt.body, tt.max, got, tt.want)
			}
			if tt.max > 0 && len(got) > tt.max {
				t.Errorf("pageText(%q, %d) is %d bytes, over the max", tt.body, tt.max, len(got))
			}
		})
	}
}

func TestRefreshMissingFinding(t *testing.T) {
	tests := []struct {
		name      string
		scope     string
		params    map[string]string
		host      string
		wantCause string
		wantSev   report.Severity
		wantHint  []string
	}{
		{"auth0 not requested", "openid profile", nil, "acme.us.auth0.com", refreshCauseNotRequested, report.SeverityError,
			[]string{"Add offline_access to the Scope field", "Allow Offline Access", "Refresh Token"}},
		{"auth0 withheld", "openid offline_access", map[string]string{"audience": "https://api"}, "acme.eu.auth0.com", refreshCauseWithheld, report.SeverityError,
			[]string{"Allow Offline Access", "Grant Types"}},
		{"okta withheld", "openid offline_access", nil, "dev-123.okta.com", refreshCauseWithheld, report.SeverityError,
			[]string{"Refresh Token grant type"}},
		{"okta preview", "openid", nil, "acme.oktapreview.com:443", refreshCauseNotRequested, report.SeverityError,
			[]string{"offline_access", "Refresh Token grant type"}},
		{"google without access_type", "openid email offline_access", nil, "accounts.google.com", refreshCauseNotRequested, report.SeverityError,
			[]string{"access_type=offline&prompt=consent"}},
		{"google without prompt", "openid email", map[string]string{"access_type": "offline"}, "accounts.google.com", refreshCauseWithheld, report.SeverityError,
			[]string{"prompt=consent"}},
		{"entra", "api://abc/access_as_user", nil, "login.microsoftonline.com", refreshCauseNotRequested, report.SeverityError,
			[]string{"offline_access", "api://<app-id>/access_as_user offline_access"}},
		{"oidc-provider without prompt", "openid offline_access", map[string]string{"resource": "https://api"}, "127.0.0.1:3000", refreshCauseWithheld, report.SeverityError,
			[]string{"oidc-provider", "prompt=consent"}},
		{"other with prompt", "openid offline_access", map[string]string{"prompt": "consent"}, "idp.example", refreshCauseWithheld, report.SeverityError,
			[]string{"refresh_token grant"}},
		{"scope from params", "", map[string]string{"scope": "offline_access"}, "idp.example", refreshCauseWithheld, report.SeverityError, nil},
		{"offline_access as a substring does not count", "openid my_offline_access_x", nil, "idp.example", refreshCauseNotRequested, report.SeverityError,
			[]string{"Refresh URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := refreshMissingFinding(tt.scope, tt.params, tt.host)
			if f.Code != report.CodeRefreshTokenMissing || f.Detail["cause"] != tt.wantCause || f.Severity != tt.wantSev {
				t.Errorf("refreshMissingFinding() = %s cause %q severity %s, want %s cause %q severity %s",
					f.Code, f.Detail["cause"], f.Severity, report.CodeRefreshTokenMissing, tt.wantCause, tt.wantSev)
			}
			for _, w := range tt.wantHint {
				if !strings.Contains(f.Hint, w) {
					t.Errorf("Hint = %q, want it to contain %q", f.Hint, w)
				}
			}
			if f.Message == "" || f.Hint == "" || f.Token != "refresh_token" {
				t.Errorf("finding = %+v, want a message, a hint and Token refresh_token", f)
			}
		})
	}
}

func TestProviderOf(t *testing.T) {
	tests := map[string]string{
		"acme.us.auth0.com":             "auth0",
		"https://acme.auth0.com/":       "auth0",
		"notauth0.com":                  "",
		"dev-1.okta.com":                "okta",
		"accounts.google.com":           "google",
		"login.microsoftonline.com:443": "entra",
		"contoso.ciamlogin.com":         "entra",
		"127.0.0.1:3000":                "",
		"":                              "",
	}
	for host, want := range tests {
		if got := providerOf(host); got != want {
			t.Errorf("providerOf(%q) = %q, want %q", host, got, want)
		}
	}
}

var stateKinds = map[string]bool{
	stateKindSuffixAdded: true, stateKindPrefixAdded: true, stateKindWrapped: true,
	stateKindPercentDecoded: true, stateKindPercentEncodedTwice: true, stateKindPlusToSpace: true,
	stateKindTruncated: true, stateKindCaseChanged: true, stateKindReplaced: true,
}

var redirectKinds = map[string]bool{
	redirectKindTrailingSlash: true, redirectKindScheme: true, redirectKindHost: true,
	redirectKindPort: true, redirectKindPath: true, redirectKindQuery: true,
	redirectKindCase: true, redirectKindEncoding: true, redirectKindReplaced: true,
}

func FuzzClassifyState(f *testing.F) {
	for _, s := range [][2]string{
		{textState, textState + "|org=acme"},
		{textState, b64url(`{"state":"` + textState + `","tenant":"x"}`)},
		{platformState, url.QueryEscape(platformState)},
		{platformState, "aB3 xY/z9Q=="},
		{"abc%2Fdef", "abc/def"},
		{"AbC", "abc"},
		{textState, ""},
		{"\xff", "\xfe"},
		{"K", "\u212a"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, sent, got string) {
		if k, d := classifyState(sent, sent); k != "" || d != "" {
			t.Fatalf("classifyState(x, x) = %q, %q for x = %q", k, d, sent)
		}
		kind, detail := classifyState(sent, got)
		if sent == got {
			if kind != "" {
				t.Fatalf("classifyState(%q, %q) = %q for equal values", sent, got, kind)
			}
			return
		}
		if !stateKinds[kind] {
			t.Fatalf("classifyState(%q, %q) kind = %q, not a known kind", sent, got, kind)
		}
		if detail == "" {
			t.Fatalf("classifyState(%q, %q) = %q with no detail", sent, got, kind)
		}
		switch {
		case kind == stateKindTruncated && !strings.HasPrefix(sent, got):
			t.Fatalf("classifyState(%q, %q) = truncated, but got is not a prefix of sent", sent, got)
		case kind == stateKindCaseChanged && !strings.EqualFold(sent, got):
			t.Fatalf("classifyState(%q, %q) = case_changed, but they differ in more than case", sent, got)
		case kind == stateKindPlusToSpace && len(sent) != len(got):
			t.Fatalf("classifyState(%q, %q) = plus_to_space with different lengths", sent, got)
		}
	})
}

func FuzzClassifyRedirectURI(f *testing.F) {
	for _, s := range [][2]string{
		{ppRedirect1, ppRedirect1 + "/"},
		{ppRedirect1, ppRedirect1 + "/abc123"},
		{"http://127.0.0.1:8080/callback", "http://localhost:8080/callback"},
		{ppRedirect1, url.QueryEscape(ppRedirect1)},
		{ppRedirect1, "https://Global.consent.azure-apim.net/redirect"},
		{"https://x/cb?a=%2f", "https://x/cb?a=%2F"},
		{ppRedirect1, "urn:ietf:wg:oauth:2.0:oob"},
		{"http://[::1]:80/a", "http://[::1]/a"},
		{"%", "%25"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, sent, got string) {
		if k, d := classifyRedirectURI(sent, sent); k != "" || d != "" {
			t.Fatalf("classifyRedirectURI(x, x) = %q, %q for x = %q", k, d, sent)
		}
		kind, detail := classifyRedirectURI(sent, got)
		if sent == got {
			return
		}
		if !redirectKinds[kind] {
			t.Fatalf("classifyRedirectURI(%q, %q) kind = %q, not a known kind", sent, got, kind)
		}
		if detail == "" || strings.HasPrefix(detail, `"" instead of ""`) {
			t.Fatalf("classifyRedirectURI(%q, %q) = %q with no useful detail: %q", sent, got, kind, detail)
		}
	})
}

func FuzzReadErrorPage(f *testing.F) {
	f.Add(400, "text/html", []byte(oidcProviderPage("invalid_redirect_uri", "redirect_uri did not match")))
	f.Add(400, "text/html", []byte(oidcProviderPage("invalid_request", "interaction session id cookie not found")))
	f.Add(403, "text/html", []byte(`<h2>Callback URL mismatch.</h2><script>x<y</script><!--`))
	f.Add(401, "application/json", []byte(`{"error":{"code":"x"},"error_description":"AADSTS7000215"}`))
	f.Add(200, "", []byte("<p>a < b <a title='>'>é</a>"))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		fd := readErrorPage(status, ct, body)
		if fd != nil {
			if fd.Code != report.CodeRedirectURIRejected && fd.Code != report.CodeClientRejected {
				t.Fatalf("readErrorPage code = %q", fd.Code)
			}
			if len(fd.Detail["provider"]) > 210 {
				t.Fatalf("Detail[provider] is %d bytes", len(fd.Detail["provider"]))
			}
		}
		for _, max := range []int{0, 1, 5, 40} {
			s := pageText(body, max)
			if max > 0 && len(s) > max {
				t.Fatalf("pageText(_, %d) is %d bytes", max, len(s))
			}
			if !utf8.ValidString(s) {
				t.Fatalf("pageText(_, %d) = %q, not valid UTF-8", max, s)
			}
		}
	})
}

func FuzzHopParams(f *testing.F) {
	f.Add("https://idp.example/authorize?client_id=a&response_type=code&state=s%2B1&prompt=")
	f.Add("http://127.0.0.1:8080/callback#code=c&state=s")
	f.Add("http://127.0.0.1:8080/callback?code=c&code=d;x=%zz")
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := url.Parse(raw)
		if err != nil {
			return
		}
		params := hopParams(u)
		for k := range params {
			found := false
			for _, n := range hopParamNames {
				found = found || n == k
			}
			if !found {
				t.Fatalf("hopParams(%q) has %q, not one of the names that matter", raw, k)
			}
		}
		_ = hopRole(u, 400, raw)
		if hopRole(u, 200, raw) != report.RoleCallback && u.IsAbs() && u.Host != "" && u.Opaque == "" {
			t.Fatalf("hopRole(%q) with itself as the redirect URI is not callback", raw)
		}
	})
}

func BenchmarkClassifyState(b *testing.B) {
	cases := map[string]string{
		"equal":         textState,
		"suffix":        textState + "|org=acme",
		"wrapped":       b64url(`{"state":"` + textState + `","tenant":"acme","ts":1732890000}`),
		"encoded_twice": url.QueryEscape(platformState + textState),
		"replaced":      "QWERTYUIOPASDFGHJKLZXCVBNM",
		"case":          strings.ToLower(textState),
	}
	for name, got := range cases {
		sent := textState
		if name == "encoded_twice" {
			sent = platformState + textState
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				classifyState(sent, got)
			}
		})
	}
}
