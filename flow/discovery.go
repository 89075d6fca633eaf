package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
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
	u, err := parseHTTPURL("issuer", issuer)
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
		return discovery{}, fmt.Errorf("OIDC discovery: %s", describeNetError(wu, err))
	}
	defer resp.Body.Close()
	body, _, err := readCapped(resp.Body)
	if err != nil {
		return discovery{}, fmt.Errorf("OIDC discovery: reading %s: %w", wellKnown, err)
	}
	if resp.StatusCode != http.StatusOK {
		return discovery{}, fmt.Errorf("OIDC discovery: %s answered HTTP %d; check --issuer (it is the issuer URL without /.well-known/..., e.g. https://TENANT.auth0.com/), or give --authorize-url and --token-url instead", wellKnown, resp.StatusCode)
	}
	var d discovery
	if err := json.Unmarshal(body, &d); err != nil {
		return discovery{}, fmt.Errorf("OIDC discovery: %s is not JSON provider metadata: %v", wellKnown, err)
	}
	if d.AuthorizationEndpoint == "" || d.TokenEndpoint == "" {
		return discovery{}, fmt.Errorf("OIDC discovery: %s lacks authorization_endpoint or token_endpoint; give --authorize-url and --token-url", wellKnown)
	}
	return d, nil
}
