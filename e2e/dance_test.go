package e2e

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestDance checks the fixtures themselves, without authtrace: a small
// client of its own runs authorize → browser login → callback → exchange →
// refresh against the provider, directly and through the proxy, so that what
// the scenarios assume about oidc-provider, the browser helper and the proxy
// is shown to hold. A scenario that fails while this passes points at
// authtrace. It covers what the scenarios build on, not every scenario.
func TestDance(t *testing.T) {
	p := theProvider(t)
	browser := browserBin(t)
	const api = "https://api.acme.test"

	tests := []struct {
		name        string
		client      string
		secret      string
		basic       bool // Basic header instead of the form body
		scope       string
		params      map[string]string
		fault       Fault
		viaProxy    bool
		deny        bool
		redirectURI string // default callbackURL()

		wantBrowserFail bool
		wantError       string // error at the callback
		wantState       func(sent string) string
		wantStatus      int // token endpoint status
		wantRefresh     bool
		wantAud         string // "" means opaque access token
	}{
		{
			name:  "refresh token with offline_access and prompt=consent, JWT for resource",
			scope: "openid offline_access api:read", params: map[string]string{"prompt": "consent", "resource": api},
			wantStatus: 200, wantRefresh: true, wantAud: api,
		},
		{
			name:  "no refresh token without prompt=consent",
			scope: "openid offline_access api:read", params: map[string]string{"resource": api},
			wantStatus: 200, wantAud: api,
		},
		{
			name:   "Basic client with Basic",
			client: "app-basic", secret: "basic-secret", basic: true,
			scope: "openid offline_access api:read", params: map[string]string{"prompt": "consent", "resource": api},
			wantStatus: 200, wantRefresh: true, wantAud: api,
		},
		{
			name:   "Basic client with the secret in the body",
			client: "app-basic", secret: "basic-secret",
			scope: "openid api:read", params: map[string]string{"resource": api},
			wantStatus: 401,
		},
		{
			name:  "body client with Basic",
			basic: true,
			scope: "openid api:read", params: map[string]string{"resource": api},
			wantStatus: 401,
		},
		{
			name:  "consent denied",
			scope: "openid", deny: true,
			wantError: "access_denied",
		},
		{
			name:  "unregistered redirect_uri",
			scope: "openid", redirectURI: strings.Replace(callbackURL(), "/callback", "/other", 1),
			wantBrowserFail: true,
		},
		{
			name:     "proxy maps audience to resource and keeps state",
			viaProxy: true,
			scope:    "openid offline_access api:read", params: map[string]string{"prompt": "consent", "audience": api},
			wantStatus: 200, wantRefresh: true, wantAud: api,
		},
		{
			name:     "proxy appends to state",
			viaProxy: true, fault: FaultStateSuffix,
			scope: "openid", params: map[string]string{"audience": api},
			wantState:  func(s string) string { return s + "|org=acme" },
			wantStatus: 200, wantAud: api,
		},
		{
			name:     "proxy loop",
			viaProxy: true, fault: FaultLoop,
			scope:           "openid",
			wantBrowserFail: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, secret := tt.client, tt.secret
			if client == "" {
				client = "app-post"
			}
			if secret == "" {
				secret = "post-secret"
			}
			redirectURI := tt.redirectURI
			if redirectURI == "" {
				redirectURI = callbackURL()
			}
			authorizeURL := p.URL + "/auth"
			if tt.viaProxy {
				authorizeURL = startProxy(t, p, tt.fault).URL + "/authorize"
			}
			state, verifier := rand.Text(), rand.Text()+rand.Text()
			challenge := sha256.Sum256([]byte(verifier))
			q := url.Values{
				"client_id":             {client},
				"response_type":         {"code"},
				"redirect_uri":          {redirectURI},
				"scope":                 {tt.scope},
				"state":                 {state},
				"code_challenge":        {base64.RawURLEncoding.EncodeToString(challenge[:])},
				"code_challenge_method": {"S256"},
			}
			for k, v := range tt.params {
				q.Set(k, v)
			}

			cb := listenCallback(t)
			args := []string{"-timeout", "20s"}
			if tt.deny {
				args = append(args, "-deny")
			}
			args = append(args, "-callback", callbackURL(), authorizeURL+"?"+q.Encode())
			out, err := exec.Command(browser, args...).CombinedOutput()
			if tt.wantBrowserFail {
				if err == nil {
					t.Fatalf("browser reached the callback; want it to stop on an error page\n%s", out)
				}
				t.Logf("browser stopped as expected: %s", strings.TrimSpace(string(out)))
				return
			}
			if err != nil {
				t.Fatalf("browser: %v\n%s", err, out)
			}
			var got url.Values
			select {
			case got = <-cb:
			case <-time.After(5 * time.Second):
				t.Fatal("browser exited 0 but no callback arrived")
			}
			if tt.wantError != "" {
				if e := got.Get("error"); e != tt.wantError {
					t.Fatalf("callback error = %q (%v), want %q", e, got, tt.wantError)
				}
				return
			}
			if e := got.Get("error"); e != "" {
				t.Fatalf("callback error %q: %s", e, got.Get("error_description"))
			}
			wantState := state
			if tt.wantState != nil {
				wantState = tt.wantState(state)
			}
			if s := got.Get("state"); s != wantState {
				t.Errorf("callback state = %q, want %q", s, wantState)
			}

			status, tok := tokenRequest(t, p.URL+"/token", client, secret, tt.basic, url.Values{
				"grant_type":    {"authorization_code"},
				"code":          {got.Get("code")},
				"redirect_uri":  {redirectURI},
				"code_verifier": {verifier},
			})
			if status != tt.wantStatus {
				t.Fatalf("token status = %d (%v), want %d", status, tok, tt.wantStatus)
			}
			if status != http.StatusOK {
				return
			}
			t.Logf("token response: scope=%q token_type=%v expires_in=%v refresh=%t", tok["scope"], tok["token_type"], tok["expires_in"], tok["refresh_token"] != nil)
			aud, isJWT := jwtAud(t, fmt.Sprint(tok["access_token"]))
			switch {
			case tt.wantAud == "" && isJWT:
				t.Errorf("access token is a JWT for %q, want opaque", aud)
			case tt.wantAud != "" && aud != tt.wantAud:
				t.Errorf("access token aud = %q (jwt %t), want %q", aud, isJWT, tt.wantAud)
			}
			rt, _ := tok["refresh_token"].(string)
			if (rt != "") != tt.wantRefresh {
				t.Fatalf("refresh token present = %t, want %t", rt != "", tt.wantRefresh)
			}
			if rt == "" {
				return
			}
			status, ref := tokenRequest(t, p.URL+"/token", client, secret, tt.basic, url.Values{
				"grant_type":    {"refresh_token"},
				"refresh_token": {rt},
			})
			if status != http.StatusOK {
				t.Fatalf("refresh status = %d (%v), want 200", status, ref)
			}
			if nrt, _ := ref["refresh_token"].(string); nrt == "" || nrt == rt {
				t.Errorf("refresh token did not rotate (new %q)", nrt)
			}
			// The old one is spent: reusing it is the invalid_grant a
			// platform sees when it keeps the first refresh token.
			status, again := tokenRequest(t, p.URL+"/token", client, secret, tt.basic, url.Values{
				"grant_type":    {"refresh_token"},
				"refresh_token": {rt},
			})
			if status != http.StatusBadRequest || again["error"] != "invalid_grant" {
				t.Errorf("reused refresh token: status %d %v, want 400 invalid_grant", status, again)
			}
		})
	}
}

