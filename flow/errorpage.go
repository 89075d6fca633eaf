package flow

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/authtrace/authtrace/report"
)

// Reading a hop's page: the signatures of a rejected redirect_uri or
// client in a provider's error page, and the finding for an error page
// that matched none.

// pageSignature is one thing a provider's error page says when it refuses a
// redirect_uri or a client.
type pageSignature struct {
	code     string   // report.CodeRedirectURIRejected or report.CodeClientRejected
	who      string   // who says it, for the message
	says     []string // lower-case text, any of which identifies it
	all      []string // lower-case text that must all be present as well
	provider string   // for the hint: auth0, okta, entra, google, ""
	// errorOnly restricts a generic signature to 4xx/5xx answers, so a
	// login page (200) that merely mentions the words in a script is not
	// read as a rejection.
	errorOnly bool
	// refusal requires one of rejectionWords in the text as well.
	refusal bool
}

// strongSignatures identify a rejection wherever they appear. Entra's
// are read by their AADSTS numbers instead (entraPage).
var strongSignatures = []pageSignature{
	{code: report.CodeRedirectURIRejected, who: `Auth0 "Callback URL mismatch"`, says: []string{"callback url mismatch"}, provider: "auth0"},
	{code: report.CodeRedirectURIRejected, who: "Okta", says: []string{"must be a login redirect uri"}, provider: "okta"},
	{code: report.CodeRedirectURIRejected, who: "Google redirect_uri_mismatch", says: []string{"redirect_uri_mismatch"}, provider: "google"},
	{code: report.CodeRedirectURIRejected, who: "oidc-provider invalid_redirect_uri", says: []string{"invalid_redirect_uri"}},
	{code: report.CodeRedirectURIRejected, who: `Dex "Unregistered redirect_uri"`, says: []string{"unregistered redirect_uri"}},
	{code: report.CodeRedirectURIRejected, who: `Keycloak "Invalid parameter: redirect_uri"`, says: []string{"invalid parameter: redirect_uri", "invalid redirect uri"}},
	{code: report.CodeRedirectURIRejected, who: "ZITADEL", says: []string{"redirect_uri is missing in the client configuration"}},
	{code: report.CodeClientRejected, who: "Google invalid_client", says: []string{"oauth client was not found"}, provider: "google"},
}

// cookieSignatures are what a login page says when it failed only because
// the cookie set earlier in the chain did not come back (oidc-provider's
// SessionNotFound, Auth0's "invalid state"). Such a page is not a rejection.
var cookieSignatures = []string{
	"sessionnotfound", "interaction session", "session not found", "cookie not found",
	"session principal changed", "authorization request has expired",
	"invalid state", "state mismatch", "cookies", "cookie",
}

// isCookieFailure reports whether a failed page says only that a cookie
// set earlier in the chain did not come back.
func isCookieFailure(body []byte) bool {
	return containsAny(asciiLower(pageText(body, 0)), cookieSignatures)
}

// weakSignatures name a rejection in generic words; they count only on a
// 4xx/5xx answer that is not a cookie failure.
var weakSignatures = []pageSignature{
	{code: report.CodeClientRejected, who: "invalid_client", says: []string{"invalid_client"}, errorOnly: true},
	{code: report.CodeClientRejected, who: `"Unknown client"`, says: []string{"unknown client", "client not found", "invalid client_id", "invalid client id", "client_id not found"}, errorOnly: true},
	{code: report.CodeRedirectURIRejected, who: "invalid_request naming redirect_uri", says: []string{"invalid_request"}, all: []string{"redirect_uri"}, errorOnly: true},
	{code: report.CodeRedirectURIRejected, who: "redirect_uri refused", says: []string{"redirect_uri", "redirect uri", "reply url", "callback url"}, errorOnly: true, refusal: true},
}

// rejectionWords must come with a generic signature marked refusal.
var rejectionWords = []string{"mismatch", "not registered", "does not match", "doesn't match", "not allowed", "not whitelisted", "invalid", "unregistered", "not valid"}

