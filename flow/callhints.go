package flow

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// Causes of api.rejected, its detail "cause": what the API's answer and
// the token, read together, say is wrong.
const (
	CallCauseAudience       = "audience"
	CallCauseScope          = "scope"
	CallCauseExpired        = "expired"
	CallCauseOpaque         = "opaque"
	CallCauseSignature      = "signature"
	CallCauseIssuer         = "issuer"
	CallCauseLoginRedirect  = "login_redirect"
	CallCauseRedirect       = "redirect"
	CallCauseLoginPage      = "login_page"
	CallCauseForbidden      = "forbidden"
	CallCauseInvalidRequest = "invalid_request"
	CallCauseGatewayKey     = "gateway_key"
	CallCauseNotFound       = "not_found"
	CallCauseServer         = "server_error"
	CallCauseNoClue         = "no_clue"
	CallCauseTimeout        = "timeout"     // no answer within the request timeout
	CallCauseUnreachable    = "unreachable" // no connection (DNS, refused, TLS)
	CallCauseOther          = "other"
)

// apiAnswer is what an API's refusal says about the token: the RFC 6750
// challenge, else the usual error bodies (Entra's and Microsoft Graph's
// {"error":{"code","message"}}, the OAuth-shaped {"error",
// "error_description"} of Auth0-protected APIs, ASP.NET's ProblemDetails,
// Azure API Management's {"statusCode","message"}).
type apiAnswer struct {
	status  int
	errCode string // RFC 6750 error, or the body's error code
	desc    string // error_description, or the body's message
	scope   string // the scope an insufficient_scope challenge names
	from    string // where errCode and desc were read
}

// saysNothing reports whether a refusal gives no reason: no error, or
// only the words any 401 carries ("invalid_token", "Unauthorized").
func (a apiAnswer) saysNothing() bool {
	return noReason(a.errCode) && noReason(a.desc)
}

// noReason reports whether s is empty or a word that names no cause.
func noReason(s string) bool {
	switch strings.Trim(strings.ToLower(strings.TrimSpace(s)), ".!") {
	case "", "invalid_token", "invalid token", "unauthorized", "unauthorised", "401 unauthorized", "401 unauthorised",
		"access denied", "not authorized", "authorization has been denied for this request", "jwt verification failed", "invalid jwt":
		return true
	}
	return false
}

// readAnswer reads a call's answer for why the API refused the token.
func readAnswer(resp *report.Response) apiAnswer {
	a := apiAnswer{status: resp.Status}
	var values []string
	for k, v := range resp.Headers {
		if strings.EqualFold(k, "WWW-Authenticate") {
			values = append(values, v)
		}
	}
	if c, ok := Bearer(ParseChallenges(values...)); ok {
		a.errCode, a.desc, a.scope = c.Params["error"], c.Params["error_description"], c.Params["scope"]
		if a.errCode != "" || a.desc != "" {
			a.from = "WWW-Authenticate"
		}
	}
	code, desc, from := readErrorBody(resp.ContentType, resp.Body)
	if a.errCode == "" {
		a.errCode = code
	}
	if a.desc == "" {
		a.desc = desc
	}
	if a.from == "" {
		a.from = from
	}
	return a
}