// listenCallback serves the loopback redirect URI for one test and hands
// over the first callback's query.
func listenCallback(t testing.TB) <-chan url.Values {
	t.Helper()
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", callbackPort))
	if err != nil {
		t.Fatalf("callback listener: %v", err)
	}
	ch := make(chan url.Values, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		select {
		case ch <- r.URL.Query():
		default:
		}
		fmt.Fprintln(w, "<!DOCTYPE html><title>done</title>back to the terminal")
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln) //nolint:errcheck // ends at Shutdown
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx) //nolint:errcheck
	})
	return ch
}

func tokenRequest(t *testing.T, tokenURL, client, secret string, basic bool, form url.Values) (int, map[string]any) {
	t.Helper()
	if !basic {
		form.Set("client_id", client)
		form.Set("client_secret", secret)
	}
	req, err := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if basic {
		req.SetBasicAuth(url.QueryEscape(client), url.QueryEscape(secret))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("token request: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("token response: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("token response is not JSON: %v: %s", err, body)
	}
	return resp.StatusCode, m
}

// jwtAud returns a JWT's aud claim (the first one when it is a list), and
// whether tok is a JWT at all.
func jwtAud(t *testing.T, tok string) (string, bool) {
	t.Helper()
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "", false
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("JWT claims: %v", err)
	}
	var claims struct {
		Aud json.RawMessage `json:"aud"`
	}
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Fatalf("JWT claims: %v", err)
	}
	var one string
	if json.Unmarshal(claims.Aud, &one) == nil {
		return one, true
	}
	var many []string
	if err := json.Unmarshal(claims.Aud, &many); err != nil || len(many) == 0 {
		t.Fatalf("JWT aud %s is neither a string nor a list", claims.Aud)
	}
	return many[0], true
}

// BenchmarkBrowserLogin measures one login by the browser helper alone:
// Chromium start, login page, consent page, callback, Chromium exit.
func BenchmarkBrowserLogin(b *testing.B) {
	p := theProvider(b)
	browser := browserBin(b)
	cb := listenCallback(b)
	for b.Loop() {
		q := url.Values{
			"client_id":     {"app-post"},
			"response_type": {"code"},
			"redirect_uri":  {callbackURL()},
			"scope":         {"openid offline_access"},
			"prompt":        {"consent"},
			"state":         {rand.Text()},
		}
		if out, err := exec.Command(browser, "-timeout", "30s", p.URL+"/auth?"+q.Encode()).CombinedOutput(); err != nil {
			b.Fatalf("browser: %v\n%s", err, out)
		}
		select {
		case <-cb:
		case <-time.After(5 * time.Second):
			b.Fatal("no callback")
		}
	}
}
