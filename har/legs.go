package har

import (
	"maps"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// A leg is one authorization attempt: the authorize request a browser
// made (client_id and response_type in its query) and what it went
// through to the callback. The browser records each redirect as its own
// entry, so a leg is followed by redirect continuity: the next entry whose
// URL is the Location of the one before, whatever tab or window it is in
// (Power Platform's sign-in runs in a pop-up). After a page (the login,
// the consent), the person or a script moves on: the next navigation to a
// host of the leg, or to the callback, is the next hop.

// pageWait is how long after a page the next navigation may come and
// still be the same attempt: a person typing a password and answering MFA.
const pageWait = 30 * time.Minute

// maxLegHops bounds a leg, far above the 20 redirects a browser follows:
// a leg that long is a loop the browser was made to walk by pages.
const maxLegHops = flow.MaxHopsLimit

type leg struct {
	recs        []int // indexes into analysis.recs, in order
	urls        []string
	redirectURI string
	clientID    string
	state       string // the first authorize request's
	loop        int    // the leg position where a URL came round a third time; -1 none
	// synthetic is the callback's URL when the file has no entry for it
	// but the redirect to it (the Location) is there.
	synthetic string
}

type analysis struct {
	opt  Options
	recs []rec
	used []bool
	// states are the states of every authorize request in the file: a
	// callback carrying one of them belongs to that attempt.
	states map[string]bool
}

// legs finds every attempt, in time order.
func (a *analysis) legs() []leg {
	a.used = make([]bool, len(a.recs))
	a.states = map[string]bool{}
	for _, r := range a.recs {
		if isAuthorizeURL(r.u) {
			a.states[r.u.Query().Get("state")] = true
		}
	}
	var out []leg
	for i := range a.recs {
		if a.used[i] || !isAuthorizeURL(a.recs[i].u) {
			continue
		}
		out = append(out, a.follow(i))
	}
	return out
}

// follow lays out the leg that starts at recs[start].
func (a *analysis) follow(start int) leg {
	q := a.recs[start].u.Query()
	l := leg{redirectURI: q.Get("redirect_uri"), clientID: q.Get("client_id"), state: q.Get("state"), loop: -1}
	hosts := map[string]bool{}
	seen := map[string]int{}
	cur := start
	via := ""
	for {
		r := a.recs[cur]
		a.used[cur] = true
		l.recs = append(l.recs, cur)
		if via == "" {
			via = r.url
		}
		l.urls = append(l.urls, via)
		via = ""
		hosts[strings.ToLower(r.u.Host)] = true
		seen[r.url]++
		if seen[r.url] >= 3 && l.loop < 0 {
			l.loop = len(l.recs) - 1
			return l
		}
		if a.isCallback(l, r.u) || misdirected(l, r.u) || len(l.recs) >= maxLegHops || r.err != "" && r.status == 0 {
			return l
		}
		if loc := resolve(r.u, r.location); loc != "" && r.status >= 300 && r.status < 400 {
			next := a.find(cur, func(c rec) bool { return sameURL(c.url, loc) }, 2*time.Minute)
			if next < 0 {
				if lu, err := url.Parse(loc); err == nil && a.isCallback(l, lu) {
					l.synthetic = loc
				}
				return l
			}
			if strings.Contains(loc, "#") {
				via = loc // the request's URL lost the fragment the Location had
			}
			cur = next
			continue
		}
		if r.status >= 400 {
			return l // an error page: the attempt ends there, as the browser's did
		}
		next := a.findNavigation(cur, l, hosts)
		if next < 0 {
			return l
		}
		cur = next
	}
}

// navigation reports whether c is where the person (or the page's script)
// went next from a page of leg l: a document on one of the leg's hosts
// or at the callback, and not the start of another attempt of the same
// client.
func (a *analysis) navigation(l leg, hosts map[string]bool, c rec) bool {
	if c.u == nil || !isDocument(c.resource, mediaOf(c.ctype)) && c.method != "POST" {
		return false
	}
	if c.method == "POST" && c.resource != "" && c.resource != "document" {
		return false // an XHR post, not a form's
	}
	if isAuthorizeURL(c.u) {
		// A new attempt, of this client or another (an app's silent
		// sign-in on the same provider): an upstream provider's authorize
		// request joins a leg only through a redirect.
		return false
	}
	return hosts[strings.ToLower(c.u.Host)] || a.isCallback(l, c.u)
}

func mediaOf(ctype string) string {
	m, _, _ := strings.Cut(ctype, ";")
	return strings.TrimSpace(m)
}

// findNavigation is the next navigation from the page at cur. Once
// another attempt has started (a second pop-up, a retry, another app's
// sign-in), a navigation is this leg's only when it is linked to it: its
// callback carries this leg's state, or it carries a transaction value
// of the page (Auth0's /u/login?state=...). A callback carrying another
// attempt's state is never this leg's.
func (a *analysis) findNavigation(cur int, l leg, hosts map[string]bool) int {
	newer := false
	return a.find(cur, func(c rec) bool {
		if isAuthorizeURL(c.u) {
			newer = true // of this client or another
			return false
		}
		if !a.navigation(l, hosts, c) {
			return false
		}
		st, toCallback := a.callbackState(l, c)
		if toCallback && st != l.state && a.states[st] {
			return false // another attempt's answer
		}
		return !newer || toCallback && st == l.state || sharesValue(a.recs[cur], c)
	}, pageWait)
}

// callbackState is the state of the callback that c is, or redirects to,
// and whether it is or does.
func (a *analysis) callbackState(l leg, c rec) (string, bool) {
	if a.isCallback(l, c.u) {
		return c.u.Query().Get("state"), true
	}
	if c.status >= 300 && c.status < 400 {
		if u, err := url.Parse(resolve(c.u, c.location)); err == nil && a.isCallback(l, u) {
			return u.Query().Get("state"), true
		}
	}
	return "", false
}

// sharesValue reports whether c's URL carries a long value of prev's
// URL: a provider's transaction id passed from page to page.
func sharesValue(prev, c rec) bool {
	have := map[string]bool{}
	for _, vs := range prev.u.Query() {
		for _, v := range vs {
			if len(v) >= 16 {
				have[v] = true
			}
		}
	}
	for _, vs := range c.u.Query() {
		for _, v := range vs {
			if have[v] {
				return true
			}
		}
	}
	return false
}

// find returns the first record after cur, not yet in a leg, that
// started within wait of it and matches; -1 when there is none.
func (a *analysis) find(cur int, match func(rec) bool, wait time.Duration) int {
	limit := a.recs[cur].started.Add(wait)
	for j := cur + 1; j < len(a.recs); j++ {
		c := a.recs[j]
		if !a.recs[cur].started.IsZero() && c.started.After(limit) {
			return -1
		}
		if !a.used[j] && match(c) {
			return j
		}
	}
	return -1
}

// isCallback reports whether u is leg l's redirect URI. Without one in
// the authorize request (a provider's registered default), a URL carrying
// code or error and the state that was sent is taken for it.
func (a *analysis) isCallback(l leg, u *url.URL) bool {
	if u == nil {
		return false
	}
	if l.redirectURI != "" {
		return flow.HopRole(u, 0, l.redirectURI) == report.RoleCallback
	}
	q := u.Query()
	if isAuthorizeURL(u) || !(q.Has("code") || q.Has("error")) {
		return false
	}
	first := a.recs[l.recs[0]].u.Query().Get("state")
	return first != "" && q.Get("state") == first
}

// resolve resolves a Location against the URL it answered; "" when it
// is not one.
func resolve(base *url.URL, loc string) string {
	loc = strings.TrimSpace(loc)
	if loc == "" || base == nil {
		return ""
	}
	u, err := base.Parse(loc)
	if err != nil {
		return ""
	}
	return u.String()
}

// sameURL compares a request's URL (never with a fragment) with a
// Location: the same text without the fragment, or the same endpoint
// (flow.SameEndpoint) with the same query values, however each was
// encoded (Chrome re-encodes a quote in a request's URL that a Location
// had bare).
func sameURL(reqURL, loc string) bool {
	loc, _, _ = strings.Cut(loc, "#")
	if reqURL == loc {
		return true
	}
	a, err1 := url.Parse(reqURL)
	b, err2 := url.Parse(loc)
	if err1 != nil || err2 != nil || !flow.SameEndpoint(a, b) && a.Path != b.Path {
		return false
	}
	if !strings.EqualFold(a.Host, b.Host) || !strings.EqualFold(a.Scheme, b.Scheme) {
		return false
	}
	qa, _ := url.ParseQuery(a.RawQuery)
	qb, _ := url.ParseQuery(b.RawQuery)
	return maps.EqualFunc(qa, qb, slices.Equal)
}

// misdirected reports whether u carries leg l's answer (a code or an
// error with its state) without being its redirect URI: the provider sent
// the answer elsewhere, and the leg ends there.
func misdirected(l leg, u *url.URL) bool {
	if u == nil || l.state == "" || l.redirectURI == "" || isAuthorizeURL(u) {
		return false
	}
	q := u.Query()
	return q.Get("state") == l.state && (q.Has("code") || q.Has("error"))
}
