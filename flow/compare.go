package flow

import (
	"net/url"

	"github.com/authtrace/authtrace/report"
)

// hopParamNames are the query values a hop records (DESIGN.md, "Hops").
var hopParamNames = []string{
	"state", "redirect_uri", "client_id", "response_type", "scope",
	"audience", "resource", "organization", "connection", "prompt",
	"code", "error", "error_description",
}

// hopParams returns the query values of u that matter for comparing hops,
// only those present; a parameter present with an empty value is kept as "".
// Values in the fragment (response_mode=fragment) are read too.
func hopParams(u *url.URL) map[string]string {
	out := map[string]string{}
	q := u.Query()
	for _, name := range hopParamNames {
		if vs, ok := q[name]; ok && len(vs) > 0 {
			out[name] = vs[0]
		}
	}
	return out
}

// hopRole says which comparisons apply to a hop at u that answered status.
func hopRole(u *url.URL, status int, redirectURI string) report.Role {
	return report.RoleProvider
}

// classifyState returns "" when got equals sent byte for byte, and otherwise
// the kind of change (DESIGN.md, state.changed) and a detail for people.
func classifyState(sent, got string) (kind, detail string) {
	if sent == got {
		return "", ""
	}
	return "replaced", ""
}

// classifyRedirectURI returns "" when got equals sent byte for byte, and
// otherwise the kind of change (DESIGN.md, redirect_uri.changed) and a detail.
func classifyRedirectURI(sent, got string) (kind, detail string) {
	if sent == got {
		return "", ""
	}
	return "replaced", ""
}

// compareHop compares an authorize or callback hop with the sent parameters.
func compareHop(sent map[string]string, h report.Hop) []report.Finding {
	return nil
}

// readErrorPage reads an error page for the known signatures of a rejected
// redirect_uri or client; nil when nothing matches.
func readErrorPage(status int, contentType string, body []byte) *report.Finding {
	return nil
}

// pageText returns the text of an HTML (or plain) body with tags stripped and
// white space collapsed, cut to at most max bytes.
func pageText(body []byte, max int) string {
	return ""
}

// refreshMissingFinding builds refresh_token.missing for a token response
// without a refresh token.
func refreshMissingFinding(scope string, params map[string]string, issuerHost string) report.Finding {
	return report.Finding{Code: report.CodeRefreshTokenMissing, Severity: report.SeverityWarn}
}
