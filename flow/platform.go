package flow

import "net/url"

// AsPowerPlatform is Config.As for Power Platform's custom connectors: its
// state shape (<GUID>_<region-cluster>_azure-apim.net), no PKCE, no nonce,
// and the client secret in the form body first, then as Basic.
const AsPowerPlatform = "power-platform"

// TokenFill is what a token request is built from: for the code exchange
// (Grant "authorization_code") the code and the redirect URI it was sent
// to, for the refresh (Grant "refresh_token") the refresh token. ClientID
// and ClientSecret are the run's, known only once it starts (the secret
// may come from a prompt).
type TokenFill struct {
	Grant        string
	Code         string
	RedirectURI  string
	RefreshToken string
	ClientID     string
	ClientSecret string
}

// TokenRequest is a token-endpoint request built by a platform's
// templates (Config.TokenRequest).
type TokenRequest struct {
	URL string
	// Body, when set, is the form body exactly as the platform sends it
	// (a connector's template, client credentials in it or not): the
	// engine sends it as is, with no client authentication of its own.
	Body string
	// Form, when Body is empty, are the grant's fields; the engine adds
	// the client authentication per Config.ClientAuth, as for its own.
	Form url.Values
}
