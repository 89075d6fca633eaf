package flow

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"
)

// authRequest is the authorize request authtrace built, with the secrets it
// generated for it.
type authRequest struct {
	URL       string
	State     string
	Nonce     string // only when scope asks for openid
	Verifier  string // PKCE code_verifier; empty with NoPKCE
	Challenge string
	// Replaced names the parameters of the configured URL's own query
	// that a setting or extra parameter replaced.
	Replaced []string
}

// buildAuthorize builds the authorize URL the way a connector platform does:
// the configured URL's own query is kept, then response_type, client_id,
// redirect_uri, scope, state, nonce and PKCE, then the extra parameters in
// the order given. A parameter named twice (in the URL and as an extra) is
// sent once, with the extra's value, so what is compared is what was meant.
func buildAuthorize(cfg *Config, redirectURI string) (authRequest, error) {
	u, err := parseHTTPURL("authorize URL", cfg.AuthorizeURL)
	if err != nil {
		return authRequest{}, err
	}
	ar := authRequest{State: newState(cfg)}
	pairs := []Param{
		{"response_type", "code"},
		{"client_id", cfg.ClientID},
		{"redirect_uri", redirectURI},
	}
	if cfg.Scope != "" {
		pairs = append(pairs, Param{"scope", cfg.Scope})
	}
	pairs = append(pairs, Param{"state", ar.State})
	// The platform sends no nonce: its requests are OAuth 2.0 ones, even
	// with openid in the scope.
	if hasScope(cfg.Scope, "openid") && cfg.As != AsPowerPlatform {
		ar.Nonce = rand.Text()
		pairs = append(pairs, Param{"nonce", ar.Nonce})
	}
	if !cfg.NoPKCE {
		ar.Verifier = rand.Text() + rand.Text() // 52 characters: RFC 7636 asks 43 to 128
		sum := sha256.Sum256([]byte(ar.Verifier))
		ar.Challenge = base64.RawURLEncoding.EncodeToString(sum[:])
		pairs = append(pairs, Param{"code_challenge", ar.Challenge}, Param{"code_challenge_method", "S256"})
	}
	pairs = append(pairs, cfg.Params...)

	// Later pairs win; the URL's own query goes first and keeps its spelling.
	last := map[string]int{}
	for i, p := range pairs {
		last[p.Name] = i
	}
	var q []string
	if u.RawQuery != "" {
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			if name, err := url.QueryUnescape(k); err == nil {
				if _, overridden := last[name]; overridden {
					ar.Replaced = append(ar.Replaced, name)
					continue
				}
			}
			q = append(q, kv)
		}
	}
	for i, p := range pairs {
		if last[p.Name] != i {
			continue
		}
		q = append(q, url.QueryEscape(p.Name)+"="+url.QueryEscape(p.Value))
	}
	u.RawQuery = strings.Join(q, "&")
	ar.URL = u.String()
	return ar, nil
}

func hasScope(scope, want string) bool {
	for _, s := range strings.Fields(scope) {
		if s == want {
			return true
		}
	}
	return false
}