// readErrorBody reads an API's error body: a JSON one of the usual
// shapes, or a short plain-text one ("Unauthorized").
func readErrorBody(contentType, body string) (code, desc, from string) {
	b := strings.TrimSpace(body)
	if b == "" || isHTMLAnswer(contentType, b) {
		return "", "", ""
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(b), &m); err != nil {
		if len(b) <= 300 && !strings.HasPrefix(b, "{") && !strings.HasPrefix(b, "[") {
			return "", b, "body"
		}
		return "", "", ""
	}
	str := func(o map[string]any, k string) string {
		s, _ := o[k].(string)
		return strings.TrimSpace(s)
	}
	if e, ok := m["error"].(map[string]any); ok {
		// Entra-protected and Microsoft APIs (Graph): InvalidAuthenticationToken.
		return str(e, "code"), str(e, "message"), "body (Microsoft error)"
	}
	if e := str(m, "error"); e != "" {
		// Auth0-protected APIs (express-oauth2-jwt-bearer) and other
		// OAuth-shaped bodies; hapi/express's {"error":"Unauthorized",
		// "message":...} too.
		d := str(m, "error_description")
		if d == "" {
			d = str(m, "message")
		}
		return e, d, "body"
	}
	if t, d := str(m, "title"), str(m, "detail"); t != "" || d != "" {
		// ASP.NET Core's ProblemDetails (RFC 9457).
		switch {
		case t != "" && d != "":
			d = t + ": " + d
		case d == "":
			d = t
		}
		return "", d, "body (ProblemDetails)"
	}
	if msg := str(m, "message"); msg != "" {
		return "", msg, "body"
	}
	if msg := str(m, "Message"); msg != "" {
		return "", msg, "body"
	}
	return "", "", ""
}

// isHTMLAnswer reports whether an answer is a web page, by its type or
// its first bytes.
func isHTMLAnswer(contentType, body string) bool {
	return strings.Contains(strings.ToLower(contentType), "html") || looksHTML([]byte(strings.TrimSpace(body)))
}

// tokenFacts are what the access token says about itself, for the hint.
type tokenFacts struct {
	format  string // jwt, jwe, opaque
	aud     []string
	iss     string
	scopes  []string // scp, scope, permissions
	roles   []string
	exp     time.Time
	expired bool
	now     time.Time // when the call was made
}

func readTokenFacts(tok *decode.Token, now time.Time) tokenFacts {
	if tok == nil {
		return tokenFacts{format: string(decode.FormatOpaque)}
	}
	f := tokenFacts{format: string(tok.Format), now: now}
	if tok.Format != decode.FormatJWT {
		return f
	}
	f.aud, _ = tok.Audience()
	f.iss, _ = tok.String("iss")
	f.scopes = claimList(tok, "scp", "scope", "permissions")
	f.roles = claimList(tok, "roles")
	if v, ok := tok.Claim("exp"); ok {
		if t, ok := decode.NumericDate(v); ok {
			f.exp = t
			f.expired = t.Add(decode.DefaultSkew).Before(now)
		}
	}
	return f
}

// claimList reads claims that hold a space-separated string or an array
// of strings, as scopes and roles are written.
func claimList(tok *decode.Token, names ...string) []string {
	var out []string
	for _, n := range names {
		v, ok := tok.Claim(n)
		if !ok {
			continue
		}
		var s string
		var list []string
		switch {
		case json.Unmarshal(v, &s) == nil:
			out = append(out, strings.Fields(s)...)
		case json.Unmarshal(v, &list) == nil:
			out = append(out, list...)
		}
	}
	return out
}

func (f tokenFacts) has(scope string) bool {
	for _, s := range append(append([]string{}, f.scopes...), f.roles...) {
		if s == scope || strings.HasSuffix(s, "/"+scope) || strings.HasSuffix(scope, "/"+s) {
			return true
		}
	}
	return false
}

// azureManagement reports whether the token is for Azure Resource Manager.
func (f tokenFacts) azureManagement() bool {
	return slices.ContainsFunc(f.aud, decode.IsAzureManagementAudience)
}

// audForAPI says whether the token's aud names the API: the expected
// audience when one is set; else, for an aud that is a URL, the API's
// host. An aud that is no URL (api://…, a client id) is taken as fine:
// only the API knows what it expects.
func (f tokenFacts) audForAPI(expect, apiHost string) bool {
	if f.format != string(decode.FormatJWT) || len(f.aud) == 0 {
		return f.format != string(decode.FormatJWT)
	}
	for _, a := range f.aud {
		if expect != "" && a == expect {
			return true
		}
		if u, err := url.Parse(a); expect == "" && (err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" || strings.EqualFold(u.Hostname(), apiHost)) {
			return true
		}
	}
	return false
}

