package har

import (
	"cmp"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// built is one leg laid out: its hops and what was found about them and
// the tokens it led to.
type built struct {
	name     string
	hops     []report.Hop
	findings []report.Finding
	tokens   []report.Token
	exchange *report.Exchange
	refresh  *report.Refresh
	sent     url.Values // the first authorize request's query
	checks   flow.Recorded
	start    time.Time
	end      time.Time
	cbPos    int // index into recs of the callback; -1 without one
	first    rec // the first authorize request
}

// report lays every leg out as a chain of the report.
func (a *analysis) report(legs []leg) report.Report {
	rep := report.Report{Version: report.Version, Command: "har", Hops: []report.Hop{}, Findings: []report.Finding{}}
	n := 0
	var all []*built
	for i, l := range legs {
		b := a.build(fmt.Sprintf("attempt %d", i+1), l, &n)
		all = append(all, b)
	}
	a.bearers(all)
	a.refusals(all)
	for _, b := range all {
		rep.Hops = append(rep.Hops, b.hops...)
		rep.Findings = append(rep.Findings, b.findings...)
		rep.Tokens = append(rep.Tokens, b.tokens...)
		rep.Chains = append(rep.Chains, report.Chain{Name: b.name, RedirectURI: b.sent.Get("redirect_uri"), State: b.sent.Get("state")})
		if b.exchange != nil {
			rep.Exchange = b.exchange // the newest attempt's, as the profile is
		}
		if b.refresh != nil {
			rep.Refresh = b.refresh
		}
		if rep.Started.IsZero() || b.start.Before(rep.Started) {
			rep.Started = b.start
		}
		if b.end.After(rep.Finished) {
			rep.Finished = b.end
		}
	}
	rep.Profile = a.profile(all[len(all)-1], rep.Exchange)
	chainOf := map[int]string{}
	for _, h := range rep.Hops {
		chainOf[h.N] = h.Chain
	}
	for i, f := range rep.Findings {
		if f.Hop > 0 {
			rep.Findings[i].Chain = chainOf[f.Hop] // for scripts: which attempt
		}
	}
	for i, cr := range rep.ByChain() {
		o := cr.Outcome()
		rep.Chains[i].Verdict, rep.Chains[i].Summary = o.Verdict, o.Text
	}
	return rep
}

// build lays out leg l as the hops of chain name, numbered from *n+1.
func (a *analysis) build(name string, l leg, n *int) *built {
	first := a.recs[l.recs[0]]
	b := &built{name: name, sent: first.u.Query(), start: first.started, cbPos: -1, first: first}
	sent := flow.HopParams(first.u)
	b.checks = flow.Recorded{
		ClientID: b.sent.Get("client_id"), Nonce: b.sent.Get("nonce"),
		ExpectAud: cmp.Or(a.opt.ExpectAud, b.sent.Get("audience")), ExpectIss: a.opt.ExpectIss,
		Sent: firstValues(b.sent), Host: first.u.Hostname(),
	}
	for i, ri := range l.recs {
		r := a.recs[ri]
		*n++
		h := a.hop(l, r, l.urls[i], *n, name)
		b.end = r.started
		if !b.fragmentLost(h) {
			b.findings = append(b.findings, flow.StateChangedAt(append(b.hops, h), flow.Compare(sent, []report.Hop{h}))...)
		}
		switch {
		case len(r.body) > 0:
			var f *report.Finding
			h, f = flow.ReadPage(sent, h, r.ctype, r.body)
			if f != nil {
				b.findings = append(b.findings, *f)
			}
		case r.status >= 400:
			h.Role = report.RoleErrorPage
			b.findings = append(b.findings, omittedFinding(h, "what the error page said"))
		}
		if misdirected(l, r.u) && !a.isCallback(l, r.u) {
			b.findings = append(b.findings, flow.WrongCallback(h.N, l.redirectURI, h.URL))
		}
		if f, ok := browserError(h, r); ok {
			b.findings = append(b.findings, f)
		}
		if i == l.loop {
			b.findings = append(b.findings, report.Finding{
				Code: report.CodeRedirectLoop, Severity: report.SeverityError, Hop: h.N,
				Message: fmt.Sprintf("the redirect chain loops: the browser came to %s a third time at hop %d", report.ShortURL(h.URL), h.N),
				Hint:    "A proxy or provider keeps redirecting to itself, often because a tenant or session cookie it expects is never set (third-party cookies blocked, a cookie for another domain). Check the redirect rules of the hosts in the loop.",
				Detail:  map[string]string{"url": report.RedactURL(h.URL)},
			})
		}
		if h.Role == report.RoleCallback {
			b.cbPos = ri
		}
		b.hops = append(b.hops, h)
	}
	if l.synthetic != "" {
		*n++
		u, _ := url.Parse(l.synthetic)
		h := report.Hop{N: *n, Source: report.SourceHAR, Role: report.RoleCallback, Method: "GET", URL: l.synthetic, Params: flow.HopParams(u), At: b.end, Chain: name}
		b.findings = append(b.findings, flow.StateChangedAt(append(b.hops, h), flow.Compare(sent, []report.Hop{h}))...)
		b.findings = append(b.findings, report.Finding{
			Code: report.CodeHARIrregular, Severity: report.SeverityInfo, Hop: h.N,
			Message: fmt.Sprintf("hop %d is the redirect to the callback as hop %d's Location gives it: the file has no entry for the request itself", h.N, h.N-1),
			Hint:    "The recording stopped at the redirect, or the browser did not record the callback (another window, a custom scheme). The values come from the Location header.",
		})
		b.hops = append(b.hops, h)
	}
	b.findings = append(b.findings, a.ending(b, l)...)
	a.grants(b)
	for i := range b.findings {
		if b.findings[i].Hop == 0 {
			b.findings[i].Chain = name
		}
	}
	return b
}

// hop is record r of leg l as hop n of chain name, at rawURL (its URL,
// or the Location that led to it when that kept a fragment).
func (a *analysis) hop(l leg, r rec, rawURL string, n int, name string) report.Hop {
	u, err := url.Parse(rawURL)
	if err != nil {
		u = r.u
	}
	h := report.Hop{
		N: n, Source: report.SourceHAR, Method: r.method, URL: rawURL, Status: r.status,
		Location: resolve(r.u, r.location), Params: flow.HopParams(u), At: r.started, Chain: name,
	}
	if r.status < 300 || r.status >= 400 {
		h.Location = ""
	}
	if r.status == 0 {
		h.Error = cmp.Or(r.err, "no answer recorded (the request was cancelled, blocked, or still pending when the file was saved)")
	}
	h.Role = flow.HopRole(u, r.status, l.redirectURI)
	if a.isCallback(l, u) || misdirected(l, u) {
		h.Role = report.RoleCallback
	}
	if h.Role == report.RoleCallback && r.form != "" {
		// A form_post answer: the values are in the body.
		for k, v := range flow.HopParams(&url.URL{RawQuery: r.form}) {
			if _, ok := h.Params[k]; !ok {
				h.Params[k] = v
			}
		}
	}
	return h
}

// ending is what the end of a leg says: the platform took the code, the
// answer was lost in a fragment, no code came, or the callback never came.
func (a *analysis) ending(b *built, l leg) []report.Finding {
	last := b.hops[len(b.hops)-1]
	if last.Role != report.RoleCallback {
		if worst, _ := report.Worst(b.findings); l.loop >= 0 || worst == report.SeverityError {
			return nil
		}
		where := fmt.Sprintf("hop %d (%s", last.N, report.ShortURL(last.URL))
		if last.Status > 0 {
			where += fmt.Sprintf(", HTTP %d", last.Status)
		}
		where += ")"
		return []report.Finding{{
			Code: report.CodeHARNoCallback, Severity: report.SeverityWarn, Hop: last.N,
			Message: fmt.Sprintf("%s stops at %s and never reaches the redirect URI %s", b.name, where, cmp.Or(l.redirectURI, "(the provider's default)")),
			Hint:    "The login was abandoned at that page, or the recording stopped before it ended. If the person saw an error, ask for a HAR recorded with Preserve log on, from before the sign-in to after the error.",
			Detail:  map[string]string{"redirect_uri": l.redirectURI},
		}}
	}
	var out []report.Finding
	host := ""
	if u, err := url.Parse(last.URL); err == nil {
		host = strings.ToLower(u.Hostname())
	}
	if flow.IsConsentHost(host) {
		out = append(out, report.Finding{
			Code: report.CodeHARPlatformLeg, Severity: report.SeverityInfo, Hop: last.N,
			Message: fmt.Sprintf("hop %d is Power Platform's redirect URL (%s): the code goes to the platform, which exchanges it on its own servers, so the token leg is not in the HAR", last.N, host),
			Hint:    "Token-endpoint problems (a wrong client secret, Basic vs body authentication, a missing refresh token) do not show in a HAR of a connector's sign-in. Run authtrace login --connector apiProperties.json to make the token leg yourself, as the platform does.",
		})
	}
	_, code := last.Params["code"]
	_, oerr := last.Params["error"]
	if code || oerr || last.Error != "" {
		return out
	}
	if toks := answerTokens(last.URL); len(toks) > 0 && !strings.Contains(" "+b.sent.Get("response_type")+" ", " code ") {
		// An implicit answer, kept in the Location that led to the
		// callback: its tokens are read where they came.
		for _, t := range toks {
			tokens, fs := b.checks.Token(last.At, t.kind, t.raw)
			for i := range tokens {
				tokens[i].Seen = fmt.Sprintf("URL fragment of the callback (hop %d)", last.N)
			}
			b.add(tokens, fs)
		}
		return out
	}
	mode, rtype := b.sent.Get("response_mode"), b.sent.Get("response_type")
	if b.fragmentLost(last) {
		return append(out, report.Finding{
			Code: report.CodeHARFragmentLost, Severity: report.SeverityWarn, Hop: last.N,
			Message: fmt.Sprintf("hop %d: the provider answered in the URL fragment (response_type %q, response_mode %q), which a HAR file does not record: the callback's code, state or error are not known", last.N, rtype, cmp.Or(mode, "default")),
			Hint:    "Browsers never send the fragment to a server, so no HAR has it. Power Platform needs response_type=code with the answer in the query: if this is a connector's login, the app is set to an implicit or fragment answer. Otherwise run authtrace login to see the answer itself.",
			Detail:  map[string]string{"response_type": rtype, "response_mode": mode},
		})
	}
	return append(out, flow.NoCodeFinding(last.N))
}

// fragmentLost reports whether h is a callback whose answer came in
// the URL fragment, which the file does not have: the attempt asked for
// one (response_mode=fragment, or an implicit response_type without a
// response_mode) and h carries none of the answer's values.
func (b *built) fragmentLost(h report.Hop) bool {
	if h.Role != report.RoleCallback {
		return false
	}
	for _, k := range []string{"code", "state", "error"} {
		if _, ok := h.Params[k]; ok {
			return false
		}
	}
	mode, rtype := b.sent.Get("response_mode"), b.sent.Get("response_type")
	return mode == "fragment" || mode == "" && rtype != "code" && strings.Contains(rtype, "token")
}

// omittedFinding says that hop h's body, which the diagnosis would read
// for what, is not in the file.
func omittedFinding(h report.Hop, what string) report.Finding {
	return report.Finding{
		Code: report.CodeHARBodyOmitted, Severity: report.SeverityInfo, Hop: h.N,
		Message: fmt.Sprintf("hop %d answered HTTP %d, and the file has no body for it: %s is not known", h.N, h.Status, what),
		Hint:    "The browser left the body out of the export (Firefox does for some answers; Chrome for pages that were navigated away from quickly) or a sanitiser removed it. The person who saw the page can say what it said, or record again with the page left open a moment.",
	}
}

func firstValues(q url.Values) map[string]string {
	out := make(map[string]string, len(q))
	for k, vs := range q {
		if len(vs) > 0 {
			out[k] = vs[0]
		}
	}
	return out
}

// profile is the connection as the newest attempt made it.
func (a *analysis) profile(b *built, ex *report.Exchange) report.Profile {
	au := *b.first.u
	au.RawQuery, au.Fragment = "", ""
	q := b.sent
	p := report.Profile{
		AuthorizeURL: au.String(), ClientID: q.Get("client_id"), Scope: q.Get("scope"),
		RedirectURI: q.Get("redirect_uri"), State: q.Get("state"), Nonce: q.Get("nonce"),
		PKCE:      q.Has("code_challenge"),
		ExpectAud: b.checks.ExpectAud, ExpectIss: a.opt.ExpectIss,
	}
	for k := range q {
		switch k {
		case "client_id", "scope", "redirect_uri", "state", "nonce", "response_type", "code_challenge", "code_challenge_method":
			continue
		}
		if p.Params == nil {
			p.Params = map[string]string{}
		}
		p.Params[k] = q.Get(k)
	}
	if ex != nil {
		p.TokenURL = ex.Request.URL
		p.ClientAuth = ex.Request.ClientAuth
	}
	return p
}

// browserError is what the browser's own error for a request says
// (Chrome's _error, with no answer): the host could not be reached, or an
// extension blocked it. An aborted request (the page moved on) is none.
func browserError(h report.Hop, r rec) (report.Finding, bool) {
	if r.status != 0 || r.err == "" || strings.Contains(r.err, "ERR_ABORTED") {
		return report.Finding{}, false
	}
	hint := "The browser could not reach the host: check the URL, and that the person's network (VPN, proxy, firewall) lets it through."
	switch {
	case strings.Contains(r.err, "BLOCKED_BY_CLIENT"):
		hint = "A browser extension (an ad or tracker blocker, a security add-on) blocked the request: allow the host in it, or sign in from a private window without extensions."
	case strings.Contains(r.err, "CONNECTION_REFUSED") && h.Role == report.RoleCallback && flow.IsLoopbackURI(h.URL):
		hint = "Nothing was listening at the redirect URI: the app that receives the callback (or authtrace login) must be running on that port when the provider redirects."
	case strings.Contains(r.err, "NAME_NOT_RESOLVED"):
		hint = "The host name does not resolve: check its spelling, and the person's DNS (a company network may not know it)."
	case strings.Contains(r.err, "CERT") || strings.Contains(r.err, "SSL"):
		hint = "The host's TLS certificate was refused: an expired or self-signed certificate, or a company proxy that intercepts TLS."
	}
	return report.Finding{
		Code: report.CodeHopUnreachable, Severity: report.SeverityError, Hop: h.N,
		Message: fmt.Sprintf("hop %d: the browser could not load %s: %s", h.N, report.ShortURL(h.URL), r.err),
		Hint:    hint,
		Detail:  map[string]string{"error": r.err},
	}, true
}

type answerToken struct{ kind, raw string }

// answerTokens are the tokens of an implicit answer in a URL's fragment
// (or query): access_token and id_token.
func answerTokens(raw string) []answerToken {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []answerToken
	for _, part := range []string{u.EscapedFragment(), u.RawQuery} {
		q, _ := url.ParseQuery(part)
		for _, k := range []string{"access_token", "id_token"} {
			if v := q.Get(k); v != "" {
				out = append(out, answerToken{k, v})
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}
