package flow

import (
	"regexp"

	"github.com/authtrace/authtrace/report"
)

// Entra ID's errors, read by their AADSTS number wherever they show: an
// error page during the authorize chain, the callback's
// error_description, the token endpoint's answer. Entra words its
// messages differently by locale and over time; the number stays.

// aadstsPattern finds an AADSTS number. Entra's are 5 to 7 digits.
var aadstsPattern = regexp.MustCompile(`(?i)\baadsts(\d{5,7})\b`)

// aadstsKind is what an Entra error means for the login, which picks the
// finding code on an error page.
type aadstsKind int

const (
	aadstsRedirect aadstsKind = iota // the redirect URI: redirect_uri.rejected
	aadstsClient                     // the client or its secret: client.rejected
	aadstsOther                      // anything else: the finding of where it showed
)

// aadstsError is one Entra error authtrace knows.
type aadstsError struct {
	kind aadstsKind
	what string // a few words, for messages: "wrong client secret"
	// hint says what to change in Entra or the connector; empty for the
	// redirect URI, whose hint names the URI sent (redirectRegisterHint).
	hint string
}

// aadstsErrors are the Entra errors authtrace knows, by number.
var aadstsErrors = map[string]aadstsError{
	"50011":  {kind: aadstsRedirect, what: "redirect URI not registered for the app"},
	"500113": {kind: aadstsRedirect, what: "no reply address registered for the app"},
	"700016": {kind: aadstsClient, what: "application not found in the tenant",
		hint: "Entra does not know this Client ID in this tenant: use the Application (client) ID from " + entraApp + " > Overview, and the right tenant in the Authorization URL (or make the app multi-tenant)."},
	"7000215": {kind: aadstsClient, what: "wrong client secret",
		hint: "Entra rejected the client secret: copy the secret's Value (not its Secret ID) from " + entraApp + " > Certificates & secrets into the connector's Client secret (" + ppSecurity + "); an expired secret needs a new one, and the connector must be updated with it."},
	"500011": {kind: aadstsOther, what: "resource principal not found in the tenant",
		hint: "Entra has no service principal for the resource the connector asks for in the user's tenant. Check the connector's Resource URL (aad) or the api://... part of its scope: it must be the API's Application ID URI exactly (" + entraApp + " (the API) > Expose an API), without a typo or an extra trailing slash. An API registered in another tenant needs an admin of the user's tenant to consent to it first, which creates its service principal there."},
	"650057": {kind: aadstsOther, what: "resource not in the app's permissions",
		hint: "The connector's app does not list the requested API among its permissions: in " + entraApp + " (the connector's Client ID) > API permissions > Add a permission > My APIs, add your API's delegated permission, then Grant admin consent. The connector's Resource URL (aad) or scope must name that same API."},
	"65001": {kind: aadstsOther, what: "consent missing",
		hint: "The user (or an admin) has not consented to the app's permissions for this API. Grant admin consent in " + entraApp + " > API permissions > Grant admin consent for the tenant, or let the user consent once (append prompt=consent to the connector's Authorization URL); an admin-only permission needs the admin."},
	"54005": {kind: aadstsOther, what: "code already redeemed",
		hint: "The authorization code was already used: codes are single-use. Something redeemed it before this exchange (a reload of the callback, a second tab, or another client on the same redirect URI); authtrace exchanges each code once. Sign in again for a fresh code; if it keeps happening, look for what else receives the redirect."},
	"50148":  {kind: aadstsOther, what: "PKCE code_verifier does not match", hint: pkceMismatchHint},
	"501481": {kind: aadstsOther, what: "PKCE code_verifier does not match", hint: pkceMismatchHint},
	"70008": {kind: aadstsOther, what: "code or refresh token expired",
		hint: "Entra says the authorization code (or refresh token) has expired: codes live about 10 minutes, so exchange the code right away; for a refresh token, the user signs in again (fix connection)."},
	"50173": {kind: aadstsOther, what: "grant revoked",
		hint: "The refresh token was revoked (a password change, a sign-out everywhere, an admin revoking sessions). Power Platform then shows the connection as broken: the user signs in again (fix connection)."},
	"700082": {kind: aadstsOther, what: "refresh token expired",
		hint: "The refresh token expired (Entra: after 90 days without use, or sooner under a Conditional Access sign-in frequency policy for the app). Power Platform then shows the connection as broken: the user signs in again (fix connection). A sign-in frequency policy on the connector's app sets how often."},
}

// readAADSTS finds the first AADSTS number in text: the one known to
// authtrace when there is one, else the first seen (known false). num is
// "" when text names none.
func readAADSTS(text string) (num string, e aadstsError, known bool) {
	for _, m := range aadstsPattern.FindAllStringSubmatch(text, 8) {
		if e, ok := aadstsErrors[m[1]]; ok {
			return m[1], e, true
		}
		if num == "" {
			num = m[1]
		}
	}
	return num, aadstsError{}, false
}

// withAADSTS adds detail.aadsts to f when text names an Entra error, and
// its hint when authtrace knows it and has one: scripts match on the
// number, people read the hint.
func withAADSTS(f report.Finding, text string) report.Finding {
	num, e, known := readAADSTS(text)
	if num == "" {
		return f
	}
	if f.Detail == nil {
		f.Detail = map[string]string{}
	}
	f.Detail["aadsts"] = num
	if known && e.hint != "" {
		f.Hint = e.hint
	}
	return f
}
