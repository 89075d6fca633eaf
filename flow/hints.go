package flow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/authtrace/authtrace/report"
)

// This file holds what the provider said and what to change: error-page
// signatures, and the hints of the hop, token and refresh findings, in the
// words of the platform the person is looking at (the Power Platform
// connector's Security tab, Auth0, Okta, Entra, Google).

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
	switch {
	case strings.Contains(d, "aadsts50011") || code == "redirect_uri_mismatch":
		return redirectRegisterHint("entra")
	case strings.Contains(d, "aadsts700016"):
		return "Entra does not know this Client ID in this tenant: use the Application (client) ID from " + entraApp + " > Overview, and the right tenant in the Authorization URL (or a multi-tenant app)."
	case strings.Contains(d, "aadsts65001") || code == "consent_required":
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
		return redirectRegisterHint("")
	case code == "invalid_request":
		return "The provider found the authorize request malformed; its error_description names the parameter. Check the query string in the connector's Authorization URL and the extra parameters."
	case code == "server_error" || code == "temporarily_unavailable":
		return "The provider failed on its side; retry, and check its logs or status page."
	}
	return "The provider refused the authorization request; its error_description says why."
}

// redirectRegisterHint says where to register the redirect URI, per provider.
func redirectRegisterHint(p string) string {
	where := map[string]string{
		"auth0":  auth0Clients + " > Settings > Allowed Callback URLs",
		"okta":   oktaApp + " > General > Login > Sign-in redirect URIs",
		"entra":  entraApp + " > Authentication > Web > Redirect URIs",
		"google": googleClient + " > Authorized redirect URIs",
	}[p]
	if where == "" {
		where = "the provider's list of allowed redirect (callback) URIs for this client"
	}
	return "Register the connector's redirect URL, exactly as " + ppSecurity + " shows it (" + PowerPlatformRedirectURI + ", or " + PowerPlatformRedirectURI + "/<id> for a per-connector one), in " + where + ". It must match byte for byte: scheme, host, path, no trailing slash."
}

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

