package flow

import (
	"net/url"
	"strings"
	"testing"
)

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
			wantKind: redirectKindTrailingSlash, wantDetail: `a trailing "/" was added to the path "/redirect"`,
		},
		{
			name: "trailing slash dropped", sent: "https://app.example/cb/", got: "https://app.example/cb",
			wantKind: redirectKindTrailingSlash, wantDetail: `the trailing "/" of the path "/cb/" was dropped`,
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
			wantDetail: `path "/redirect/abc123" instead of "/redirect": this one is a per-connector redirect URI (.../redirect/<id>), the shared one was sent`,
		},
		{
			name: "shared path", sent: ppRedirect1 + "/abc123", got: ppRedirect1,
			wantKind:   redirectKindPath,
			wantDetail: `path "/redirect" instead of "/redirect/abc123": this one is the shared redirect URI, a per-connector one (.../redirect/<id>) was sent`,
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
			wantKind: redirectKindQuery, wantDetail: `an empty query ("?") was added at the end`,
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
			wantKind: redirectKindEncoding, wantDetail: `"/" arrived where "%2F" was sent (character 27): percent-escapes were decoded`,
		},
		{
			name: "whole URI encoded again", sent: ppRedirect1, got: url.QueryEscape(ppRedirect1),
			wantKind: redirectKindEncoding, wantDetail: `"%3A" arrived where ":" was sent (character 6): percent-encoded once more than sent`,
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
			wantKind: redirectKindReplaced, wantDetail: `it arrived empty`,
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

var redirectKinds = map[string]bool{
	redirectKindTrailingSlash: true, redirectKindScheme: true, redirectKindHost: true,
	redirectKindPort: true, redirectKindPath: true, redirectKindQuery: true,
	redirectKindCase: true, redirectKindEncoding: true, redirectKindReplaced: true,
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
