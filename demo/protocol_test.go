package demo

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// The library, not the demo, answers the protocol; these tests hold it to
// what #13 asks of the demo's provider, through its HTTP endpoints.

const (
	testCallback = "http://127.0.0.1:5/callback" // never reached: the browser stops at it
	testVerifier = "a-verifier-of-forty-three-characters-0123456"
)

// signIn runs the browser's part of a login and returns the callback's
// query.
func signIn(t *testing.T, s *Server, scope string) url.Values {
	t.Helper()
	return signInAnswering(t, s, scope, "allow")
}

// signInAnswering is signIn with the person's answer on the consent page.
func signInAnswering(t *testing.T, s *Server, scope, answer string) url.Values {
	t.Helper()
	sum := sha256.Sum256([]byte(testVerifier))
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {testCallback},
		"scope": {scope}, "state": {"st"}, "audience": {apiAudience},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
	jar, _ := cookiejar.New(nil)
	var callback *url.URL
	c := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if r.URL.Port() == "5" {
			callback = r.URL
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := c.Get(s.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	form := url.Values{"id": {id}, "login": {demoUser}, "password": {demoPassword}}
	if resp, err = c.PostForm(s.URL+"/login", form); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if callback != nil {
		t.Fatalf("a code came back before the consent page: %s", callback)
	}
	if resp, err = c.PostForm(s.URL+"/consent", url.Values{"id": {id}, "answer": {answer}}); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if callback == nil {
		t.Fatalf("the login ended at %s (%d), not at the callback", resp.Request.URL, resp.StatusCode)
	}
	return callback.Query()
}

type tokenAnswer struct {
	Status       int
	Error        string `json:"error"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
}

func token(t *testing.T, s *Server, form url.Values) tokenAnswer {
	t.Helper()
	form.Set("client_id", clientID)
	form.Set("client_secret", clientSecret)
	resp, err := http.PostForm(s.URL+"/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := tokenAnswer{Status: resp.StatusCode}
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return a
}

func exchange(t *testing.T, s *Server, code, verifier string) tokenAnswer {
	t.Helper()
	return token(t, s, url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {testCallback}, "code_verifier": {verifier}})
}

func start(t *testing.T, fault string) *Server {
	t.Helper()
	s, err := Start(fault)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestCodeWorksOnce(t *testing.T) {
	s := start(t, "none")
	code := signIn(t, s, "openid").Get("code")
	if a := exchange(t, s, code, testVerifier); a.AccessToken == "" {
		t.Fatalf("first exchange: %+v", a)
	}
	if a := exchange(t, s, code, testVerifier); a.Error != "invalid_grant" {
		t.Errorf("second exchange of the same code: %+v, want invalid_grant", a)
	}
}

func TestPKCEVerified(t *testing.T) {
	s := start(t, "none")
	code := signIn(t, s, "openid").Get("code")
	if a := exchange(t, s, code, strings.Repeat("x", 43)); a.Error != "invalid_grant" {
		t.Errorf("exchange with another verifier: %+v, want invalid_grant", a)
	}
}

func TestRefreshOnlyWithOfflineAccess(t *testing.T) {
	s := start(t, "none")
	if a := exchange(t, s, signIn(t, s, "openid").Get("code"), testVerifier); a.AccessToken == "" || a.RefreshToken != "" {
		t.Errorf("without offline_access: %+v, want an access token and no refresh token", a)
	}
}

func TestRefreshRotates(t *testing.T) {
	s := start(t, "none")
	first := exchange(t, s, signIn(t, s, "openid offline_access").Get("code"), testVerifier)
	if first.RefreshToken == "" {
		t.Fatalf("exchange: %+v, want a refresh token", first)
	}
	refresh := func(rt string) tokenAnswer {
		return token(t, s, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt}})
	}
	second := refresh(first.RefreshToken)
	if second.RefreshToken == "" || second.RefreshToken == first.RefreshToken {
		t.Fatalf("refresh: %+v, want a new refresh token", second)
	}
	if a := refresh(first.RefreshToken); a.Error != "invalid_grant" {
		t.Errorf("the replaced refresh token again: %+v, want invalid_grant", a)
	}
	if a := refresh(second.RefreshToken); a.AccessToken == "" {
		t.Errorf("the new refresh token: %+v, want tokens", a)
	}
}

// TestRedirectURIExact: a loopback redirect_uri may change its port (RFC
// 8252 §7.3); the library lets its loopback host and scheme vary as well,
// but not its path or query, which is what the faults change.
func TestRedirectURIExact(t *testing.T) {
	s := start(t, "none")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for uri, wantRefused := range map[string]bool{
		"http://127.0.0.1:5/callback":   false,
		"http://127.0.0.1:6/callback":   false,
		"http://127.0.0.1:5/callback/":  true,
		"http://127.0.0.1:5/callback?x": true,
		"http://127.0.0.1:5/Callback":   true,
		"http://127.0.0.1:5/cb":         true,
	} {
		q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {uri}, "scope": {"openid"}, "state": {"st"}}
		resp, err := c.Get(s.URL + "/authorize?" + q.Encode())
		if err != nil && !errors.Is(err, http.ErrUseLastResponse) {
			t.Fatal(err)
		}
		resp.Body.Close()
		if refused := resp.StatusCode == http.StatusBadRequest; refused != wantRefused {
			t.Errorf("%s: status %d, refused %v; want refused %v", uri, resp.StatusCode, refused, wantRefused)
		}
	}
}

// Denying on the consent page answers access_denied at the callback, with
// no code; the consent page answers nothing to a login not signed in.
func TestConsent(t *testing.T) {
	s := start(t, "none")
	cb := signInAnswering(t, s, "openid", "deny")
	if cb.Get("error") != "access_denied" || cb.Has("code") || cb.Get("state") != "st" {
		t.Errorf("denied consent: callback %v, want error=access_denied, state, no code", cb)
	}
	// consent-denied is the built-in browser's answer, not the server's:
	// a person who clicks Allow gets a code.
	if cb := signInAnswering(t, start(t, "consent-denied"), "openid", "allow"); !cb.Has("code") {
		t.Errorf("Allow under consent-denied: callback %v, want a code", cb)
	}
	for _, id := range []string{"nope", pendingLogin(t, s)} {
		resp, err := http.PostForm(s.URL+"/consent", url.Values{"id": {id}, "answer": {"allow"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("consent for %q without a sign-in: HTTP %d, want 400", id, resp.StatusCode)
		}
	}
}

// pendingLogin is the id of a login that reached the login page and no
// further.
func pendingLogin(t *testing.T, s *Server) string {
	t.Helper()
	q := url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {testCallback}, "scope": {"openid"}, "state": {"st"}}
	jar, _ := cookiejar.New(nil)
	resp, err := (&http.Client{Jar: jar}).Get(s.URL + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("the authorize request ended at %s, not at the login page", resp.Request.URL)
	}
	return id
}
