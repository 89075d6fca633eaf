package flow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// maxCallBody is how much of an API's answer a call reads: enough for
// any error body; the rest is not read (an API may answer gigabytes).
const maxCallBody = 64 << 10

// callUserAgent is sent with the API calls: the connector's runtime is
// no browser, so neither is the call (an API or its gateway may treat a
// browser's User-Agent as a person to send to a sign-in page).
const callUserAgent = "authtrace/1 (+https://github.com/authtrace/authtrace)"

// Which access token a call sent (report.Call.Token).
const (
	CallTokenExchange = "exchange"
	CallTokenRefresh  = "refresh"
)

// callAPI makes each of Config.Calls with the access token (the
// exchange's or the refresh's, as from says), records it and says what
// the API's answer means for the token.
func (r *runner) callAPI(ctx context.Context, access, from string) {
	if len(r.cfg.Calls) == 0 {
		return
	}
	r.emit(Event{Kind: EventPhase, Phase: PhaseCalling, Text: report.CallTokenWords(from)})
	tok, _ := decode.Parse(access) // nil for a token that is none: judged as opaque
	for _, spec := range r.cfg.Calls {
		c := r.call(ctx, spec, access, from)
		r.emit(Event{Kind: EventCall, Call: &c})
		r.addFinding(JudgeCall(c, tok, r.rep.Profile, r.now()))
	}
}

// ExpiredAt reports the exp of an access token that is a JWT, and
// whether it had passed at now (with the usual clock skew).
func ExpiredAt(access string, now time.Time) (time.Time, bool) {
	tok, err := decode.Parse(access)
	if err != nil {
		return time.Time{}, false
	}
	f := readTokenFacts(tok, now)
	return f.exp, f.expired
}

// notCalled says, when calls were asked for, that the login ended
// without an access token to call the API with.
func (r *runner) notCalled() {
	if len(r.cfg.Calls) > 0 {
		r.addFinding(NotCalled("no_access_token", "the login got no access token"))
	}
}

// call makes one request to the API with the access token as the platform
// sends it, without following a redirect (where one goes is the finding),
// within the request timeout, reading at most maxCallBody of the answer.
func (r *runner) call(ctx context.Context, spec APICall, access, from string) report.Call {
	method := cmp.Or(strings.ToUpper(spec.Method), http.MethodGet)
	c := report.Call{N: len(r.rep.Calls) + 1, Token: from}
	c.Request = report.Request{Method: method, URL: spec.URL, Headers: map[string]string{"Authorization": "Bearer " + access}}
	u, err := url.Parse(spec.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.Error = fmt.Sprintf("%q is not an http(s) URL with a host", spec.URL)
		return c
	}
	// The request's own limit; netError is given the caller's ctx, so a
	// timeout reads as this limit, not as the run's.
	reqCtx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	defer cancel()
	var send io.Reader
	if spec.Body != "" {
		send = strings.NewReader(spec.Body)
	}
	req, err := http.NewRequestWithContext(reqCtx, method, spec.URL, send)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	req.Header.Set("User-Agent", callUserAgent)
	if spec.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, h := range spec.Headers {
		if strings.EqualFold(h.Name, "Content-Type") {
			req.Header.Del(h.Name) // the one given replaces the default
		}
		req.Header.Add(h.Name, h.Value)
		c.Request.Headers[h.Name] = h.Value
	}
	req.Header.Set("Authorization", "Bearer "+access)
	// The transport, not a Client: a Client would follow a redirect, and
	// a 302 to a login page is itself the answer.
	rt := r.client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	start := time.Now()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		c.Error = r.netError(ctx, u, err)
		c.TimedOut = timedOut(reqCtx, err)
		return c
	}
	defer resp.Body.Close() // unread past the cap: the connection goes, not the bytes
	body, truncated, err := decode.ReadCapped(resp.Body, maxCallBody)
	c.Response = &report.Response{
		Status:      resp.StatusCode,
		ContentType: resp.Header.Get("Content-Type"),
		Body:        string(body),
		Truncated:   truncated,
		DurationMS:  sinceMS(start),
		Headers:     map[string]string{},
	}
	for k, vs := range resp.Header {
		sep := ", "
		if k == "Set-Cookie" {
			sep = "\n" // one a line, as report.RedactSetCookie reads them
		}
		c.Response.Headers[k] = strings.Join(vs, sep)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		if lu, err := u.Parse(loc); err == nil {
			c.Location = lu.String()
		} else {
			c.Location = loc
		}
	}
	if err != nil {
		c.Error = "reading the API's answer: " + r.netError(ctx, u, err)
		c.TimedOut = timedOut(reqCtx, err)
	}
	return c
}

// timedOut reports whether a request failed because its time ran out.
func timedOut(reqCtx context.Context, err error) bool {
	return errors.Is(reqCtx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) || isTimeout(err)
}

