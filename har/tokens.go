package har

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// grantWait is how long after the callback a token request may come and
// still be this attempt's: a single-page app exchanges the code at once.
const grantWait = 10 * time.Minute

// grants finds the attempt's token requests made from the browser (a
// single-page app's, or a loopback client's recorded in the same file):
// the code exchange after the callback, with its code, and a refresh
// after it. A connector's are made by the platform and are never here.
func (a *analysis) grants(b *built) {
	if b.cbPos < 0 {
		return
	}
	cb := b.hops[len(b.hops)-1]
	code := cb.Params["code"]
	j := a.find(b.cbPos, func(c rec) bool {
		f := formOf(c)
		// By the code; by the client only where a sanitiser took the
		// code out of one side.
		return f.Get("grant_type") == "authorization_code" &&
			(f.Get("code") == code || unknownEither(f.Get("code"), code) && f.Get("client_id") == b.checks.ClientID)
	}, grantWait)
	if j < 0 {
		return // exchanged by a server (a web app's, the platform's): not in the file
	}
	a.used[j] = true
	ex, tokens, fs := a.grant(b, a.recs[j], false)
	b.exchange = &report.Exchange{Step: ex, Chain: b.name}
	b.add(tokens, fs)
	b.end = a.recs[j].started
	refreshToken := ""
	if ex.Response != nil {
		refreshToken = ex.Response.Fields["refresh_token"]
	}
	k := a.find(j, func(c rec) bool {
		f := formOf(c)
		return f.Get("grant_type") == "refresh_token" && (refreshToken != "" && f.Get("refresh_token") == refreshToken ||
			unknownEither(f.Get("refresh_token"), refreshToken) && f.Get("client_id") == b.checks.ClientID)
	}, 24*time.Hour)
	if k < 0 {
		return
	}
	a.used[k] = true
	st, tokens, fs := a.grant(b, a.recs[k], true)
	rf := &report.Refresh{Step: st, Chain: b.name}
	if st.Response != nil {
		rt := st.Response.Fields["refresh_token"]
		rf.Rotated = rt != "" && rt != st.Request.Form["refresh_token"]
	}
	b.refresh = rf
	b.add(tokens, fs)
}

// unknownEither reports whether either value is unknown: empty, or a
// sanitiser's placeholder.
func unknownEither(a, b string) bool {
	return a == "" || b == "" || report.IsPlaceholder(a) || report.IsPlaceholder(b)
}

// grant checks one recorded token request r.
func (a *analysis) grant(b *built, r rec, refresh bool) (report.Step, []report.Token, []report.Finding) {
	form := formOf(r)
	req := report.Request{Method: r.method, URL: r.url, Form: firstValues(form)}
	switch {
	case r.basic:
		req.ClientAuth = "basic"
	case form.Has("client_secret"):
		req.ClientAuth = "post"
	}
	st, tokens, fs := b.checks.Grant(r.started, req, flow.Answer{Status: r.status, ContentType: r.ctype, Body: r.body, Truncated: r.bodyCut}, refresh)
	if req.ClientAuth == "" {
		fs = browserApp(fs)
	}
	if len(r.body) == 0 && r.status > 0 {
		step := "exchange"
		if refresh {
			step = "refresh"
		}
		fs = append([]report.Finding{{
			Code: report.CodeHARBodyOmitted, Severity: report.SeverityInfo,
			Message: fmt.Sprintf("the token endpoint's answer (HTTP %d) has no body in the file: the tokens it gave are not known", r.status),
			Hint:    "The browser left the body out of the export or a sanitiser removed it; what follows about the answer is about its status alone.",
			Detail:  map[string]string{"step": step},
		}}, fs...)
	}
	if r.status == 0 {
		st.Error = cmp.Or(r.err, "no answer recorded")
	}
	return st, tokens, fs
}

// add keeps tokens and findings of the attempt.
func (b *built) add(tokens []report.Token, fs []report.Finding) {
	for _, t := range tokens {
		t.Chain = b.name
		b.tokens = append(b.tokens, t)
	}
	for _, f := range fs {
		if f.Hop == 0 {
			f.Chain = b.name
		}
		b.findings = append(b.findings, f)
	}
}

// formOf is a record's body as a form; empty for a GET or another body.
func formOf(r rec) url.Values {
	if r.method != "POST" || r.form == "" {
		return url.Values{}
	}
	f, _ := url.ParseQuery(strings.TrimSpace(r.form))
	return f
}

