package flow

import (
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// Hints say what to change in the words of the platform the person is
// looking at (the Power Platform connector's Security tab, Auth0, Okta,
// Entra, Google). This file holds where things are changed and which
// provider a host belongs to, for every hint, and the hints of the hop
// findings; tokenhints.go has those of the token endpoint.

// Where people change things, named once so every hint says it the same way.
const (
	ppSecurity   = "the custom connector's Security tab (Generic OAuth 2)"
	auth0Clients = "Auth0 Dashboard > Applications > Applications > your application"
	oktaApp      = "Okta Admin Console > Applications > your app"
	entraApp     = "Entra admin center > App registrations > your app"
	googleClient = "Google Cloud console > APIs & Services > Credentials > your OAuth 2.0 client"
)

// providerOf names the authorization server behind a host, for hints:
// "auth0", "okta", "google", "entra" or "" when unknown. host may carry a
// port, or be a whole URL.
func providerOf(host string) string {
	if strings.Contains(host, "://") {
		if u, err := url.Parse(host); err == nil {
			host = u.Host
		}
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	has := func(domains ...string) bool {
		for _, d := range domains {
			if host == d || strings.HasSuffix(host, "."+d) {
				return true
			}
		}
		return false
	}
	switch {
	case has("auth0.com"):
		return "auth0"
	case has("okta.com", "oktapreview.com", "okta-emea.com", "okta-gov.com", "okta.mil"):
		return "okta"
	case has("accounts.google.com", "oauth2.googleapis.com", "googleapis.com"):
		return "google"
	case has("login.microsoftonline.com", "login.microsoft.com", "login.windows.net", "sts.windows.net",
		"ciamlogin.com", "b2clogin.com", "login.microsoftonline.us", "login.chinacloudapi.cn"):
		return "entra"
	}
	return ""
}

func stateHint(kind string, role report.Role) string {
	var h string
	switch kind {
	case stateKindSuffixAdded, stateKindPrefixAdded, stateKindWrapped:
		h = "Something between the platform and the provider (a tenant-aware /authorize proxy, or an SDK in it) adds its own data to state. Power Platform compares the state that comes back byte for byte, so pass state through unchanged and keep the extra data elsewhere: its own cookie, its own parameter, or server-side keyed by the state."
	case stateKindPercentDecoded, stateKindPercentEncodedTwice:
		h = "state was re-encoded on the way: a proxy decodes the query and builds the next URL without encoding it again, or encodes a value that is already encoded. Build redirect URLs with a URL library (URLSearchParams, url.Values) from the decoded value, encoding it exactly once."
	case stateKindPlusToSpace:
		h = "A '+' in state was read as a space: something parsed the query as a form (where '+' means space) and wrote the value back with %20. Encode '+' as %2B when building the next URL, or read the query with a decoder that leaves '+' alone."
	case stateKindTruncated:
		h = "state was cut on the way: look for a length limit in the proxy or the provider (some keep 255 or 512 characters) and for characters such as & and # that end the value when they are not percent-encoded."
	case stateKindCaseChanged:
		h = "Something changed the case of state (a case-insensitive store, a URL normaliser). state is an opaque value and must come back exactly as sent."
	default:
		h = "state came back as a different value: a proxy or the provider put its own state in place of the client's. The provider must return the client's state unchanged (RFC 6749 §4.1.2); a proxy that needs its own state must keep it separately and restore the client's on the way back."
	}
	if role == report.RoleCallback {
		h += " Power Platform rejects this login after sign-in, even though the provider accepted it."
	}
	return h
}

func redirectURIHint(kind, sent string) string {
	register := fmt.Sprintf("Keep redirect_uri exactly %q end to end, and register that exact string with the provider (Auth0: Allowed Callback URLs; Okta: Sign-in redirect URIs; Entra: Authentication > Web > Redirect URIs; Google: Authorized redirect URIs).", sent)
	switch kind {
	case redirectKindTrailingSlash:
		return "Providers compare redirect_uri as a string, so a trailing slash makes it another URL. " + register
	case redirectKindPath:
		return "Power Platform connectors updated since 2024 use a per-connector redirect URI (" + PowerPlatformRedirectURI + "/<id>, shown on " + ppSecurity + "); older ones use " + PowerPlatformRedirectURI + ". The provider must have the one the connector sends registered, and nothing on the way may rewrite it. " + register
	case redirectKindScheme, redirectKindHost, redirectKindPort:
		return "A proxy or rewrite rule changed the redirect_uri, so the provider sends the user (and the code) somewhere else, and the token request's redirect_uri no longer matches. " + register
	case redirectKindEncoding:
		return "The redirect_uri was percent-encoded differently on the way (decoded, or encoded twice). Encode it exactly once when building the next URL. " + register
	case redirectKindCase:
		return "Providers compare redirect_uri case-sensitively (at least its path). " + register
	}
	return "The redirect_uri was replaced on the way to the provider. " + register
}

func paramDroppedHint(p, sent string) string {
	switch p {
	case "audience":
		return fmt.Sprintf("Without audience, Auth0 issues an opaque access token for its /userinfo endpoint instead of a JWT for your API. Pass audience=%s through unchanged (in Power Platform it usually sits in the connector's Authorization URL query string).", sent)
	case "resource":
		return fmt.Sprintf("Without resource the token is issued for a default audience, not for %s. Pass resource through unchanged.", sent)
	case "scope":
		return "Without scope the provider issues its default scopes (no offline_access, so no refresh token). Pass scope through unchanged; it comes from the connector's Scope field."
	case "client_id", "response_type":
		return fmt.Sprintf("%s is required in an authorize request; pass it through unchanged.", p)
	case "prompt":
		return fmt.Sprintf("prompt=%s was dropped; some servers issue a refresh token only with prompt=consent. Pass prompt through unchanged.", sent)
	}
	return fmt.Sprintf("%s=%s was dropped on the way to the provider; pass it through if it is needed.", p, sent)
}

func paramAddedHint(p string) string {
	switch p {
	case "organization":
		return "Added on the way (an Auth0 Organization, typically by a tenant-aware proxy); fine if intended. The token then carries org_id."
	case "connection":
		return "Added on the way: an Auth0 connection sends the user straight to one identity provider; fine if intended."
	case "prompt":
		return "prompt was added on the way; fine if intended (prompt=consent is what some servers need to issue a refresh token)."
	case "audience", "resource":
		return fmt.Sprintf("%s was added on the way and selects the API the token is for; check it names your API.", p)
	}
	return fmt.Sprintf("%s was added on the way; fine if intended.", p)
}

// authorizeErrorHint says what to change for an error the provider sent to
// the callback. sent holds the sent authorize params.
func authorizeErrorHint(code, desc string, sent map[string]string) string {
	d := strings.ToLower(desc)
	_, ae, entra := readAADSTS(desc)
	switch {
	case entra && ae.kind == aadstsRedirect || code == "redirect_uri_mismatch":
		return redirectRegisterHint("entra", sent["redirect_uri"], "")
	case entra && ae.hint != "":
		return ae.hint // Entra's number says more than its error code
	case code == "consent_required":
		return "The user (or an admin) has not consented to this application's permissions. Add prompt=consent to the authorize request (append it to the connector's Authorization URL), or grant admin consent in " + entraApp + " > API permissions > Grant admin consent."
	case code == "interaction_required" || code == "login_required":
		return "The provider needs the user to sign in or consent interactively (prompt=none cannot be satisfied). Remove prompt=none, or use prompt=consent or prompt=login in the connector's Authorization URL."
	case code == "access_denied" && strings.Contains(d, "service not found"):
		aud := sent["audience"]
		if aud == "" {
			return "Auth0 knows no API with the requested audience. Compare the audience in the connector's Authorization URL with the Identifier in Auth0 Dashboard > Applications > APIs: it must match exactly, including the scheme and any trailing slash."
		}
		return fmt.Sprintf("Auth0 knows no API with audience %q: a typo, or an API in another tenant. Compare it with the Identifier in Auth0 Dashboard > Applications > APIs; it must match exactly, including the scheme and any trailing slash.", aud)
	case code == "access_denied":
		return "The user declined consent, or a rule, action or policy at the provider denied access (Auth0 Actions/Rules, Okta access policies, Entra Conditional Access or user assignment required). The provider's logs say which."
	case code == "invalid_scope":
		return fmt.Sprintf("A scope in %q is unknown or not allowed for this client. Check the connector's Scope field (space-separated): Okta scopes must exist on the authorization server and be allowed by its access policy; Entra wants full API scopes (api://<app-id>/<scope>) and one resource per request; Google scopes are full URLs.", sent["scope"])
	case code == "unauthorized_client":
		return "The provider does not let this client use the authorization-code flow. Auth0: " + auth0Clients + " > Advanced Settings > Grant Types > Authorization Code; Okta: " + oktaApp + " > General > Grant type > Authorization Code; Entra: add a Web platform with the redirect URI."
	case code == "unsupported_response_type":
		return "The provider does not allow response_type=code for this client; enable the authorization-code flow for the application (it must be a regular web application, not a single-page or machine-to-machine one)."
	case code == "invalid_client" || strings.Contains(d, "unknown client"):
		return "The provider does not know the Client ID. Copy it again into " + ppSecurity + ", and check the Authorization URL points to the tenant the application lives in."
	case code == "invalid_request" && strings.Contains(d, "redirect"):
		return redirectRegisterHint("", sent["redirect_uri"], "")
	case code == "invalid_request":
		return "The provider found the authorize request malformed; its error_description names the parameter. Check the query string in the connector's Authorization URL and the extra parameters."
	case code == "server_error" || code == "temporarily_unavailable":
		return "The provider failed on its side; retry, and check its logs or status page."
	}
	return "The provider refused the authorization request; its error_description says why."
}

// redirectRegisterHint says where to register a refused redirect URI, per
// provider p: sent is the one that was sent, got the one the provider was
// given ("" when either is not known). A loopback URI is authtrace's own
// and is registered next to the connector's; the platform's is the
// connector's, as its Security tab shows it. When the two differ, the
// provider refused what something on the way made of it, and registering
// that would be the wrong fix.
func redirectRegisterHint(p, sent, got string) string {
	where := map[string]string{
		"auth0":  auth0Clients + " > Settings > Allowed Callback URLs",
		"okta":   oktaApp + " > General > Login > Sign-in redirect URIs",
		"entra":  entraApp + " > Authentication > Web > Redirect URIs",
		"google": googleClient + " > Authorized redirect URIs",
	}[p]
	if where == "" {
		where = "the provider's list of allowed redirect (callback) URIs for this client"
	}
	const exact = "It must match byte for byte: scheme, host, port, path, no trailing slash."
	var changed string
	if sent != "" && got != "" && got != sent {
		changed = fmt.Sprintf(" The provider was given %s, not the %s that was sent: something on the way changed it; make it pass redirect_uri through unchanged rather than register what it makes of it.", got, sent)
	}
	switch {
	case sent == "":
		return "Register the connector's redirect URL, exactly as " + ppSecurity + " shows it (" + PowerPlatformRedirectURI + ", or " + PowerPlatformRedirectURI + "/<id> for a per-connector one), in " + where + ". " + exact
	case IsLoopbackURI(sent):
		own := fmt.Sprintf("next to the connector's own (%s or %s/<id>); the connector keeps working with its own", PowerPlatformRedirectURI, PowerPlatformRedirectURI)
		if u, err := url.Parse(sent); err == nil && p == "entra" && u.Hostname() != "localhost" {
			// Entra's Web platform takes http:// for localhost only.
			u.Host = net.JoinHostPort("localhost", u.Port())
			return fmt.Sprintf("Entra's Web platform accepts http:// only for localhost, so %s cannot be registered there: register %s in %s, %s, and give authtrace that redirect URI instead. %s%s", sent, u, where, own, exact, changed)
		}
		return fmt.Sprintf("Register %s, the loopback redirect URI that was sent, in %s, %s. %s%s", sent, where, own, exact, changed)
	case strings.HasPrefix(sent, PowerPlatformRedirectURI):
		return fmt.Sprintf("Register %s, the connector's redirect URL as %s shows it, in %s. %s%s", sent, ppSecurity, where, exact, changed)
	}
	return fmt.Sprintf("Register %s, the redirect URI that was sent, in %s. %s%s", sent, where, exact, changed)
}

// IsLoopbackURI reports whether uri is an http URL on a loopback host:
// authtrace's own redirect URI rather than a platform's.
func IsLoopbackURI(uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "http" {
		return false
	}
	switch strings.ToLower(u.Hostname()) {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}
