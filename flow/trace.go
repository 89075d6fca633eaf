package flow

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// maxBody caps every body authtrace reads from a server.
const maxBody = decode.MaxBody

// preflightResult is what following the authorize chain found out.
type preflightResult struct {
	hops []report.Hop
	// fatal is set when the chain shows the login cannot succeed (the
	// provider rejected the redirect_uri or client, a loop, too many hops,
	// a Location that is no URL, an error sent straight to the callback).
	// An unreachable host is not: the browser may reach what we cannot.
	fatal bool
}

// preflight follows the authorize URL's redirects itself, hop by hop, with
// a fresh cookie jar so cookies set along the chain go back as a browser
// would send them (providers such as oidc-provider and Auth0 fail their
// login page without them). It stops at the first response that is not a
// redirect, at the redirect URI (which it never requests: the listener
// waits for the browser there), at a loop, or after maxHops. Hop numbers
// start at firstN.
func (r *runner) preflight(ctx context.Context, authURL string, firstN int) preflightResult {
	jar, _ := cookiejar.New(nil) // never fails without options
	// One request a hop goes to the transport, not to an http.Client: a
	// Client parses a redirect's Location before it asks CheckRedirect,
	// and fails on one that does not parse with an error that says so only
	// in its text. preflight reads every Location itself.
	rt := r.client.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	var res preflightResult
	seen := map[string]int{}
	next := authURL
	for n := firstN; ; n++ {
		u, err := url.Parse(next)
		if err != nil {
			// Locations come from u.Parse of a previous hop, and one that
			// does not parse stops the trace: cannot happen.
			return res
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			res.fatal = true
			r.addFinding(badLocationFinding(n-1, next, fmt.Sprintf("hop %d redirects to %q, which is not an http(s) URL", n-1, next)))
			return res
		}
		// A URL revisited with the same cookies is a loop; revisited after
		// the chain set a cookie it is a session check (some SSO pages
		// redirect to themselves once to test cookies).
		key := next + "\x00" + cookieHeader(jar.Cookies(u))
		if prev, ok := seen[key]; ok {
			res.fatal = true
			r.addFinding(report.Finding{
				Code: report.CodeRedirectLoop, Severity: report.SeverityError, Hop: n - 1,
				Message: fmt.Sprintf("the redirect chain loops: hop %d sends the browser back to %s, already visited at hop %d", n-1, hostPath(u), prev),
				Hint:    "A proxy or provider keeps redirecting to itself, often because a tenant or session cookie it expects is never set. Check the redirect rules of the hosts in the loop.",
				Detail:  map[string]string{"url": report.RedactURL(next), "first_hop": fmt.Sprint(prev)},
			})
			return res
		}
		if n-firstN >= r.cfg.MaxHops {
			res.fatal = true
			r.addFinding(report.Finding{
				Code: report.CodeRedirectTooMany, Severity: report.SeverityError, Hop: n - 1,
				Message: fmt.Sprintf("the redirect chain goes on past %d hops without reaching a page", r.cfg.MaxHops),
				Hint:    "Browsers give up after about 20 redirects. Look at the hops for a chain that never settles (tenant discovery, session checks).",
			})
			return res
		}
		seen[key] = n

		if HopRole(u, 0, r.redirectURI) == report.RoleCallback {
			// The chain reached the callback without a login page: usually
			// an error answered straight to the client. Record, never request.
			h := r.newHop(n, report.SourcePreflight, "GET", next)
			h.Role = report.RoleCallback
			r.addHop(h)
			res.hops = append(res.hops, h)
			if _, isErr := h.Params["error"]; isErr {
				res.fatal = true
			} else if _, hasCode := h.Params["code"]; hasCode {
				r.addFinding(report.Finding{
					Code: report.CodeAuthorizeNoLogin, Severity: report.SeverityInfo, Hop: n,
					Message: fmt.Sprintf("hop %d: the provider sent a code straight to the redirect URI, without a login page", n),
					Hint:    "The provider signed the user in without asking: a session it already had (a browser cookie, single sign-on) or prompt=none. The browser gets its own code the same way, so the login goes on as soon as it opens the URL; authtrace's own request never uses this one. To see the login page, add prompt=login.",
				})
			}
			return res
		}

		h := r.newHop(n, report.SourcePreflight, "GET", next)
		resp, body, truncated, err := r.get(ctx, rt, jar, next)
		if err != nil {
			h.Error = r.netError(ctx, u, err)
			r.addHop(h)
			res.hops = append(res.hops, h)
			// Not fatal: a browser with other network settings (VPN, PAC
			// proxy) may still get there.
			hint := "Check the URL's host and port, and that this machine can reach it (VPN, proxy, firewall)."
			if r.rep.Command == "login" {
				hint += " A browser with other network settings may still get there: authtrace opens it anyway and waits for the callback."
			}
			r.addFinding(report.Finding{
				Code: report.CodeHopUnreachable, Severity: report.SeverityError, Hop: n,
				Message: h.Error, Hint: hint,
			})
			return res
		}
		h.Status = resp.StatusCode
		loc := resp.Header.Get("Location")
		var badLoc error
		if loc != "" {
			if lu, err := u.Parse(loc); err == nil {
				loc = lu.String()
			} else {
				badLoc = err
			}
			h.Location = loc
		}
		h.Role = HopRole(u, resp.StatusCode, r.redirectURI)
		isRedirect := resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != ""
		noLocation := resp.StatusCode >= 300 && resp.StatusCode < 400 && resp.StatusCode != http.StatusNotModified && loc == ""
		if isRedirect && badLoc != nil {
			// A browser may repair such a URL; authtrace cannot follow it.
			h.Error = "the redirect's Location is not a valid URL"
			r.addHop(h)
			res.hops = append(res.hops, h)
			res.fatal = true
			r.addFinding(badLocationFinding(n, loc, fmt.Sprintf("hop %d redirects to %q, which is not a valid URL: browsers may repair it, authtrace cannot follow it, so the trace stops here", n, loc)))
			return res
		}
		h, pageFinding := ReadPage(r.sent, h, resp.Header.Get("Content-Type"), body)
		r.addHop(h)
		res.hops = append(res.hops, h)
		if truncated {
			r.addFinding(truncatedFinding(n, "page"))
		}
		switch {
		case noLocation:
			res.fatal = true
			r.addFinding(badLocationFinding(n, "", fmt.Sprintf("hop %d answers HTTP %d, a redirect, without a Location header", n, resp.StatusCode)))
		case pageFinding != nil:
			r.addFinding(*pageFinding)
			// A rejected redirect_uri or client ends the login here; an
			// unexplained error page may be this client's alone (the
			// browser differs in cookies and network), so the browser
			// still gets its chance.
			// An Entra error authtrace knows by number is as final.
			_, entraKnown := aadstsErrors[pageFinding.Detail["aadsts"]]
			if pageFinding.Code != report.CodePageError || entraKnown {
				res.fatal = true
			}
		}
		if !isRedirect {
			return res
		}
		next = loc
	}
}