// callAfterRefresh repeats the calls with the refreshed access token, as
// the platform calls an hour after sign-in, and says how that token
// differs from the login's.
func (r *runner) callAfterRefresh(ctx context.Context, first string, rg grant) {
	if !rg.ok() {
		r.log("the refresh failed, so the API is not called again with a refreshed token")
		return
	}
	if f, ok := refreshedDiffers(first, rg.token.AccessToken); ok {
		r.addFinding(f)
	}
	r.callAPI(ctx, rg.token.AccessToken, CallTokenRefresh)
}

// refreshedDiffers compares the refreshed access token with the login's:
// another audience (error: the API refuses it) or fewer scopes (warn),
// as some providers issue on a refresh that names no resource.
func refreshedDiffers(first, refreshed string) (report.Finding, bool) {
	a, errA := decode.Parse(first)
	b, errB := decode.Parse(refreshed)
	if errA != nil || a.Format != decode.FormatJWT {
		return report.Finding{}, false // nothing to compare with
	}
	f := report.Finding{
		Code: report.CodeAPIRefreshedTokenDiffers, Severity: report.SeverityError, Token: "access_token",
		Detail: map[string]string{"step": "refresh"},
	}
	if errB != nil || b.Format != decode.FormatJWT {
		f.Message = "the refreshed access token is not a JWT, where the login's was"
		f.Hint = "The provider answered the refresh grant with another kind of token: an API that validates JWTs refuses it once the connector refreshes (after about an hour). Providers do this when the refresh request names no audience or resource (Auth0 without audience in the original request; Entra v1 without resource): make the refresh ask for the same API as the login (the connector's Refresh URL and refresh body template)."
		f.Detail["format"] = "opaque"
		if errB == nil {
			f.Detail["format"] = string(b.Format)
		}
		return f, true
	}
	audA, _ := a.Audience()
	audB, _ := b.Audience()
	if !sameSet(audA, audB) {
		f.Message = fmt.Sprintf("the refreshed access token's aud is %s, the login's was %s", strings.Join(audB, " "), strings.Join(audA, " "))
		f.Hint = "The API accepts the login's token and will refuse the refreshed one, so the connection breaks an hour after sign-in. The refresh request asks for another resource than the login did (Entra v1: the resource parameter; Entra v2: the scope; Auth0: the audience): make the connector's refresh ask for the same API (its refresh body template, or the Resource URL and scope it reuses)."
		f.Detail["aud_login"], f.Detail["aud_refreshed"] = strings.Join(audA, " "), strings.Join(audB, " ")
		return f, true
	}
	sa, sb := claimList(a, "scp", "scope", "permissions"), claimList(b, "scp", "scope", "permissions")
	var lost []string
	for _, s := range sa {
		if !slices.Contains(sb, s) {
			lost = append(lost, s)
		}
	}
	if len(lost) == 0 {
		return report.Finding{}, false
	}
	f.Severity = report.SeverityWarn
	f.Message = fmt.Sprintf("the refreshed access token lacks scope %s, which the login's had", strings.Join(lost, " "))
	f.Hint = "Calls that need those scopes fail once the connector refreshes (after about an hour). The refresh request asks for fewer scopes than the login (a refresh body template with its own scope), or the provider narrows the grant on refresh: send the same scope on refresh, or none (RFC 6749 §6: the original grant's)."
	f.Detail["scope_lost"] = strings.Join(lost, " ")
	return f, true
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

// CallTokenHAR says a call sent the access token found in a HAR file.
const CallTokenHAR = "har"

// CallWith makes Config.Calls with an access token obtained elsewhere
// (found in a HAR file: from says so) and returns rep with the calls and
// their findings added, through the reducer as a live run's.
func CallWith(ctx context.Context, cfg Config, rep report.Report, access, from string, emit func(Event)) report.Report {
	r := newRunner(cfg, emit, rep.Command)
	r.rep = rep
	r.rep.Findings = slices.Clone(rep.Findings)
	r.rep.Calls = slices.Clone(rep.Calls)
	r.callAPI(ctx, access, from)
	return r.rep
}

// NotCalled is api.not_called: calls were asked for and nothing was sent,
// because (cause, why) there was no access token to send. A script
// matching on api.* sees that the API's answer is unknown, not good.
func NotCalled(cause, why string) report.Finding {
	return report.Finding{
		Code: report.CodeAPINotCalled, Severity: report.SeverityWarn,
		Message: "the API was not called: " + why,
		Hint:    "Nothing tells yet whether the API accepts the connector's token: fix what stopped the login first (the other findings), or, for a HAR file, export one right after signing in with the token answer or an API call in it, unsanitised (a sanitised copy for the ticket can be made from it afterwards).",
		Detail:  map[string]string{"step": "call", "cause": cause},
	}
}
