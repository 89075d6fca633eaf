package flow

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// grant is one token-endpoint call: what was sent, what came back, and
// the tokens read from it when it worked.
type grant struct {
	step  report.Step
	token tokenResponse
	oerr  *OAuthError // the endpoint's OAuth error, if it sent one
	err   error       // no usable answer: network, HTML, unreadable
}

// ok reports whether the grant gave an access token.
func (g grant) ok() bool { return g.err == nil && g.oerr == nil && g.token.AccessToken != "" }

// postToken sends one grant to a token endpoint with the given client
// authentication, and reads the answer leniently.
func (r *runner) postToken(ctx context.Context, endpoint string, form url.Values, auth string) grant {
	form = maps.Clone(form) // Set below replaces values, never edits them
	if form == nil {
		form = url.Values{} // a hook's TokenRequest may have no fields
	}
	req := report.Request{Method: http.MethodPost, URL: endpoint, ClientAuth: auth, Headers: map[string]string{}, Form: map[string]string{}}
	var basic string
	switch auth {
	case ClientAuthBasic:
		// RFC 6749 §2.3.1: form-encode both before joining, as x/oauth2 does.
		basic = base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(r.cfg.ClientID) + ":" + url.QueryEscape(r.cfg.ClientSecret)))
		req.Headers["Authorization"] = "Basic " + basic
	default:
		form.Set("client_id", r.cfg.ClientID)
		if r.cfg.ClientSecret != "" {
			form.Set("client_secret", r.cfg.ClientSecret)
		}
	}
	for k := range form {
		req.Form[k] = form.Get(k)
	}
	return r.post(ctx, req, form.Encode(), basic)
}

// postBody sends a token request whose body a platform's template built
// (TokenRequest.Body), exactly as built: no client authentication is
// added, and none is tried after it. The report's form shows the body's
// fields, as far as they parse.
func (r *runner) postBody(ctx context.Context, endpoint, body string) grant {
	req := report.Request{Method: http.MethodPost, URL: endpoint, ClientAuth: ClientAuthTemplate, Headers: map[string]string{}, Form: map[string]string{}}
	fields, _ := url.ParseQuery(body) // the fields that parse; the body goes as it is
	for k := range fields {
		req.Form[k] = fields.Get(k)
	}
	return r.post(ctx, req, body, "")
}

// post sends a token request built as req, with payload as its body and,
// when set, the Basic credentials, and reads the answer leniently.
func (r *runner) post(ctx context.Context, req report.Request, payload, basic string) grant {
	endpoint := req.URL
	req.Headers["Content-Type"] = "application/x-www-form-urlencoded"
	req.Headers["Accept"] = "application/json"
	g := grant{step: report.Step{Request: req}}

	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(payload))
	if err != nil {
		g.err = err
		g.step.Error = err.Error()
		return g
	}
	hreq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hreq.Header.Set("Accept", "application/json")
	hreq.Header.Set("User-Agent", userAgent)
	if basic != "" {
		hreq.Header.Set("Authorization", "Basic "+basic)
	}
	start := time.Now()
	resp, err := r.client.Do(hreq)
	if err != nil {
		u, _ := url.Parse(endpoint)
		g.err = &requestError{r.netError(ctx, u, err), err}
		g.step.Error = g.err.Error()
		return g
	}
	defer resp.Body.Close()
	body, truncated, err := decode.ReadCapped(resp.Body, maxBody)
	out := &report.Response{
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Body:        string(body),
		Truncated:   truncated,
		DurationMS:  sinceMS(start),
	}
	g.step.Response = out
	if err != nil {
		g.err = fmt.Errorf("reading the token endpoint's answer: %w", err)
		g.step.Error = g.err.Error()
		return g
	}
	tr, format, err := readTokenResponse(resp.StatusCode, out.ContentType, body)
	out.Format = format
	out.Fields = tr.Fields
	g.token = tr
	var oerr *OAuthError
	switch {
	case errors.As(err, &oerr):
		g.oerr = oerr
	case err != nil: // not JSON, malformed, or no access_token
		g.err = err
		g.step.Error = err.Error()
	}
	return g
}