// get makes one request with the jar's cookies, keeps the cookies its
// answer sets, as a browser does, and reads its body (capped), all within
// the request timeout.
func (r *runner) get(ctx context.Context, rt http.RoundTripper, jar http.CookieJar, target string) (*http.Response, []byte, bool, error) {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, nil, false, err
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8")
	for _, c := range jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	resp, err := rt.RoundTrip(req)
	if err != nil {
		return nil, nil, false, err
	}
	jar.SetCookies(req.URL, resp.Cookies())
	defer resp.Body.Close()
	body, truncated, err := decode.ReadCapped(resp.Body, maxBody)
	if err != nil {
		return nil, nil, false, fmt.Errorf("reading the response: %w", err)
	}
	return resp, body, truncated, nil
}

// userAgent is sent on every request authtrace makes.
const userAgent = decode.UserAgent

// describeNetError names the host and what went wrong in words a person
// can act on, without repeating the URL (its query may carry secrets).
// timeout is the per-request limit, named when it ran out.
func describeNetError(u *url.URL, err error, timeout time.Duration) string {
	host := u.Host
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("%s did not answer within %s (raise the request timeout if it is only slow)", host, timeout)
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve host %s: %v", u.Hostname(), dnsErr.Err)
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return fmt.Sprintf("cannot connect to %s: %v", host, opErr.Err)
	case schemeMismatch(err):
		return fmt.Sprintf("request to %s failed: %v", host, http.ErrSchemeMismatch)
	case tlsFailure(err):
		return fmt.Sprintf("TLS handshake with %s failed: %v", host, unwrapURLError(err))
	}
	return fmt.Sprintf("request to %s failed: %v", host, unwrapURLError(err))
}