// ReadPage reads the page hop h answered, for any producer of hops that
// has the body: h carries the Status and Location it answered with, and
// contentType is the answer's Content-Type. A redirect's body is not read.
// When the page is an error page (a 4xx or 5xx that is not a redirect, or
// any page with the known words of a rejected redirect_uri or client) it
// returns h as an error page, with the start of the page's text in Page,
// and the finding about it with Hop set to h.N: redirect_uri.rejected or
// client.rejected (see readErrorPage), or page.error for a 4xx/5xx page
// that matches no known rejection and did not fail only for a missing
// cookie. Otherwise it returns h unchanged and nil. sent holds the params
// of the authorize request that was sent (as Compare takes them): a hint
// about a refused redirect_uri names the one sent, and the one the hop
// carries when something on the way changed it.
func ReadPage(sent map[string]string, h report.Hop, contentType string, body []byte) (report.Hop, *report.Finding) {
	if h.Status >= 300 && h.Status < 400 && h.Location != "" {
		return h, nil
	}
	var f *report.Finding
	if len(body) > 0 {
		f = readErrorPage(h.Status, contentType, body, sent["redirect_uri"], h.Params["redirect_uri"])
		if f == nil && h.Status >= 400 && !isCookieFailure(body) {
			f = errorPageFinding(h.Status, body)
		}
	}
	if h.Status >= 400 || f != nil {
		h.Page = pageText(body, 300)
		h.Role = report.RoleErrorPage
	}
	if f != nil {
		// An Entra number authtrace does not know is still the one
		// thing scripts can match on.
		g := withAADSTS(*f, pageText(body, 0))
		f = &g
		f.Hop = h.N
	}
	return h, f
}

// entraServiceError is how Entra's sign-in page carries the error it
// shows, in the $Config its script renders the page from.
var entraServiceError = []byte(`"strServiceExceptionMessage":"AADSTS`)

// readErrorPage reads a page (HTML, JSON or text) for the known signatures
// of a rejected redirect_uri or client: it returns a redirect_uri.rejected
// or client.rejected finding, or nil when nothing matches. The finding's
// Detail "provider" holds the provider's own words (an excerpt of the
// page's text), "signature" what was recognised, "status" the HTTP status.
// The caller sets Hop. sent and got are the redirect URI that was sent and
// the one the page's request carried, for the hint ("" when not known).
//
// A login page that failed only because a cookie was missing (what a
// client without a cookie jar gets from oidc-provider and Auth0) is not a
// rejection and gives nil, even though it may say invalid_request.
func readErrorPage(status int, contentType string, body []byte, sent, got string) *report.Finding {
	if len(body) == 0 {
		return nil
	}
	const maxScan = 512 << 10
	if len(body) > maxScan {
		body = body[:maxScan]
	}
	text := pageText(body, 0)
	ltext := asciiLower(text)
	var lraw string
	if status >= 400 || bytes.Contains(body, entraServiceError) {
		// Some pages keep the message in a script or an attribute:
		// Entra's sign-in page, answered with 200, in its $Config.
		lraw = asciiLower(html.UnescapeString(string(body)))
	}
	find := func(s string) int {
		if i := strings.Index(ltext, s); i >= 0 {
			return i
		}
		if lraw != "" && strings.Contains(lraw, s) {
			return -2
		}
		return -1
	}
	match := func(sig pageSignature) (int, bool) {
		if sig.errorOnly && status < 400 {
			return 0, false
		}
		for _, a := range sig.all {
			if find(a) == -1 {
				return 0, false
			}
		}
		for _, s := range sig.says {
			if i := find(s); i != -1 {
				return i, true
			}
		}
		return 0, false
	}
	if f := entraPage(status, text, ltext, lraw, sent, got); f != nil {
		return f
	}
	for _, sig := range strongSignatures {
		if at, ok := match(sig); ok {
			return pageFinding(sig, status, text, at, sent, got)
		}
	}
	if containsAny(ltext, cookieSignatures) {
		return nil
	}
	for _, sig := range weakSignatures {
		at, ok := match(sig)
		if !ok {
			continue
		}
		if sig.refusal && !containsAny(ltext, rejectionWords) {
			continue
		}
		return pageFinding(sig, status, text, at, sent, got)
	}
	return nil
}