// JudgeCall says what a call's answer means for the access token sent
// (tok, nil when it is no JWT), joined with what the token says about
// itself: api.accepted, or api.rejected with the cause and the one
// setting to change (cause unreachable or timeout when no answer came).
// p is the run's profile (provider, expected audience, connector). A
// token from a file (CallTokenHAR) that had expired before the call is
// said first: the answer then says little about a fresh one.
func JudgeCall(c report.Call, tok *decode.Token, p report.Profile, now time.Time) report.Finding {
	f := judgeCall(c, tok, p, now)
	if facts := readTokenFacts(tok, now); c.Token == CallTokenHAR && facts.expired {
		when := facts.exp.UTC().Format("2006-01-02 15:04 UTC")
		f.Message += " (the token had expired before the call, at " + when + ")"
		f.Hint = "This token comes from a file and had expired before the call (exp " + when + "): any API refuses it, so this answer says little about a fresh one. Export a new HAR right after signing in, or sign in again and call the API with the fresh token. " + f.Hint
		f.Detail["token_expired"] = facts.exp.UTC().Format(time.RFC3339)
	}
	return f
}

func judgeCall(c report.Call, tok *decode.Token, p report.Profile, now time.Time) report.Finding {
	where := c.Request.Method + " " + report.ShortURL(c.Request.URL)
	detail := map[string]string{"step": "call", "call": fmt.Sprint(c.N), "token": c.Token, "url": report.RedactURL(c.Request.URL)}
	token := report.CallTokenWords(c.Token)
	if c.Response == nil {
		detail["error"] = "no_response"
		detail["cause"] = CallCauseUnreachable
		hint := "The API could not be reached from this machine: check the URL (for a connector: its swagger's host, basePath and schemes), that the API is running, and that nothing (a proxy, a firewall, a private network) stands between."
		if c.TimedOut {
			detail["cause"] = CallCauseTimeout
			hint = "The API did not answer in time: it hangs, or is slow on this call (the platform gives up after its own timeout, and the connector fails the same way). Check the API's logs for the request; if it is only slow, raise the request timeout. A gateway or firewall that drops the connection silently looks the same."
		}
		return report.Finding{
			Code: report.CodeAPIRejected, Severity: report.SeverityError,
			Message: fmt.Sprintf("the API call %s with %s got no answer: %s", where, token, c.Error),
			Hint:    hint,
			Detail:  detail,
		}
	}
	resp := c.Response
	detail["status"] = fmt.Sprint(resp.Status)
	facts := readTokenFacts(tok, now)
	if len(facts.aud) > 0 {
		detail["aud"] = strings.Join(facts.aud, " ")
	}
	apiHost := ""
	if u, err := url.Parse(c.Request.URL); err == nil {
		apiHost = u.Hostname()
	}
	ans := readAnswer(resp)
	for k, v := range map[string]string{"error": ans.errCode, "error_description": ans.desc, "scope": ans.scope} {
		if v != "" {
			detail[k] = v
		}
	}
	if ans.from != "" {
		detail["from"] = ans.from
	}
	loginPage := resp.Status < 300 && looksLoginPage(resp)
	if resp.Status >= 200 && resp.Status < 300 && !loginPage {
		return report.Finding{
			Code: report.CodeAPIAccepted, Severity: report.SeverityInfo,
			Message: fmt.Sprintf("the API accepted %s: %s answered %d", token, where, resp.Status) + acceptedAlthough(facts, p.ExpectAud),
			Detail:  detail,
		}
	}
	cause := callCause(ans, facts, resp.Status, loginPage, p.ExpectAud, apiHost)
	if cause == CallCauseLoginRedirect && !loginURL(c.Location, c.Request.URL) {
		cause = CallCauseRedirect
	}
	detail["cause"] = cause
	if num, _, _ := readAADSTS(ans.desc); num != "" {
		detail["aadsts"] = num
	}
	msg := fmt.Sprintf("the API refused %s: %s answered %d", token, where, resp.Status)
	switch {
	case ans.errCode != "" && ans.desc != "":
		msg += fmt.Sprintf(" (%s: %s)", ans.errCode, ans.desc)
	case ans.errCode != "" || ans.desc != "":
		msg += " (" + ans.errCode + ans.desc + ")"
	case resp.Status >= 300 && resp.Status < 400 && c.Location != "":
		msg += ", a redirect to " + report.ShortURL(c.Location)
	case loginPage:
		msg += " with a sign-in page"
	}
	return report.Finding{
		Code: report.CodeAPIRejected, Severity: report.SeverityError,
		Message: msg,
		Hint:    callHint(cause, ans, facts, p, c, apiHost),
		Detail:  detail,
	}
}