// exchange trades the code for tokens. Under client-auth auto it sends the
// secret in the form body first and, when the endpoint rejects the client,
// again as a Basic header, as Power Platform does; every attempt is kept.
func (r *runner) exchange(ctx context.Context, code string, ar authRequest) grant {
	form := url.Values{}
	form.Set("grant_type", "authorization_code")
	form.Set("code", code)
	form.Set("redirect_uri", r.redirectURI)
	if ar.Verifier != "" {
		form.Set("code_verifier", ar.Verifier)
	}
	endpoint := r.cfg.TokenURL
	if r.cfg.TokenRequest != nil {
		tr, err := r.buildToken("token request", TokenFill{Grant: "authorization_code", Code: code, RedirectURI: r.redirectURI})
		if err != nil {
			return grant{err: err}
		}
		if tr.Body != "" {
			g := r.postBody(ctx, tr.URL, tr.Body)
			st := g.step
			r.emit(Event{Kind: EventExchange, Step: &st})
			r.usedAuth = ClientAuthTemplate
			r.grantFindings(g, false)
			return g
		}
		endpoint, form = tr.URL, tr.Form
	}
	methods := []string{r.cfg.ClientAuth}
	if r.cfg.ClientAuth == ClientAuthAuto {
		methods = []string{ClientAuthPost, ClientAuthBasic}
	}
	var g grant
	for i, m := range methods {
		g = r.postToken(ctx, endpoint, form, m)
		// Each attempt is an event of its own, and Apply keeps the
		// earlier ones: the event points at a copy, as g is reused by the
		// next attempt while a consumer may still hold this one.
		st := g.step
		r.emit(Event{Kind: EventExchange, Step: &st})
		if !clientRejected(g) || i == len(methods)-1 {
			break
		}
	}
	r.usedAuth = g.step.Request.ClientAuth
	if len(methods) > 1 && len(r.rep.Exchange.Attempts) > 0 && g.ok() {
		r.addFinding(report.Finding{
			Code: report.CodeTokenClientAuth, Severity: report.SeverityWarn,
			Message: "the token endpoint rejected the client secret in the form body and accepted it only as an HTTP Basic header",
			Hint:    "Power Platform tries the body first and then Basic, so this works, at the cost of one failed call per token request. Other clients may only try one: enable client_secret_post on the provider's app (Okta: Client authentication \"Client secret\" with POST; oidc-provider: token_endpoint_auth_method) if they must work too.",
			Detail:  map[string]string{"worked": ClientAuthBasic, "rejected": ClientAuthPost},
		})
	}
	r.grantFindings(g, false)
	return g
}

// clientRejected reports whether a token answer says the client failed to
// authenticate, which is what makes auto mode try the next method.
func clientRejected(g grant) bool {
	if g.oerr != nil {
		return g.oerr.Code == "invalid_client" || g.oerr.Code == "unauthorized_client" && g.oerr.Status == http.StatusUnauthorized
	}
	return g.step.Response != nil && g.step.Response.Status == http.StatusUnauthorized
}

// refresh makes one refresh grant with the refresh token that came back,
// with the client authentication that worked for the exchange.
func (r *runner) refresh(ctx context.Context, refreshToken string) grant {
	form := url.Values{}
	form.Set("grant_type", "refresh_token")
	form.Set("refresh_token", refreshToken)
	endpoint, auth := r.cfg.RefreshURL, r.usedAuth
	var g grant
	if r.cfg.TokenRequest != nil {
		tr, err := r.buildToken("refresh request", TokenFill{Grant: "refresh_token", RefreshToken: refreshToken, RedirectURI: r.redirectURI})
		if err != nil {
			return grant{err: err}
		}
		endpoint, form = tr.URL, tr.Form
		if tr.Body != "" {
			g = r.postBody(ctx, tr.URL, tr.Body)
		}
		if auth != ClientAuthPost && auth != ClientAuthBasic {
			// The exchange's body was a template's and this one is a
			// form: client authentication as the settings say, body
			// first under auto.
			auth = r.cfg.ClientAuth
			if auth == ClientAuthAuto {
				auth = ClientAuthPost // auto tries the body first
			}
		}
	}
	if g.step.Request.URL == "" {
		g = r.postToken(ctx, endpoint, form, auth)
	}
	r.emit(Event{Kind: EventRefresh, Step: &g.step}) // Apply tells whether it rotated
	r.grantFindings(g, true)
	return g
}

