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
		return discovery{}, fmt.Errorf("OIDC discovery: %s", describeNetError(wu, err, client.Timeout))
	}
	defer resp.Body.Close()
	body, _, err := readCapped(resp.Body)
	if err != nil {
		return discovery{}, fmt.Errorf("OIDC discovery: reading %s: %w", wellKnown, err)
	}
	if resp.StatusCode != http.StatusOK {
		return discovery{}, fmt.Errorf("OIDC discovery: %s answered HTTP %d; check --issuer (it is the issuer URL without /.well-known/..., e.g. https://TENANT.auth0.com/), or give --authorize-url and --token-url instead", wellKnown, resp.StatusCode)
	}
	d, err := parseDiscovery(body)
	if err != nil {
		return discovery{}, fmt.Errorf("OIDC discovery: %s %v; give --authorize-url and --token-url instead", wellKnown, err)
	}
	return d, nil
}

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
		if err := CheckURL(name, v); err != nil {
			return discovery{}, fmt.Errorf("has an unusable %v", err)
		}
	}
	if d.JWKSURI != "" && CheckURL("jwks_uri", d.JWKSURI) != nil {
		d.JWKSURI = "" // signatures go unchecked; the login itself can go on
	}
	return d, nil
}