// callCause picks the one cause of a refusal: what the answer says
// first, then what the token shows, then the status alone.
func callCause(a apiAnswer, f tokenFacts, status int, loginPage bool, expect, apiHost string) string {
	d := strings.ToLower(a.errCode + " " + a.desc)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(d, w) {
				return true
			}
		}
		return false
	}
	switch {
	case status >= 300 && status < 400:
		return CallCauseLoginRedirect
	case loginPage:
		return CallCauseLoginPage
	case a.errCode == "insufficient_scope" || has("scope", "permission", "insufficient privileges"):
		return CallCauseScope
	case has("audience", "'aud'", `"aud"`, "aud claim", "idx10214", "idx10208"):
		return CallCauseAudience
	case has("expired", "lifetime", "idx10223", `"exp"`, "'exp'"):
		return CallCauseExpired
	case has("compact jws", "jwt malformed", "malformed jwt", "token is malformed", "not well formed", "idx12709", "idx14100", "jwt must have three parts") || f.format != string(decode.FormatJWT) && status == http.StatusUnauthorized:
		return CallCauseOpaque
	case has("signature", "signing key", "idx10501", "idx10503", "kid"):
		return CallCauseSignature
	case has("issuer", "idx10205", "'iss'", `"iss"`):
		return CallCauseIssuer
	case has("subscription key"):
		return CallCauseGatewayKey
	case a.errCode == "invalid_request":
		return CallCauseInvalidRequest
	case f.azureManagement():
		return CallCauseAudience
	case f.expired:
		return CallCauseExpired
	case status == http.StatusForbidden:
		return CallCauseForbidden
	case status == http.StatusNotFound:
		return CallCauseNotFound
	case status >= 500:
		return CallCauseServer
	case status == http.StatusUnauthorized && !f.audForAPI(expect, apiHost):
		return CallCauseAudience
	case status == http.StatusUnauthorized && a.saysNothing():
		return CallCauseNoClue
	}
	return CallCauseOther
}

