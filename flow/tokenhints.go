package flow

import (
	"fmt"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// Hints of the token endpoint and refresh findings, in the words of the
// platform and provider the person is looking at.

// tokenErrorHint says what to change for an error from the token endpoint,
// for the code exchange or (refresh true) the refresh grant. The provider's
// error_description refines it where it names the cause.
func tokenErrorHint(e *OAuthError, refresh bool) string {
	if e == nil {
		return ""
	}
	if _, ae, known := readAADSTS(e.Description); known && ae.hint != "" {
		return ae.hint // Entra's number says more than its error code
	}
	d := strings.ToLower(e.Description)
	switch e.Code {
	case "invalid_client":
		return "The token endpoint did not accept the client credentials. Check the Client secret in " + ppSecurity + " (copy it again; a rotated or expired secret fails the same way). Power Platform sends client_id and client_secret in the form body first, then as an HTTP Basic header: if the provider accepts only one method, set it to match (Auth0: " + auth0Clients + " > Credentials > Authentication Method \"Client Secret (Post)\"; Okta: " + oktaApp + " > General > Client authentication \"Client secret\" with client_secret_post allowed). Run authtrace with the client authentication set to post, then to basic, to see which one works."
	case "invalid_grant":
		if refresh {
			return refreshInvalidGrantHint(d)
		}
		return exchangeInvalidGrantHint(d)
	case "unauthorized_client":
		if refresh {
			return "The client may not use the refresh_token grant. Auth0: " + auth0Clients + " > Settings > Advanced Settings > Grant Types > Refresh Token; Okta: " + oktaApp + " > General > Grant type > Refresh Token (and the authorization server's access policy rule must allow it)."
		}
		return "The client may not use the authorization_code grant. Auth0: " + auth0Clients + " > Settings > Advanced Settings > Grant Types > Authorization Code; Okta: " + oktaApp + " > General > Grant type > Authorization Code, with an access policy rule that allows it."
	case "invalid_scope":
		return "A requested scope is unknown or not allowed for this client. Check the connector's Scope field (space-separated): Okta scopes must exist on the authorization server (Security > API > Authorization Servers > Scopes) and be allowed by its access policy; Entra wants full API scopes (api://<app-id>/<scope>) and one resource per request."
	case "invalid_request":
		if strings.Contains(d, "redirect") {
			return "The token request's redirect_uri must equal the one in the authorize request, byte for byte; Power Platform sends the connector's redirect URL in both."
		}
		if !refresh && (strings.Contains(d, "pkce") || strings.Contains(d, "code_verifier") || strings.Contains(d, "code_challenge")) {
			return pkceRequiredHint
		}
		return "The token endpoint found the request malformed; its error_description names the parameter. Check the connector's Token URL (it must be the token endpoint, not the authorize one)."
	case "unsupported_grant_type":
		return "The token endpoint does not accept this grant type: check the connector's Token URL points to the OAuth 2.0 token endpoint, and that the grant is enabled for the application."
	case "":
		return fmt.Sprintf("The token endpoint answered HTTP %d without an OAuth error code: check the connector's Token URL (and Refresh URL) and the provider's logs.", e.Status)
	}
	return "The token endpoint refused the request; its error_description says why."
}

const pkceRequiredHint = "The provider requires PKCE for this application (it is registered as public, or PKCE is enforced) and the exchange had no code_verifier. Power Platform's Generic OAuth 2 connector sends no PKCE: register the application as a confidential one that signs in with its client secret, without required PKCE (Auth0: a Regular Web Application; Okta: a Web app with \"Require PKCE as additional verification\" off; Entra: the redirect URI under the Web platform, not Single-page application or Mobile)."

const pkceMismatchHint = "The PKCE code_verifier does not match the code_challenge of the authorize request: the verifier must be the one generated for this login, sent unchanged."

func exchangeInvalidGrantHint(d string) string {
	switch {
	case strings.Contains(d, "code_verifier") || strings.Contains(d, "pkce"):
		return pkceMismatchHint
	case strings.Contains(d, "redirect"):
		return "The token request's redirect_uri differs from the authorize request's: they must be equal byte for byte (no trailing slash, same scheme and path)."
	case strings.Contains(d, "already") || strings.Contains(d, "redeemed") || strings.Contains(d, "used"):
		return "The authorization code was already used: codes are single-use, so a retried exchange fails (and may revoke the tokens of the first one)."
	case strings.Contains(d, "expired"):
		return "The authorization code expired before the exchange: codes live from 30 seconds to 10 minutes; exchange it right away."
	}
	return "The authorization code was refused. Usual causes: the code was already used or expired (codes are single-use and short-lived); the token request's redirect_uri differs from the authorize request's; the PKCE code_verifier does not match the code_challenge; the code was issued to another client."
}

func refreshInvalidGrantHint(d string) string {
	base := "Power Platform then shows the connection as broken and the user has to sign in again (fix connection)."
	switch {
	case strings.Contains(d, "reuse") || strings.Contains(d, "rotat") || strings.Contains(d, "already"):
		return "The refresh token was already used: with rotation (Auth0 Refresh Token Rotation, Okta \"Rotate token after every use\") each refresh token works once, and reusing one can revoke the whole family. Store the new refresh token from every refresh. " + base
	case strings.Contains(d, "expired"):
		return "The refresh token expired: check the lifetime settings (Auth0 API > Settings and Application > Refresh Token Expiration, absolute and inactivity; Okta access policy rule; Entra 90 days of inactivity). " + base
	case strings.Contains(d, "revoked"):
		return "The refresh token was revoked (password change, sign-out, an admin, or a reused rotated token). " + base
	}
	return "The refresh token was refused: rotated and already used (Auth0 Refresh Token Rotation, Okta rotation), expired (absolute or inactivity lifetime), revoked (password change, sign-out, admin), or issued to another client. " + base
}

// Causes of refresh_token.missing.
const (
	refreshCauseNotRequested = "offline_access_not_requested"
	refreshCauseWithheld     = "withheld"
)

// refreshMissingFinding builds refresh_token.missing for a token response
// without a refresh token. scope is the scope the authorize request sent
// (params["scope"] when empty), params the authorize parameters sent
// (prompt, access_type, ...), issuerHost the host of the issuer or token
// URL, which selects the provider-specific hint. Cause is
// offline_access_not_requested (Google: access_type=offline missing) or
// withheld; withheld is an error, not requested a warning.
// connectorAuthorizeWhere is where an authorize parameter goes in a
// connector's file, for hints that would otherwise name the Security
// tab's Authorization URL.
const connectorAuthorizeWhere = "the connector's authorizationUrlQueryStringTemplate (oauth2generic) or authorizationUrl (oauth2) in apiProperties.json"

func refreshMissingFinding(scope string, params map[string]string, issuerHost string) report.Finding {
	if scope == "" {
		scope = params["scope"]
	}
	p := providerOf(issuerHost)
	prompt := params["prompt"]
	requested := strings.Contains(" "+strings.Join(strings.Fields(scope), " ")+" ", " offline_access ")
	if p == "google" {
		requested = params["access_type"] == "offline"
	}
	cause := refreshCauseWithheld
	if !requested {
		cause = refreshCauseNotRequested
	}
	f := report.Finding{
		Code:   report.CodeRefreshTokenMissing,
		Token:  "refresh_token",
		Detail: map[string]string{"cause": cause, "scope": scope},
	}
	if p != "" {
		f.Detail["provider"] = p
	}
	after := "the connection works until the access token expires (often an hour), then fails with \"Missing refresh token\""
	// An error either way: a connector's connection breaks within the hour.
	f.Severity = report.SeverityError
	if requested {
		f.Message = "No refresh token came back although it was requested: " + after + "."
	} else {
		what := "offline_access was not in the scope"
		if p == "google" {
			what = "access_type=offline was not sent"
		}
		f.Message = "No refresh token came back, and " + what + ": " + after + "."
	}
	addScope := "Add offline_access to the Scope field of " + ppSecurity + " (for example \"openid profile offline_access\"), and set the Refresh URL (usually the same as the Token URL)."
	switch p {
	case "auth0":
		f.Hint = "In Auth0, turn on \"Allow Offline Access\" in Dashboard > Applications > APIs > your API > Settings, and tick Refresh Token in " + auth0Clients + " > Settings > Advanced Settings > Grant Types."
		if !requested {
			f.Hint = addScope + " " + f.Hint
		}
	case "okta":
		f.Hint = "In Okta, tick the Refresh Token grant type in " + oktaApp + " > General > General Settings, and allow it in the authorization server's access policy rule (Security > API > Authorization Servers > Access Policies)."
		if !requested {
			f.Hint = addScope + " " + f.Hint
		}
	case "google":
		switch {
		case !requested:
			f.Hint = "Google issues a refresh token only with access_type=offline (it has no offline_access scope), and again only at first consent unless prompt=consent: append ?access_type=offline&prompt=consent to the Authorization URL in " + ppSecurity + "."
		case prompt != "consent":
			f.Hint = "Google returns a refresh token only at the first consent; later logins get none unless prompt=consent is sent. Append &prompt=consent to the Authorization URL in " + ppSecurity + " (or remove the app's access at myaccount.google.com > Security > Third-party access and sign in again)."
		default:
			f.Hint = "Google withheld the refresh token although access_type=offline and prompt=consent were sent: check the OAuth client is a Web application client and the consent screen is published (testing apps' refresh tokens expire after 7 days)."
		}
	case "entra":
		f.Hint = "Entra issues a refresh token when offline_access is requested and consented: keep offline_access in the Scope field of " + ppSecurity + " next to the API scope (for example \"api://<app-id>/access_as_user offline_access\"), and grant consent again (prompt=consent, or admin consent in " + entraApp + " > API permissions)."
		if !requested {
			f.Hint = addScope + " Entra (v2 endpoint) issues a refresh token only for offline_access, next to the API scope (for example \"api://<app-id>/access_as_user offline_access\")."
		}
	default:
		switch {
		case !requested:
			f.Hint = addScope + " Some servers (oidc-provider among them) also need prompt=consent: append &prompt=consent to the Authorization URL."
		case prompt != "consent":
			f.Hint = "Some servers (oidc-provider among them) issue a refresh token only when offline_access comes with prompt=consent: append &prompt=consent to the Authorization URL in " + ppSecurity + ". Check also that the client may use the refresh_token grant."
		default:
			f.Hint = "offline_access and prompt=consent were both sent: check the client is allowed the refresh_token grant (its grant_types) and that the provider's policy issues refresh tokens to it."
		}
	}
	return f
}