// strongSignatures identify a rejection wherever they appear.
var strongSignatures = []pageSignature{
	{code: report.CodeRedirectURIRejected, who: `Auth0 "Callback URL mismatch"`, says: []string{"callback url mismatch"}, provider: "auth0"},
	{code: report.CodeRedirectURIRejected, who: "Entra AADSTS50011", says: []string{"aadsts50011", "aadsts500113"}, provider: "entra"},
	{code: report.CodeRedirectURIRejected, who: "Okta", says: []string{"must be a login redirect uri"}, provider: "okta"},
	{code: report.CodeRedirectURIRejected, who: "Google redirect_uri_mismatch", says: []string{"redirect_uri_mismatch"}, provider: "google"},
	{code: report.CodeRedirectURIRejected, who: "oidc-provider invalid_redirect_uri", says: []string{"invalid_redirect_uri"}},
	{code: report.CodeRedirectURIRejected, who: `Dex "Unregistered redirect_uri"`, says: []string{"unregistered redirect_uri"}},
	{code: report.CodeRedirectURIRejected, who: `Keycloak "Invalid parameter: redirect_uri"`, says: []string{"invalid parameter: redirect_uri", "invalid redirect uri"}},
	{code: report.CodeClientRejected, who: "Entra AADSTS700016 (unknown application)", says: []string{"aadsts700016"}, provider: "entra"},
	{code: report.CodeClientRejected, who: "Entra AADSTS7000215 (invalid client secret)", says: []string{"aadsts7000215"}, provider: "entra"},
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

// readErrorPage reads a page (HTML, JSON or text) for the known signatures
// of a rejected redirect_uri or client: it returns a redirect_uri.rejected
// or client.rejected finding, or nil when nothing matches. The finding's
// Detail "provider" holds the provider's own words (an excerpt of the
// page's text), "signature" what was recognised, "status" the HTTP status.
// The caller sets Hop.
//
// A login page that failed only because a cookie was missing (what a
// client without a cookie jar gets from oidc-provider and Auth0) is not a
// rejection and gives nil, even though it may say invalid_request.
func readErrorPage(status int, contentType string, body []byte) *report.Finding {
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
	if status >= 400 {
		// Some pages keep the message in a script or an attribute.
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
	for _, sig := range strongSignatures {
		if at, ok := match(sig); ok {
			return pageFinding(sig, status, text, at)
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
		return pageFinding(sig, status, text, at)
	}
	return nil
}

func pageFinding(sig pageSignature, status int, text string, at int) *report.Finding {
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
	f.Hint = redirectRegisterHint(sig.provider)
	return f
}

func clientRejectedHint(sig pageSignature) string {
	switch {
	case strings.Contains(sig.who, "AADSTS7000215"):
		return "Entra rejected the client secret: copy the secret's Value (not its Secret ID) from " + entraApp + " > Certificates & secrets into the Client secret field of " + ppSecurity + "; an expired secret needs a new one."
	case sig.provider == "entra":
		return "Entra does not know this Client ID in this tenant: use the Application (client) ID from " + entraApp + " > Overview, and check the tenant in the Authorization URL."
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
	out := cutText(text[start:], max)
	if start > 0 {
		out = "..." + out
	}
	return out
}

// cutText cuts s to at most max bytes on a character boundary, ending in
// "..." when it cut; max <= 0 means no limit.
func cutText(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	if max <= 3 {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut]
	}
	cut := max - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " ") + "..."
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
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

// pageText returns the text of a page for people: HTML with tags, scripts,
// styles and comments stripped and entities decoded; for a JSON error body,
// its error fields as "error: ...; error_description: ..."; white space
// collapsed; cut to at most max bytes on a character boundary (ending in
// "..." when cut; max <= 0 for no limit).
func pageText(body []byte, max int) string {
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '{' {
		if s, ok := jsonErrorText(t); ok {
			return cutText(s, max)
		}
	}
	s := string(t)
	if looksHTML(t) {
		s = stripTags(s)
		s = html.UnescapeString(s)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return cutText(strings.Join(strings.Fields(s), " "), max)
}

// jsonErrorText renders the error fields of a JSON error body.
func jsonErrorText(b []byte) (string, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return "", false
	}
	var parts []string
	for _, k := range []string{"error", "error_description", "error_uri", "message", "detail", "title", "description", "code"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			var obj map[string]any
			if json.Unmarshal(raw, &obj) == nil {
				// {"error": {"code": ..., "message": ...}}
				for _, kk := range []string{"code", "message"} {
					if v, ok := obj[kk].(string); ok && v != "" {
						parts = append(parts, k+"."+kk+": "+v)
					}
				}
				continue
			}
			s = string(raw)
		}
		if s != "" {
			parts = append(parts, k+": "+s)
		}
	}
	if len(parts) == 0 {
		return "", false
	}
	return strings.Join(strings.Fields(strings.Join(parts, "; ")), " "), true
}

func looksHTML(b []byte) bool {
	if len(b) > 0 && b[0] == '<' {
		return true
	}
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	l := bytes.ToLower(head)
	return bytes.Contains(l, []byte("<html")) || bytes.Contains(l, []byte("<body")) || bytes.Contains(l, []byte("<!doctype"))
}

// blockTags separate words: text on either side of them is not one word.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"pre": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true, "table": true,
	"title": true, "head": true, "body": true, "html": true, "section": true, "header": true, "footer": true,
	"main": true, "article": true, "form": true, "label": true, "input": true, "button": true, "hr": true,
	"dt": true, "dd": true, "dl": true, "nav": true, "aside": true, "blockquote": true, "option": true, "select": true,
}

// stripTags removes tags, comments and the contents of script, style,
// template and noscript elements. It never fails: a tag left open runs to
// the end of the text.
func stripTags(s string) string {
	var b strings.Builder
	lower := asciiLower(s) // same offsets as s
	i := 0
	for i < len(s) {
		c := s[i]
		if c != '<' {
			b.WriteByte(c)
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		// Read the tag name.
		j := i + 1
		closing := j < len(s) && s[j] == '/'
		if closing {
			j++
		}
		k := j
		for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		name := lower[j:k]
		if name == "" && !closing && (k >= len(s) || s[k] != '!' && s[k] != '?') {
			// A lone '<' in text ("a < b").
			b.WriteByte(c)
			i++
			continue
		}
		end := tagEnd(s, k)
		if end < 0 {
			break
		}
		i = end + 1
		if blockTags[name] {
			b.WriteByte(' ')
		}
		if !closing && (name == "script" || name == "style" || name == "template" || name == "noscript" || name == "svg") {
			endElem := strings.Index(lower[i:], "</"+name)
			if endElem < 0 {
				break
			}
			i += endElem
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// tagEnd returns the index of the '>' that ends the tag whose attributes
// start at i, skipping quoted attribute values; -1 when there is none.
func tagEnd(s string, i int) int {
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// tokenErrorHint says what to change for an error from the token endpoint,
// for the code exchange or (refresh true) the refresh grant. The provider's
// error_description refines it where it names the cause.
func tokenErrorHint(e *OAuthError, refresh bool) string {
	if e == nil {
		return ""
	}
	d := strings.ToLower(e.Description)
	switch e.Code {
	case "invalid_client":
		switch {
		case strings.Contains(d, "aadsts7000215"):
			return "Entra rejected the client secret: copy the secret's Value (not its Secret ID) from " + entraApp + " > Certificates & secrets into the connector's Client secret; an expired secret needs a new one."
		case strings.Contains(d, "aadsts700016"):
			return "Entra does not know this Client ID in this tenant: check the Client ID and the tenant in the connector's Token URL."
		}
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
		return "The token endpoint found the request malformed; its error_description names the parameter. Check the connector's Token URL (it must be the token endpoint, not the authorize one)."
	case "unsupported_grant_type":
		return "The token endpoint does not accept this grant type: check the connector's Token URL points to the OAuth 2.0 token endpoint, and that the grant is enabled for the application."
	case "":
		return fmt.Sprintf("The token endpoint answered HTTP %d without an OAuth error code: check the connector's Token URL (and Refresh URL) and the provider's logs.", e.Status)
	}
	return "The token endpoint refused the request; its error_description says why."
}

func exchangeInvalidGrantHint(d string) string {
	switch {
	case strings.Contains(d, "code_verifier") || strings.Contains(d, "pkce") || strings.Contains(d, "aadsts50148") || strings.Contains(d, "aadsts501481"):
		return "The PKCE code_verifier does not match the code_challenge of the authorize request: the verifier must be the one generated for this login, sent unchanged."
	case strings.Contains(d, "redirect"):
		return "The token request's redirect_uri differs from the authorize request's: they must be equal byte for byte (no trailing slash, same scheme and path)."
	case strings.Contains(d, "aadsts54005") || strings.Contains(d, "already") || strings.Contains(d, "redeemed") || strings.Contains(d, "used"):
		return "The authorization code was already used: codes are single-use, so a retried exchange fails (and may revoke the tokens of the first one)."
	case strings.Contains(d, "aadsts70008") || strings.Contains(d, "expired"):
		return "The authorization code expired before the exchange: codes live from 30 seconds to 10 minutes; exchange it right away."
	}
	return "The authorization code was refused. Usual causes: the code was already used or expired (codes are single-use and short-lived); the token request's redirect_uri differs from the authorize request's; the PKCE code_verifier does not match the code_challenge; the code was issued to another client."
}

func refreshInvalidGrantHint(d string) string {
	base := "Power Platform then shows the connection as broken and the user has to sign in again (fix connection)."
	switch {
	case strings.Contains(d, "reuse") || strings.Contains(d, "rotat") || strings.Contains(d, "already"):
		return "The refresh token was already used: with rotation (Auth0 Refresh Token Rotation, Okta \"Rotate token after every use\") each refresh token works once, and reusing one can revoke the whole family. Store the new refresh token from every refresh. " + base
	case strings.Contains(d, "expired") || strings.Contains(d, "aadsts700082"):
		return "The refresh token expired: check the lifetime settings (Auth0 API > Settings and Application > Refresh Token Expiration, absolute and inactivity; Okta access policy rule; Entra 90 days of inactivity). " + base
	case strings.Contains(d, "revoked") || strings.Contains(d, "aadsts50173"):
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
