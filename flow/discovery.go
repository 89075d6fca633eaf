package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/authtrace/authtrace/decode"
)

// discovery is the part of an OpenID Provider's metadata authtrace uses.
type discovery struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`
}

// discover fetches issuer/.well-known/openid-configuration.
func discover(ctx context.Context, client *http.Client, issuer string) (discovery, error) {
	u, err := parseHTTPURL(SettingIssuer, issuer)
	if err != nil {
		return discovery{}, err
	}
	wellKnown := strings.TrimSuffix(u.String(), "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, wellKnown, nil)
	if err != nil {
		return discovery{}, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := client.Do(req)
	if err != nil {
		wu, _ := url.Parse(wellKnown)
		return discovery{}, &DiscoveryError{Problem: describeNetError(wu, err, client.Timeout), Err: err}
	}
	defer resp.Body.Close()
	body, _, err := decode.ReadCapped(resp.Body, maxBody)
	if err != nil {
		return discovery{}, &DiscoveryError{Problem: fmt.Sprintf("reading %s: %v", wellKnown, err), Err: err}
	}
	if resp.StatusCode != http.StatusOK {
		return discovery{}, &DiscoveryError{Problem: fmt.Sprintf("%s answered HTTP %d", wellKnown, resp.StatusCode), Status: resp.StatusCode}
	}
	d, err := parseDiscovery(body)
	if err != nil {
		return discovery{}, &DiscoveryError{Problem: fmt.Sprintf("%s %v", wellKnown, err), Err: err}
	}
	return d, nil
}

// DiscoveryError says OIDC discovery through the issuer failed. Status is
// the HTTP status when the server answered with something else than 200.
type DiscoveryError struct {
	Problem string
	Status  int
	Err     error
}

func (e *DiscoveryError) Error() string { return e.Words(nil) }

// Words is the error with name(setting) for the settings to change.
func (e *DiscoveryError) Words(name func(Setting) string) string {
	instead := words("give %s and %s instead", mark(SettingAuthorizeURL), mark(SettingTokenURL))
	if e.Status != 0 {
		instead = words("check %s (it is the issuer URL without /.well-known/..., e.g. https://TENANT.auth0.com/), or ", mark(SettingIssuer)) + instead
	}
	return "OIDC discovery: " + e.Problem + "; " + instead.In(name)
}

func (e *DiscoveryError) Unwrap() error { return e.Err }

// parseDiscovery reads provider metadata and checks the endpoints
// authtrace needs are there and are http(s) URLs.
func parseDiscovery(body []byte) (discovery, error) {
	var d discovery
	if err := json.Unmarshal(body, &d); err != nil {
		return discovery{}, fmt.Errorf("is not JSON provider metadata: %v", err)
	}
	for name, v := range map[string]string{"authorization_endpoint": d.AuthorizationEndpoint, "token_endpoint": d.TokenEndpoint} {
		if v == "" {
			return discovery{}, fmt.Errorf("lacks %s", name)
		}
		if err := CheckURL(Setting(name), v); err != nil {
			return discovery{}, fmt.Errorf("has an unusable %v", err)
		}
	}
	if d.JWKSURI != "" && CheckURL("jwks_uri", d.JWKSURI) != nil {
		d.JWKSURI = "" // signatures go unchecked; the login itself can go on
	}
	return d, nil
}