// grantFindings turns what was odd about a token answer into findings.
func (r *runner) grantFindings(g grant, refresh bool) {
	what, step := "token endpoint", "exchange"
	code := report.CodeTokenError
	if refresh {
		what, step = "refresh grant", "refresh"
	}
	// Each finding says which round trip it is about, so a reader (the
	// TUI) can show that request and answer beside it.
	addFinding := func(f report.Finding) {
		if f.Detail == nil {
			f.Detail = map[string]string{}
		}
		f.Detail["step"] = step
		r.addFinding(f)
	}
	if g.step.Response != nil && g.step.Response.Truncated {
		addFinding(truncatedFinding(0, what+" answer"))
	}
	if p := g.token.ExpiresInProblem; g.ok() && p != "" {
		v := g.token.Fields["expires_in"]
		if _, ok := g.token.Fields["expires_in"]; !ok {
			v = g.token.Fields["expires"]
		}
		addFinding(report.Finding{
			Code: report.CodeTokenExpiresIn, Severity: report.SeverityWarn,
			Message: fmt.Sprintf("the %s's expires_in %s: %q", what, p, v),
			Hint:    "expires_in is the access token's lifetime in seconds (RFC 6749 §5.1), such as 3600. A client that reads this one may refresh at once, never, or fail: Power Platform decides when to refresh from it. Fix the value the provider (or the API gateway in front of it) sends.",
			Detail:  map[string]string{"expires_in": v, "problem": p},
		})
	}
	switch {
	case g.oerr != nil:
		if refresh {
			code = report.CodeRefreshFailed
		}
		msg := fmt.Sprintf("the %s answered %s", what, g.oerr.Code)
		if g.oerr.Code == "" {
			msg = fmt.Sprintf("the %s answered HTTP %d without an OAuth error code", what, g.oerr.Status)
		}
		if g.oerr.Description != "" {
			msg += ": " + g.oerr.Description
		}
		if g.oerr.Status == http.StatusOK {
			msg += " (with HTTP 200)"
		}
		hint := tokenErrorHint(g.oerr, refresh)
		if g.oerr.Code == "invalid_client" && r.cfg.ClientSecret == "" {
			msg += " (no client secret was sent)"
			hint = "No client secret was given, so none was sent: give the client secret, unless the app is a public client, in which case enable that on the provider. " + hint
		}
		f := report.Finding{
			Code: code, Severity: report.SeverityError,
			Message: msg,
			Hint:    hint,
			Detail:  map[string]string{"error": g.oerr.Code, "status": fmt.Sprint(g.oerr.Status)},
		}
		if num, _, _ := readAADSTS(g.oerr.Description); num != "" {
			f.Detail["aadsts"] = num
		}
		addFinding(f)
	case errors.Is(g.err, errTokenNotJSON):
		resp := g.step.Response
		addFinding(report.Finding{
			Code: report.CodeTokenNotJSON, Severity: report.SeverityError,
			Message: fmt.Sprintf("the %s answered HTTP %d with %s, not a JSON token response", what, resp.Status, report.ContentTypeOr(resp.ContentType)),
			Hint:    notJSONHint(resp.Status),
			Detail:  map[string]string{"content_type": resp.ContentType, "status": fmt.Sprint(resp.Status), "format": resp.Format},
		})
	case errors.Is(g.err, errTokenMalformed):
		resp := g.step.Response
		hint := "The body says it is JSON (or a form) and does not parse: a proxy or gateway in front of the token endpoint may be altering or cutting it."
		if resp.Truncated {
			hint = "The body was cut at 1 MiB, so it cannot parse: a token answer this large is not a token answer. Check the Token URL."
		}
		addFinding(report.Finding{
			Code: report.CodeTokenNotJSON, Severity: report.SeverityError,
			Message: fmt.Sprintf("the %s answered HTTP %d with a body that does not parse: %v", what, resp.Status, g.err),
			Hint:    hint,
			Detail:  map[string]string{"content_type": resp.ContentType, "status": fmt.Sprint(resp.Status), "format": "malformed_" + resp.Format},
		})
	case errors.Is(g.err, errTokenNoAccessToken):
		if refresh {
			code = report.CodeRefreshFailed
		}
		addFinding(report.Finding{
			Code: code, Severity: report.SeverityError,
			Message: fmt.Sprintf("the %s answered HTTP %d without an access_token", what, g.step.Response.Status),
			Hint:    "A successful token answer must carry access_token (RFC 6749 §5.1). The URL may be another endpoint that also answers JSON (userinfo, introspection): check the Token URL.",
			Detail:  map[string]string{"error": "no_access_token", "status": fmt.Sprint(g.step.Response.Status)},
		})
	case g.err != nil:
		if refresh {
			code = report.CodeRefreshFailed
		}
		addFinding(report.Finding{
			Code: code, Severity: report.SeverityError,
			Message: fmt.Sprintf("the %s call failed: %v", what, g.err),
			Hint:    "Check the token URL and that this machine can reach it.",
			Detail:  map[string]string{"error": "no_response"},
		})
	case g.step.Response != nil && g.step.Response.Format == "form":
		addFinding(report.Finding{
			Code: report.CodeTokenNotJSON, Severity: report.SeverityWarn,
			Message: fmt.Sprintf("the %s answered form-encoded (%s) instead of JSON", what, report.ContentTypeOr(g.step.Response.ContentType)),
			Hint:    "RFC 6749 §5.1 requires application/json. Some clients cannot read form-encoded answers (GitHub does this unless the request says Accept: application/json); if the provider has a setting for JSON, turn it on.",
			Detail:  map[string]string{"content_type": g.step.Response.ContentType, "format": "form"},
		})
	}
}

