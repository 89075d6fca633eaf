package decode

import (
	"fmt"
	"strings"
)

// Entra ID's audience rules. An access token's aud depends on its
// version: v1.0 tokens ("ver": "1.0", iss https://sts.windows.net/{tenant}/)
// carry the resource as the request named it, the API's App ID URI or its
// client id; v2.0 tokens ("ver": "2.0", iss
// https://login.microsoftonline.com/{tenant}/v2.0) always carry the API's
// client id GUID. Which version Entra issues follows the API app
// registration's accessTokenAcceptedVersion (in its manifest: null or 1
// for v1.0, 2 for v2.0), not the endpoint the connector signs in with.

// setVersion is how a hint says to set the manifest's
// accessTokenAcceptedVersion to v.
func setVersion(v string) string {
	return fmt.Sprintf("set \"accessTokenAcceptedVersion\": %s in the API app registration's manifest (Entra admin center > App registrations > your API > Manifest; null or 1 gives v1.0 tokens, 2 gives v2.0)", v)
}

// entraVersion returns "1.0" or "2.0" for an Entra ID token, "" for
// others: the ver claim when it says, else the issuer's shape.
func (c *checker) entraVersion() string {
	iss, _ := c.tok.String("iss")
	ver, _ := c.tok.String("ver")
	v1 := strings.HasPrefix(iss, "https://sts.windows.net/")
	v2 := strings.HasPrefix(iss, "https://login.microsoftonline.com/")
	switch {
	case (v1 || v2 || strings.Contains(iss, "microsoft")) && (ver == "1.0" || ver == "2.0"):
		return ver
	case v1:
		return "1.0"
	case v2 && strings.HasSuffix(iss, "/v2.0"):
		return "2.0"
	}
	return ""
}

// entraForms are the two forms of one API in a v1.0 aud: its client id
// and its default App ID URI, api://<client id>.
func entraForms(a, b string) bool {
	return isGUID(a) && strings.EqualFold(b, "api://"+a) || isGUID(b) && strings.EqualFold(a, "api://"+b)
}

type audWords struct{ msg, hint string }

// entraOtherForm reports whether a v1.0 token's aud is the expected API
// in the other form v1.0 tokens may carry (client id for the App ID URI
// api://<client id>, or the reverse): not an error, as APIs built on
// Microsoft's libraries accept both, but one that compares aud with one
// string rejects it.
func entraOtherForm(ver, want string, aud []string) (audWords, bool) {
	if ver != "1.0" {
		return audWords{}, false
	}
	for _, a := range aud {
		if entraForms(a, want) {
			return audWords{
				msg:  fmt.Sprintf("aud %s is the expected API %s in its other form: an Entra v1.0 token carries the App ID URI or the client id, as the request named the resource", a, want),
				hint: fmt.Sprintf("Both are the same API: v1.0 tokens carry the resource as the connector asked for it (resource=%s here). An API that validates with Microsoft.Identity.Web or accepts both forms takes this token; one that compares aud with %s only rejects it: accept both in the API, or make the connector's Resource URL exactly %s.", a, want, want),
			}, true
		}
	}
	return audWords{}, false
}

// entraAudHint says why an Entra token's aud is not the expected one and
// what to change, by version and by the form of both.
func entraAudHint(ver, want string, aud []string) string {
	wantGUID := isGUID(want)
	audGUID := len(aud) > 0 && isGUID(aud[0])
	switch {
	case ver == "2.0" && !wantGUID && audGUID && entraForms(aud[0], want):
		return fmt.Sprintf("This is your API's token: an Entra v2.0 token always carries the API's client id GUID (%s) in aud, never its App ID URI %s. Expect the GUID in the API (or accept both), or %s so Entra issues v1.0 tokens, which may carry the App ID URI.", aud[0], want, setVersion("null"))
	case ver == "2.0" && !wantGUID && audGUID:
		return fmt.Sprintf("v2.0 tokens carry the API's client id GUID, always: this Entra v2.0 token carries the API's client id GUID %s in aud, never an App ID URI such as %s. If %s is your API's Application (client) ID, expect it in the API, or %s for v1.0 tokens; if not, the token is for another API: name yours in the connector's scope (%s/.default).", aud[0], want, aud[0], setVersion("null"), want)
	case ver == "1.0" && wantGUID && !audGUID:
		return fmt.Sprintf("This is an Entra v1.0 token: v1.0 tokens carry the resource as the request named it, here %s, and v2.0 tokens the API's client id GUID. Accept %s in the API, or %s so Entra issues v2.0 tokens with the GUID.", strings.Join(aud, ", "), strings.Join(aud, ", "), setVersion("2"))
	case ver == "1.0" && !wantGUID && audGUID:
		return fmt.Sprintf("This Entra v1.0 token carries a client id GUID (%s) in aud: v1.0 tokens carry the resource as the request named it. If it is your API's client id, set the connector's Resource URL to the App ID URI %s (or accept the GUID in the API); if not, the connector asks for another resource.", aud[0], want)
	}
	return fmt.Sprintf("Entra ID (token version %s) issues the token for the resource named in the request: ask for scope %s/.default (v2.0 endpoint) or resource=%s (v1.0 endpoint, the Resource URL of an aad connector). v1.0 tokens carry the App ID URI or the client id in aud, v2.0 tokens the API's client id GUID. The version follows the API app registration's \"accessTokenAcceptedVersion\" (manifest; null or 1 gives v1.0, 2 gives v2.0).", ver, want, want)
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
				return false
			}
		}
	}
	return true
}
