package flow

import (
	"net/url"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// A hop's params and role, from its URL and status: what every producer of
// hops (the preflight, the listener, a HAR file, a browser capture) records
// before the comparison reads them.

// hopParamNames are the query values a hop records (DESIGN.md, "Hops").
var hopParamNames = []string{
	"state", "redirect_uri", "client_id", "response_type", "scope",
	"audience", "resource", "organization", "connection", "prompt",
	"code", "error", "error_description",
}

// HopParams returns the query values of u that matter for comparing hops
// (DESIGN.md, "Hops"): only those present, a parameter present with an empty
// value kept as "". A value repeated in the query counts by its first
// occurrence, as most servers read it. Values in the fragment (what
// response_mode=fragment produces, seen in HAR files; browsers never send a
// fragment to a server) fill in the names the query does not carry.
func HopParams(u *url.URL) map[string]string {
	out := map[string]string{}
	if u == nil {
		return out
	}
	// ParseQuery keeps every pair it could read even when it also reports
	// an error (a stray "%zz" or ";"), which is what a debugger wants.
	q, _ := url.ParseQuery(u.RawQuery)
	var frag url.Values
	if f := u.EscapedFragment(); strings.Contains(f, "=") {
		frag, _ = url.ParseQuery(f)
	}
	for _, name := range hopParamNames {
		if vs, ok := q[name]; ok && len(vs) > 0 {
			out[name] = vs[0]
		} else if vs, ok := frag[name]; ok && len(vs) > 0 {
			out[name] = vs[0]
		}
	}
	return out
}

// HopRole says which comparisons apply to a hop at u that answered status,
// checked in this order:
//
//   - callback: u is the redirect URI (same scheme, host, port and path; the
//     query does not count). Loopback spellings are not folded together:
//     127.0.0.1, localhost and [::1] are different hosts here, because the
//     listener binds one address and a provider compares redirect_uri as a
//     string, so a redirect to another spelling is a different URL (and
//     reaches a different socket, or none).
//   - authorize: the query carries client_id and response_type.
//   - error_page: a 4xx or 5xx answer that is not a redirect.
//   - provider: anything else (login, interaction, consent pages).
//
// A hop can be an authorize request and an error page at once:
// oidc-provider answers a bad redirect_uri at /auth itself with an HTML 400.
// Its role is authorize here; ReadPage, which reads every page that is not
// a redirect, makes it an error page, and Compare still compares its state
// and redirect_uri as an authorize request's.
func HopRole(u *url.URL, status int, redirectURI string) report.Role {
	if u == nil {
		return report.RoleOther
	}
	if redirectURI != "" {
		if r, err := url.Parse(redirectURI); err == nil && SameEndpoint(u, r) {
			return report.RoleCallback
		}
	}
	if q, _ := url.ParseQuery(u.RawQuery); IsAuthorizeQuery(q) {
		return report.RoleAuthorize
	}
	if status >= 400 {
		return report.RoleErrorPage
	}
	return report.RoleProvider
}

// SameEndpoint reports whether a and b name the same scheme, host, port
// and path (the query does not count): what makes a URL the redirect URI. Scheme and host compare without regard to case (they are
// case-insensitive in URLs); an explicit default port equals no port; the
// path compares exactly, and an empty path equals "/".
func SameEndpoint(a, b *url.URL) bool {
	if !strings.EqualFold(a.Scheme, b.Scheme) || a.Scheme == "" {
		return false
	}
	if !strings.EqualFold(a.Hostname(), b.Hostname()) {
		return false
	}
	if defaultedPort(a) != defaultedPort(b) {
		return false
	}
	pa, pb := a.EscapedPath(), b.EscapedPath()
	if pa == "" {
		pa = "/"
	}
	if pb == "" {
		pb = "/"
	}
	return pa == pb
}

func defaultedPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// IsAuthorizeQuery reports whether a query is an authorization request's:
// it carries client_id and response_type.
func IsAuthorizeQuery(q url.Values) bool {
	return q.Has("client_id") && q.Has("response_type")
}