// notJSONHint says what a token endpoint's answer that is not JSON means,
// by its status: a refusal without an OAuth error, a wrong URL, a server
// failure, or a web page where the endpoint should be.
func notJSONHint(status int) string {
	const endpoint = "Use the token_endpoint from the provider's /.well-known/openid-configuration (Auth0: https://TENANT/oauth/token; Okta: https://DOMAIN/oauth2/default/v1/token; Entra: https://login.microsoftonline.com/TENANT/oauth2/v2.0/token)."
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Sprintf("HTTP %d without an OAuth error body: the client's authentication was refused, by the token endpoint or by a gateway or firewall in front of it. Check the client secret and how it is sent (in the body or as Basic), and whether a gateway wants a key of its own. If the URL is not the provider's token endpoint at all: %s", status, endpoint)
	case status == http.StatusNotFound || status == http.StatusMethodNotAllowed:
		return "The Token URL is not a token endpoint (HTTP " + fmt.Sprint(status) + "). " + endpoint
	case status >= 500:
		return fmt.Sprintf("The token endpoint failed on its side (HTTP %d); retry, and check the provider's status page or logs. If it keeps failing, check the Token URL: %s", status, endpoint)
	}
	return "The Token URL probably points at a web page (a login page, the provider's home page or its docs) instead of the token endpoint. " + endpoint
}

// buildToken builds a token request with Config.TokenRequest for fill,
// with the run's client credentials, and checks its URL.
func (r *runner) buildToken(request string, fill TokenFill) (TokenRequest, error) {
	fill.ClientID, fill.ClientSecret = r.cfg.ClientID, r.cfg.ClientSecret
	tr, err := r.cfg.TokenRequest(fill)
	if err != nil {
		return tr, &BuildError{Request: request, Err: err}
	}
	if _, err := builtURL(request, tr.URL); err != nil {
		return tr, err
	}
	return tr, nil
}