func pageFinding(sig pageSignature, status int, text string, at int, sent, got string) *report.Finding {
	words := excerptAround(text, at, 200)
	f := &report.Finding{
		Code:     sig.code,
		Severity: report.SeverityError,
		Detail: map[string]string{
			"provider":  words,
			"signature": sig.who,
			"status":    strconv.Itoa(status),
		},
	}
	if sig.code == report.CodeClientRejected {
		f.Message = fmt.Sprintf("The provider rejected the client (%s): %s", sig.who, words)
		f.Hint = clientRejectedHint(sig)
		return f
	}
	f.Message = fmt.Sprintf("The provider rejected the redirect_uri (%s): %s", sig.who, words)
	f.Hint = redirectRegisterHint(sig.provider, sent, got)
	return f
}

// entraPage reads an Entra error page by the AADSTS number it names (in
// its text, or anywhere in a 4xx/5xx page's source, lraw): the redirect
// URI or client rejected, or page.error with what the number means. It
// gives nil for a page that names no number authtrace knows.
func entraPage(status int, text, ltext, lraw, sent, got string) *report.Finding {
	num, e, known := readAADSTS(ltext)
	at := strings.Index(ltext, "aadsts"+num)
	if !known && lraw != "" {
		if n, ke, k := readAADSTS(lraw); k {
			num, e, known, at = n, ke, k, -2
		}
	}
	switch {
	case !known && num == "" && lraw != "" && status < 400:
		// Entra's page with the error in its script only.
		if n, _, _ := readAADSTS(lraw); n != "" {
			num, at = n, -2
			e = unknownAADSTS(num)
		} else {
			return nil
		}
	case !known && num != "" && at >= 0 && status < 400:
		// A number authtrace does not know, shown on a page answered
		// with 200 (Entra's sign-in page shows its errors so): Entra said
		// no all the same (Conditional Access, a wrong password, a
		// blocked account). A 4xx/5xx page gets page.error anyway.
		e = unknownAADSTS(num)
	case !known:
		return nil
	}
	sig := pageSignature{who: "Entra AADSTS" + num + ": " + e.what, provider: "entra", code: report.CodePageError}
	switch e.kind {
	case aadstsRedirect:
		sig.code = report.CodeRedirectURIRejected
	case aadstsClient:
		sig.code = report.CodeClientRejected
	}
	f := pageFinding(sig, status, text, at, sent, got)
	f.Detail["aadsts"] = num
	if sig.code == report.CodePageError {
		f.Message = fmt.Sprintf("Entra refused the sign-in (%s): %s", sig.who, f.Detail["provider"])
		f.Hint = e.hint
	}
	return f
}

func clientRejectedHint(sig pageSignature) string {
	if _, e, known := readAADSTS(sig.who); known && e.hint != "" {
		return e.hint // sig.who names the number (entraPage)
	}
	return "The provider does not know or accept this client. Copy the Client ID (and secret) again into " + ppSecurity + ", and check the Authorization URL points to the tenant or authorization server the application belongs to."
}

// excerptAround returns up to max bytes of text around byte offset at (the
// start of the text when at < 0), starting at a word.
func excerptAround(text string, at, max int) string {
	start := 0
	if at > 60 {
		start = at - 60
		if sp := strings.IndexByte(text[start:at], ' '); sp >= 0 {
			start += sp + 1
		}
		for start < len(text) && !utf8.RuneStart(text[start]) {
			start++
		}
	}
	out := CutText(text[start:], max)
	if start > 0 {
		out = "..." + out
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// errorPageFinding reports a 4xx/5xx page that matched no known rejection:
// the browser would show this page instead of a login.
func errorPageFinding(status int, body []byte) *report.Finding {
	return &report.Finding{
		Code: report.CodePageError, Severity: report.SeverityError,
		Message: fmt.Sprintf("the provider answered HTTP %d with an error page instead of a login page: %s", status, pageText(body, 160)),
		Hint:    "The page's own words (under the hop) usually say what is wrong. A 5xx is the server's fault: try again later or ask its operators. A 4xx often means a parameter it does not accept: compare this hop's parameters with what the provider documents.",
		Detail:  map[string]string{"status": fmt.Sprint(status)},
	}
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// unknownAADSTS is what an Entra error authtrace does not know means.
func unknownAADSTS(num string) aadstsError {
	return aadstsError{kind: aadstsOther, what: "sign-in refused",
		hint: "Entra refused the sign-in with AADSTS" + num + ": https://login.microsoftonline.com/error?code=" + num + " says what it means. Errors about the user (a wrong password, MFA, Conditional Access, a blocked account) are fixed in the user's tenant, not in the connector."}
}