// loginURL reports whether a redirect's target is a sign-in: a
// provider's host, a path that says so, or another host than the API's
// (a web app sends a stranger to its identity provider). A redirect on
// the API's own host to another path (a trailing slash, http to https)
// is none.
func loginURL(loc, apiURL string) bool {
	u, err := url.Parse(loc)
	if err != nil || loc == "" {
		return true // no Location to tell by: the usual case is a login
	}
	api, _ := url.Parse(apiURL)
	l := strings.ToLower(u.Path + "?" + u.RawQuery)
	for _, w := range []string{"login", "signin", "sign-in", "authorize", "oauth", "saml", "sso", "/.auth/", "account/"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return providerOf(u.Host) != "" || api != nil && u.Host != "" && !strings.EqualFold(u.Hostname(), api.Hostname())
}

// looksLoginPage reports whether a 2xx answer is an HTML sign-in page:
// the API (or a gateway in front of it) treated the call as a browser's.
func looksLoginPage(resp *report.Response) bool {
	if !isHTMLAnswer(resp.ContentType, resp.Body) {
		return false
	}
	b := strings.ToLower(resp.Body)
	for _, w := range []string{`type="password"`, "type=password", "sign in", "signin", "log in", "login", "/authorize", "oauth2"} {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}

// callHint says which setting to change for cause, in the words of the
// provider the login went to, with what the token says about itself.
func callHint(cause string, a apiAnswer, f tokenFacts, p report.Profile, c report.Call, apiHost string) string {
	prov := providerOf(p.Issuer)
	if prov == "" {
		prov = providerOf(p.AuthorizeURL)
	}
	aud := "none"
	if len(f.aud) > 0 {
		aud = strings.Join(f.aud, ", ")
	}
	scopes := "none"
	if len(f.scopes) > 0 {
		scopes = strings.Join(f.scopes, " ")
	}
	switch cause {
	case CallCauseAudience:
		lead := fmt.Sprintf("The token's aud is %s", aud)
		switch {
		case f.azureManagement():
			lead = "The token is for Azure Resource Manager (aud " + decode.AzureManagementAudience + "), not for this API"
		case p.ExpectAud != "" && slices.Contains(f.aud, p.ExpectAud):
			// The API's setting, not the provider's: no provider fix.
			return lead + ", the audience this login expected, and the API refuses it: the API is set up for another audience. Set the API's expected audience to " + p.ExpectAud + " (ASP.NET: the Audience or ValidAudiences of its JwtBearer options; express-oauth2-jwt-bearer: its audience option), or, if the API is right, ask the provider for the audience it wants (and expect that one)."
		case p.ExpectAud != "":
			lead += fmt.Sprintf(" and the audience expected is %s", p.ExpectAud)
		case apiHost != "" && a.desc == "":
			lead += fmt.Sprintf(", which does not name the API's host %s", apiHost)
		}
		return lead + ": the API checks aud and refuses a token issued for another. " + audienceFix(prov)
	case CallCauseScope:
		need := a.scope
		if need == "" {
			need = "it names none"
		}
		var missing []string
		for _, s := range strings.Fields(a.scope) {
			if !f.has(s) {
				missing = append(missing, s)
			}
		}
		lead := fmt.Sprintf("The API wants a scope the token lacks (%s); the token has %s", need, scopes)
		if len(f.roles) > 0 {
			lead += " (roles " + strings.Join(f.roles, " ") + ")"
		}
		if len(missing) > 0 {
			lead += "; missing: " + strings.Join(missing, " ")
		}
		return lead + ". " + scopeFix(prov)
	case CallCauseExpired:
		if !f.exp.IsZero() && !f.expired {
			return fmt.Sprintf("The API says the token has expired, but it is not expired: its exp is %s, %s after the call. So the API's clock (or a gateway's in front of it) is off, or the API validated another token than this one (a token it cached, a gateway that replaces the Authorization header). Check the API host's time and what reaches the API.", f.exp.UTC().Format("2006-01-02 15:04:05 UTC"), f.exp.Sub(f.now).Round(time.Minute))
		}
		when := ""
		if !f.exp.IsZero() {
			when = " (exp " + f.exp.UTC().Format("2006-01-02 15:04:05 UTC") + ")"
		}
		return "The access token had expired when the API got it" + when + ". The platform refreshes before its calls with the refresh token: check that the login returns one and that the Refresh URL works (authtrace reports both). If the token was fresh, this machine's clock or the API's is off, or the API allows no clock skew."
	case CallCauseOpaque:
		if f.format == string(decode.FormatJWT) {
			return "The API could not read the token as a signed JWT, although it is one: something between the platform and the API (a gateway, a proxy) may alter or replace the Authorization header, or the API expects another kind of token (an encrypted JWE, a reference token it introspects). Send the request straight to the API to tell which, and check what the API is configured to accept."
		}
		return "The access token is not a JWT (" + f.format + "), so an API that validates JWTs cannot read it. " + opaqueFix(prov)
	case CallCauseSignature:
		return fmt.Sprintf("The API could not verify the token's signature: it trusts other keys than the ones that signed it. Its configured authority (issuer, metadata address) must be the token's iss, %s, whose JWKS signed it. Entra: v1 tokens (sts.windows.net) and v2 (login.microsoftonline.com/<tenant>/v2.0) have different issuers, so set accessTokenAcceptedVersion in the API's app manifest or configure the API for the version it gets; a token for Microsoft Graph (a nonce in its header) verifies with no other API.", orNone(f.iss))
	case CallCauseIssuer:
		return fmt.Sprintf("The API trusts another issuer than the token's iss, %s: set the API's authority/issuer to it, or sign in through the tenant or authorization server the API trusts (the connector's Authorization URL and Token URL). Entra: a v1 token's iss is https://sts.windows.net/<tenant>/, a v2 token's https://login.microsoftonline.com/<tenant>/v2.0.", orNone(f.iss))
	case CallCauseLoginRedirect, CallCauseLoginPage:
		what := "redirected the call to a sign-in page"
		if c.Location != "" {
			what = "redirected the call to " + report.ShortURL(c.Location)
		}
		if cause == CallCauseLoginPage {
			what = "answered the call with an HTML sign-in page"
		}
		return "The API " + what + " instead of taking the bearer token or answering 401: it treated the call as a browser's without a session, as a web app's cookie sign-in or App Service Authentication (Easy Auth) does. The usual cause is a token of the wrong type for it (an ID token, another API's token, the portal's own management.azure.com token) or for another audience (this one's aud: " + aud + "). Make the API answer API calls with 401 (App Service Authentication: \"Return HTTP 401\" for unauthenticated requests; ASP.NET Core: JwtBearer as the API's default scheme), then look at the reason it gives." + suspect(f, p, apiHost)
	case CallCauseRedirect:
		return "The API redirected the call to " + report.ShortURL(c.Location) + " on its own host: a redirect the platform's call does not follow (a trailing slash, http to https, a moved path). Use the URL it redirects to: the connector's host, basePath and path (or the URL called) must be the API's final one."
	case CallCauseForbidden:
		return "The API took the token and refused the operation (403): the user or the app lacks a permission it checks. The token's scope: " + scopes + rolesNote(f) + ". " + scopeFix(prov)
	case CallCauseInvalidRequest:
		return "The API found the request malformed (RFC 6750 invalid_request): the Authorization header must be exactly \"Bearer <token>\", once, and the token must not also be in the query or body. Check the headers and the method the call sends."
	case CallCauseGatewayKey:
		if hasHeader(c.Request.Headers, "Ocp-Apim-Subscription-Key") {
			return "An API gateway (Azure API Management) in front of the API refused its subscription key, which was sent (Ocp-Apim-Subscription-Key): the key is wrong or regenerated, its subscription is suspended, or it is for another product than this API's. Check the subscription in the API Management instance (APIs > Subscriptions) and the key the connector sends."
		}
		return "An API gateway (Azure API Management) in front of the API wants its own subscription key: send the header Ocp-Apim-Subscription-Key with the call, as the connector does with an API key connection parameter or a policy."
	case CallCauseNotFound:
		return "HTTP 404: the path is not the API's, or the API hides what this token may not see. Check the URL (for a connector: its swagger's host, basePath and the operation's path)."
	case CallCauseServer:
		return fmt.Sprintf("HTTP %d: the API failed on its side; its logs say why (a token it could not parse can crash a careless API). Retry, then look there.", a.status)
	case CallCauseNoClue:
		why := "no error in its WWW-Authenticate header (RFC 6750), no error body"
		if said := strings.TrimSpace(a.errCode + " " + a.desc); said != "" {
			why = fmt.Sprintf("only %q, which any refusal says", said)
		}
		return fmt.Sprintf("The API answered 401 without saying why: %s. Check, in this order: the token's aud (%s) is the audience the API is configured with; its iss (%s) is the authority the API trusts; it carries the scope or roles the API wants (scope: %s%s); it is not expired; the API reads the Authorization: Bearer header (not a cookie or a key); a gateway in front of it does not want a key of its own. Turning on the API's authentication logging (ASP.NET Core: Microsoft.AspNetCore.Authentication at Debug) shows the reason.", why, aud, orNone(f.iss), scopes, rolesNote(f))
	}
	return fmt.Sprintf("The API answered HTTP %d. The token's aud: %s; scope: %s. Check the API's logs for why.", a.status, aud, scopes)
}

// acceptedAlthough says what else the report says about a token the API
// accepted, so that the report does not contradict itself.
func acceptedAlthough(f tokenFacts, expect string) string {
	switch {
	case f.format == string(decode.FormatJWE):
		return " (although it is encrypted, a JWE: this API decrypts it, or does not check it)"
	case f.format != string(decode.FormatJWT):
		return " (although it is not a JWT: this API introspects it, or does not check it)"
	case expect != "" && len(f.aud) > 0 && !slices.Contains(f.aud, expect):
		return fmt.Sprintf(" (although its aud, %s, is not the expected audience %s: the API checks another audience, or none)", strings.Join(f.aud, " "), expect)
	}
	return ""
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func rolesNote(f tokenFacts) string {
	if len(f.roles) == 0 {
		return ""
	}
	return "; roles: " + strings.Join(f.roles, " ")
}

// suspect is what the token itself shows that would make an API refuse
// it, for an answer that gives no reason.
func suspect(f tokenFacts, p report.Profile, apiHost string) string {
	switch {
	case f.format != string(decode.FormatJWT):
		return " This token is not even a JWT (" + f.format + ")."
	case f.azureManagement():
		return " This token is for Azure Resource Manager (" + decode.AzureManagementAudience + "), not for this API."
	case f.expired:
		return " This token had expired."
	case !f.audForAPI(p.ExpectAud, apiHost):
		return " Its aud does not name this API."
	}
	return ""
}

func audienceFix(prov string) string {
	switch prov {
	case "entra":
		return "Entra issues the token for the resource the connector asks for: set the connector's Resource URL (the aad identity provider, Entra v1) or its scope (Entra v2: api://<app id>/<scope>) to the API's Application ID URI (" + entraApp + " (the API) > Expose an API), and have the API accept that value as its audience (ASP.NET: the Audience or ClientId of its AzureAd settings; a v1 token may carry either form)."
	case "auth0":
		return "Auth0 issues the token for the API the authorize request's audience names: send audience=<the API's Identifier> (Auth0 Dashboard > Applications > APIs > your API > Identifier) in the connector's Authorization URL or extra parameters, and give the API (express-oauth2-jwt-bearer's audience option) that same identifier."
	case "okta":
		return "Okta writes the authorization server's Audience into aud: use the authorization server whose Audience the API checks (Okta Admin Console > Security > API > Authorization Servers), in the connector's Authorization URL and Token URL."
	}
	return "Ask the provider for a token for this API: the audience or resource parameter in the connector's Authorization URL (or the scope that names the API), so that aud names what the API checks; or, if the token's aud is the right one, set the API's expected audience to it."
}

func scopeFix(prov string) string {
	switch prov {
	case "entra":
		return "Add the API's delegated permission to the connector's app (" + entraApp + " > API permissions), grant admin consent, and put it in the connector's scope (Entra v2: api://<app id>/<scope>); with the Resource URL (v1) the granted permissions make scp. An app role shows in roles."
	case "auth0":
		return "Define the permission on the Auth0 API (Auth0 Dashboard > Applications > APIs > your API > Permissions), allow it for the application, and add it to the connector's Scope field; with RBAC on, the user's role must carry it (the permissions claim)."
	case "okta":
		return "Add the scope to the authorization server (Okta Admin Console > Security > API > Authorization Servers > Scopes), allow it in its access policy rule, and add it to the connector's Scope field."
	}
	return "Add the scope to the connector's Scope field (space-separated) and check that the provider grants it to this app and user."
}

func opaqueFix(prov string) string {
	switch prov {
	case "auth0":
		return "Auth0 issues an opaque token, good only for its /userinfo, when the authorize request names no audience: add audience=<the API's Identifier> to the connector's Authorization URL or extra parameters."
	case "entra":
		return "Entra issues a JWT for the API the scope (api://<app id>/<scope>) or the Resource URL names; a token for Microsoft Graph is not one the API can validate."
	}
	return "Ask the provider for a JWT for this API (the audience or resource parameter, or the API's scope); some providers (Google, GitHub) only issue opaque tokens, which the API must introspect instead."
}