// bearers decodes the tokens the browser sent on later calls
// (Authorization: Bearer) and the ID tokens of form posts to a callback,
// each once, with the attempt it followed.
func (a *analysis) bearers(all []*built) {
	seen := map[string]bool{}
	for _, b := range all {
		if ex := b.exchange; ex != nil && ex.Response != nil {
			seen[ex.Response.Fields["access_token"]] = true
			seen[ex.Response.Fields["id_token"]] = true
		}
	}
	for _, b := range all {
		if b.cbPos < 0 {
			continue
		}
		cb := a.recs[b.cbPos]
		if idt := formOf(cb).Get("id_token"); idt != "" && !seen[idt] {
			seen[idt] = true
			tokens, fs := b.checks.Token(cb.started, "id_token", idt)
			for i := range tokens {
				tokens[i].Seen = fmt.Sprintf("form post to the callback (hop %d)", b.hops[len(b.hops)-1].N)
			}
			b.add(tokens, fs)
		}
	}
	count := map[string]int{}
	for _, r := range a.recs {
		if r.bearer != "" {
			count[r.bearer]++
		}
	}
	for _, r := range a.recs {
		if r.bearer == "" || seen[r.bearer] || report.IsPlaceholder(r.bearer) {
			continue
		}
		b := attemptOf(all, r)
		if !apiCall(b, r, all) {
			continue
		}
		seen[r.bearer] = true
		tokens, fs := b.checks.Token(r.started, "access_token", r.bearer)
		where := fmt.Sprintf("Authorization header of %s %s", r.method, report.ShortURL(r.url))
		if n := count[r.bearer]; n > 1 {
			where += fmt.Sprintf(" (and %d more requests)", n-1)
		}
		for i := range tokens {
			tokens[i].Seen = where
		}
		b.add(tokens, fs)
	}
}

// refusals reports the API calls of the file that the API refused (401
// or 403) as --call reports its own: api.rejected, with the cause read
// from the answer and the token, once per token.
func (a *analysis) refusals(all []*built) {
	done := map[string]bool{}
	for _, r := range a.recs {
		if r.bearer == "" || done[r.bearer] || report.IsPlaceholder(r.bearer) || r.status != http.StatusUnauthorized && r.status != http.StatusForbidden {
			continue
		}
		b := attemptOf(all, r)
		if !apiCall(b, r, all) {
			continue
		}
		done[r.bearer] = true
		c := report.Call{Token: flow.CallTokenHAR, Step: report.Step{
			Request:  report.Request{Method: r.method, URL: r.url},
			Response: &report.Response{Status: r.status, ContentType: r.ctype, Body: string(r.body), Headers: map[string]string{}},
		}}
		if r.wwwAuth != "" {
			c.Response.Headers["WWW-Authenticate"] = r.wwwAuth
		}
		f := b.checks.Call(r.started, c, r.bearer)
		f.Message = strings.Replace(f.Message, "the HAR file's access token", "the access token of this browser call", 1)
		b.add(nil, []report.Finding{f})
	}
}

// attemptOf is the attempt a request followed: the last to start before it.
func attemptOf(all []*built, r rec) *built {
	b := all[0]
	for _, c := range all {
		if !c.start.After(r.started) {
			b = c
		}
	}
	return b
}

// portalDomains are Microsoft's own services, which a Power Platform
// session calls all the time with tokens of their own (Graph, Azure
// Resource Manager, the portals): no login in the file obtained them, so
// they are not checked against its audience.
var portalDomains = []string{
	"microsoft.com", "microsoftonline.com", "management.azure.com", "graph.windows.net",
	"powerapps.com", "powerautomate.com", "powerplatform.com", "dynamics.com",
	"office.com", "office.net", "live.com", "msauth.net", "msftauth.net", "sharepoint.com",
	"azure-apim.net", "cloud.microsoft", "powerbi.com", "azureml.ms", "powerapps.us",
	"appsplatform.us", "microsoftonline.us", "dynamics.us",
}

// apiCall reports whether the Bearer call r is one to the API attempt b
// logged in for: to the host of its expected audience when that is a URL
// (--expect-aud, or the audience it asked for); without one, to any host
// that is not a provider's of the file or one of Microsoft's own.
func apiCall(b *built, r rec, all []*built) bool {
	if u, err := url.Parse(b.sent.Get("redirect_uri")); err == nil && flow.IsConsentHost(u.Host) {
		// The platform's login: it exchanges the code and calls the API
		// from its own servers, so no token in the browser is this
		// login's.
		return false
	}
	host := strings.ToLower(r.u.Hostname())
	if u, err := url.Parse(b.checks.ExpectAud); err == nil && u.Host != "" {
		return strings.EqualFold(u.Hostname(), host)
	}
	for _, c := range all {
		if strings.EqualFold(c.first.u.Hostname(), host) {
			return false
		}
	}
	for _, d := range portalDomains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return false
		}
	}
	return true
}

// browserApp rewords what a public client's own token request (a
// single-page app's, made by the browser without a secret) found about
// its missing refresh token: such an app often renews its tokens without
// one, so it is a warning, with advice for when it is not.
func browserApp(fs []report.Finding) []report.Finding {
	for i, f := range fs {
		if f.Code != report.CodeRefreshTokenMissing {
			continue
		}
		f.Severity = report.SeverityWarn
		f.Message = "No refresh token came back to this browser app's own token request (a public client, no secret): it cannot stay signed in past the access token's lifetime without the person, unless it renews its tokens another way."
		f.Hint = "A single-page app usually renews silently (a hidden iframe or refresh-token rotation): nothing to do if it does. If it must keep a refresh token, add offline_access to the scope it asks for and allow the refresh-token grant for the app on the provider (Okta: the app's Grant types; Auth0: Refresh Token Rotation; Entra: the SPA platform issues them by default)."
		fs[i] = f
	}
	return fs
}