// requestError is a request that could not be made, in describeNetError's
// words, with the error net/http returned kept for errors.Is and errors.As.
type requestError struct {
	words string
	err   error
}

func (e *requestError) Error() string { return e.words }
func (e *requestError) Unwrap() error { return e.err }

// schemeMismatch reports whether an https URL was answered in plain HTTP.
// An http.Client says so with http.ErrSchemeMismatch; the transport alone,
// as preflight uses it, with the record header it could not read as TLS.
func schemeMismatch(err error) bool {
	rec, ok := errors.AsType[tls.RecordHeaderError](err)
	return errors.Is(err, http.ErrSchemeMismatch) || ok && string(rec.RecordHeader[:]) == "HTTP/"
}

// tlsFailure reports whether err is a TLS handshake that failed: a
// certificate this machine does not accept (untrusted, expired, for
// another host), a server that does not speak TLS, or an alert the server
// sent. Errors crypto/tls gives no type (a protocol version the client
// will not use, say) read as other failed requests.
func tlsFailure(err error) bool {
	if op, ok := errors.AsType[*net.OpError](err); ok && op.Op == "remote error" {
		return true // an alert received: its own type is unexported
	}
	return isType[*tls.CertificateVerificationError](err) ||
		isType[x509.UnknownAuthorityError](err) ||
		isType[x509.HostnameError](err) ||
		isType[x509.CertificateInvalidError](err) ||
		isType[tls.RecordHeaderError](err) ||
		isType[tls.AlertError](err) ||
		isType[*tls.ECHRejectionError](err)
}

// isType reports whether err's chain holds an E.
func isType[E error](err error) bool {
	_, ok := errors.AsType[E](err)
	return ok
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

func truncatedFinding(hop int, what string) report.Finding {
	return report.Finding{
		Code: report.CodeBodyTruncated, Severity: report.SeverityWarn, Hop: hop,
		Message: fmt.Sprintf("the %s was larger than %d bytes; only the first %d were read", what, maxBody, maxBody),
		Hint:    "A token endpoint or login page this large is unusual: check that the URL points at the right endpoint.",
	}
}

func hostPath(u *url.URL) string {
	return u.Host + u.EscapedPath()
}

// newHop starts a hop record for a URL.
func (r *runner) newHop(n int, src report.Source, method, raw string) report.Hop {
	h := report.Hop{N: n, Source: src, Method: method, URL: raw, At: r.now(), Chain: r.chain}
	if u, err := url.Parse(raw); err == nil {
		h.Params = HopParams(u)
		h.Role = HopRole(u, 0, r.redirectURI)
	}
	return h
}

func badLocationFinding(hop int, loc, msg string) report.Finding {
	return report.Finding{
		Code: report.CodeRedirectBadLocation, Severity: report.SeverityError, Hop: hop,
		Message: msg,
		Hint:    "The server at this hop builds its redirect wrongly: a Location header must be an absolute or relative http(s) URL with its values percent-encoded (no raw %, space or non-ASCII character). Fix the redirect there; some browsers repair such URLs, other clients do not.",
		Detail:  map[string]string{"location": loc},
	}
}

// cookieHeader is what a Cookie header would carry for these cookies.
func cookieHeader(cs []*http.Cookie) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}

// sinceMS is the duration since start in whole milliseconds.
func sinceMS(start time.Time) int64 {
	return time.Since(start).Milliseconds()
}
