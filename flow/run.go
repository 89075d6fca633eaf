package flow

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authtrace/authtrace/report"
)

// ErrTimeout is returned when no callback arrived within Config.Timeout.
var ErrTimeout = errors.New("no callback arrived in time")

// runner holds one run's state. It lives on the goroutine that called Run;
// the listener only hands it arrivals over a channel.
type runner struct {
	cfg         Config
	client      *http.Client
	emitFn      func(Event)
	now         func() time.Time
	rep         report.Report
	redirectURI string
	sent        map[string]string // the authorize parameters that matter, as sent
	sentQuery   map[string]string // every authorize parameter as sent, URL's own included
	usedAuth    string            // the client authentication the exchange used
	issuer      string            // expected iss of the ID token
	late        *listener         // after the callback: where later arrivals come from
	opened      bool              // a browser was opened on the authorize URL
	chain       string            // the chain being sent and followed (Trace with two); "" for one
	// profileChain is the chain whose sent values the profile keeps:
	// Trace's first, the platform's; Run's login chain, the loopback one.
	profileChain string
}

func newRunner(cfg Config, emit func(Event), command string) *runner {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Minute
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxHops <= 0 {
		cfg.MaxHops = 20
	}
	if cfg.ClientAuth == "" {
		cfg.ClientAuth = ClientAuthAuto
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	emulate(&cfg)
	if emit == nil {
		emit = func(Event) {}
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: cfg.RequestTimeout}
	}
	r := &runner{cfg: cfg, client: client, emitFn: emit, now: cfg.Now}
	r.rep = report.Report{Version: report.Version, Command: command, Started: r.now(), Hops: []report.Hop{}, Findings: []report.Finding{}}
	return r
}

// emit records the event in the run's report, through the same reducer
// the TUI uses, and hands it on.
func (r *runner) emit(e Event) {
	if e.At.IsZero() {
		e.At = r.now()
	}
	Apply(&r.rep, e)
	r.emitFn(e)
}

func (r *runner) phase(p Phase) {
	r.emit(Event{Kind: EventPhase, Phase: p})
}

func (r *runner) log(format string, args ...any) {
	r.emit(Event{Kind: EventLog, Text: fmt.Sprintf(format, args...)})
}

func (r *runner) addFinding(f report.Finding) {
	r.emit(Event{Kind: EventFinding, Finding: &f})
}

// addHop records a hop and compares it with what was sent.
func (r *runner) addHop(h report.Hop) { r.addTwinHop(h, 0) }

// addTwinHop is addHop for a hop that repeats hop twin (0: none), as a
// captured browser repeats the preflight's: a finding twin already has
// (the same code and detail) is not said again.
func (r *runner) addTwinHop(h report.Hop, twin int) {
	r.emit(Event{Kind: EventHop, Hop: &h})
	for _, f := range StateChangedAt(r.rep.Hops, compareHop(r.sent, h)) {
		if twin == 0 || !slices.ContainsFunc(r.rep.Findings, func(g report.Finding) bool {
			return g.Hop == twin && g.Code == f.Code && maps.Equal(g.Detail, f.Detail)
		}) {
			r.addFinding(f)
		}
	}
}

func (r *runner) finish(err error) (report.Report, error) {
	if r.late != nil {
		r.lateArrivals(r.late)
	}
	r.rep.Finished = r.now()
	if err != nil {
		r.rep.Error = err.Error()
		r.phase(PhaseFailed)
	} else {
		r.phase(PhaseDone)
	}
	return r.rep, err
}

// prepare checks the settings, runs OIDC discovery when an issuer is given,
// and fills the report's profile. It makes no request but discovery.
func (r *runner) prepare(ctx context.Context, needToken bool) error {
	cfg := &r.cfg
	// What was found before the run (a connector's settings) is the
	// run's own, and comes first: it often explains what follows.
	for _, f := range cfg.Findings {
		r.addFinding(f)
	}
	if cfg.Issuer != "" {
		r.log("discovering endpoints from %s", cfg.Issuer)
		d, err := discover(ctx, r.client, cfg.Issuer)
		if err != nil {
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return r.ctxError(ctx.Err(), "") // the run's limit, not the request's
			}
			return err
		}
		if cfg.AuthorizeURL == "" {
			cfg.AuthorizeURL = d.AuthorizationEndpoint
		}
		if cfg.TokenURL == "" {
			cfg.TokenURL = d.TokenEndpoint
		}
		if cfg.JWKSURL == "" {
			cfg.JWKSURL = d.JWKSURI
		}
		for _, u := range d.Unusable {
			r.addFinding(unusableMetadataFinding(u))
		}
		r.issuer = d.Issuer
	}
	if err := checkSettings(cfg, needToken); err != nil {
		return err
	}
	if needToken && cfg.RefreshURL == "" {
		cfg.RefreshURL = cfg.TokenURL
	}
	if cfg.ExpectIss != "" {
		r.issuer = cfg.ExpectIss
	}
	r.rep.Profile = NewProfile(*cfg)
	return nil
}

// send builds the authorize request for the redirect URI and records it as
// the next hop (the first, but for Trace's second chain), after the chain
// event when the run is one of chains.
func (r *runner) send(redirectURI string) (authRequest, error) {
	r.redirectURI = redirectURI
	ar, err := r.buildAuthorize(redirectURI)
	if err != nil {
		return ar, err
	}
	for _, name := range ar.Replaced {
		r.log("the extra parameter %s replaces the %s already in the Authorization URL", name, name)
	}
	u, _ := url.Parse(ar.URL) // built by us or checked by builtURL: it parses
	if r.chain != "" {
		// The chain is named by what its request carries: a template
		// may send a fixed redirect_uri (connector.redirect_hardcoded)
		// instead of the one it was given.
		sentURI := redirectURI
		if vs, ok := u.Query()["redirect_uri"]; ok {
			sentURI = vs[0]
		}
		r.emit(Event{Kind: EventChain, Chain: &report.Chain{Name: r.chain, RedirectURI: sentURI, State: ar.State}})
	}
	// The profile keeps one chain's values (profileChain): Report.Chain
	// gives each chain its own.
	if r.chain == "" || r.chain == r.profileChain {
		r.rep.Profile.RedirectURI = redirectURI
		r.rep.Profile.State = ar.State
		r.rep.Profile.Nonce = ar.Nonce
		r.rep.Profile.CodeVerifier = ar.Verifier
	}
	r.sent = HopParams(u)
	r.sentQuery = map[string]string{}
	for k, vs := range u.Query() {
		r.sentQuery[k] = vs[0]
	}
	h := r.newHop(len(r.rep.Hops)+1, report.SourceSent, http.MethodGet, ar.URL)
	h.Role = report.RoleAuthorize
	r.addHop(h)
	return ar, nil
}

// buildAuthorize is the authorize request: the engine's own, or the one
// Config.AuthorizeRequest builds, to which nothing is added.
func (r *runner) buildAuthorize(redirectURI string) (authRequest, error) {
	if r.cfg.AuthorizeRequest == nil {
		return buildAuthorize(&r.cfg, redirectURI)
	}
	ar := authRequest{State: newState(&r.cfg)}
	raw, err := r.cfg.AuthorizeRequest(redirectURI, ar.State)
	if err != nil {
		return ar, &BuildError{Request: "authorize request", Err: err}
	}
	if _, err := builtURL("authorize request", raw); err != nil {
		return ar, err
	}
	ar.URL = raw
	return ar, nil
}

// PowerPlatformRedirectURI is the redirect URI Power Platform's custom
// connectors send (connectors updated since 2024 may send a per-connector
// .../redirect/<id> instead). Trace uses it when none is given.
const PowerPlatformRedirectURI = "https://global.consent.azure-apim.net/redirect"

// Trace follows the authorize chain only, with authtrace's own client: no
// browser, no login. The redirect URI need not be a loopback one here, so
// the platform's own (https://global.consent.azure-apim.net/redirect) can be
// checked against the provider's registration.
func Trace(ctx context.Context, cfg Config, emit func(Event)) (report.Report, error) {
	r := newRunner(cfg, emit, "trace")
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	if err := r.prepare(ctx, false); err != nil {
		return r.finish(err)
	}
	redirectURI := r.cfg.RedirectURI
	if redirectURI == "" {
		redirectURI = PowerPlatformRedirectURI
	} else if _, err := parseRedirectHTTP(redirectURI); err != nil {
		return r.finish(err)
	}
	chains := []report.Chain{{RedirectURI: redirectURI}}
	if r.cfg.LoopbackRedirectURI != "" {
		// The platform's own redirect URI first (does the provider take
		// it? no login needed), then the loopback one a real login
		// sends, each compared with its own sent values.
		chains = []report.Chain{
			{Name: report.ChainPlatform, RedirectURI: redirectURI},
			{Name: report.ChainLoopback, RedirectURI: r.cfg.LoopbackRedirectURI},
		}
	}
	r.profileChain = chains[0].Name
	for i, c := range chains {
		r.chain = c.Name
		ar, err := r.send(c.RedirectURI)
		if err != nil {
			return r.finish(err)
		}
		if i == 0 {
			r.phase(PhasePreflight)
		}
		// preflight starts a fresh cookie jar: the second chain is a
		// browser of its own, as the platform's and the person's are.
		r.preflight(ctx, ar.URL, len(r.rep.Hops)+1)
		if err := ctx.Err(); err != nil {
			return r.finish(r.ctxError(err, PhasePreflight))
		}
	}
	return r.finish(nil)
}

// Run runs the whole login: preflight, listener and browser, callback,
// code exchange, refresh, and token checks. It returns the report and, when
// the login could not complete (bad settings, listener, timeout,
// cancellation), an error; problems with the login itself are findings.
func Run(ctx context.Context, cfg Config, emit func(Event)) (report.Report, error) {
	r := newRunner(cfg, emit, "login")
	// The API calls come last, outside the run's time limit, each within
	// the request timeout: a hanging API must not eat the login's budget.
	callCtx := ctx
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	if err := r.prepare(ctx, true); err != nil {
		return r.finish(err)
	}
	lb, err := parseRedirectURI(r.cfg.RedirectURI, r.cfg.Port)
	if err != nil {
		return r.finish(err)
	}

	l, err := listen(lb, func(first bool, a arrival) (int, string) {
		if !first {
			return http.StatusOK, callbackPage("Already received", "authtrace already has the login's callback; this later request is recorded as a hop. Go back to the terminal.")
		}
		if u, err := url.Parse(a.url); err == nil && u.Query().Get("error") != "" {
			return http.StatusOK, callbackPage("The provider answered with an error", u.Query().Get("error")+": "+u.Query().Get("error_description")+". Go back to the terminal for the details.")
		}
		return http.StatusOK, callbackPage("Login received", "authtrace has the callback. You can close this tab and go back to the terminal.")
	})
	if err != nil {
		return r.finish(err)
	}
	defer l.close()

	if r.cfg.PlatformRedirectURI != "" {
		// The platform's own redirect URI first, as Trace does with
		// LoopbackRedirectURI: does the provider accept it? No browser, no login; what
		// it finds does not stop the login, which has its own URI.
		r.chain, r.profileChain = report.ChainPlatform, report.ChainLoopback
		par, err := r.send(r.cfg.PlatformRedirectURI)
		if err != nil {
			return r.finish(err)
		}
		r.phase(PhasePreflight)
		r.preflight(ctx, par.URL, len(r.rep.Hops)+1)
		if err := ctx.Err(); err != nil {
			return r.finish(r.ctxError(err, PhasePreflight))
		}
		r.chain = report.ChainLoopback
	}
	ar, err := r.send(lb.withPort(l.port))
	if err != nil {
		return r.finish(err)
	}

	if r.cfg.PlatformRedirectURI == "" {
		r.phase(PhasePreflight)
	}
	pf := r.preflight(ctx, ar.URL, len(r.rep.Hops)+1)
	if pf.fatal {
		r.log("preflight shows the login cannot succeed; the browser is not opened")
		return r.finish(nil)
	}
	if err := ctx.Err(); err != nil {
		return r.finish(r.ctxError(err, PhasePreflight))
	}

	deadline, _ := ctx.Deadline()
	r.emit(Event{Kind: EventPhase, Phase: PhaseWaiting, AuthorizeURL: ar.URL, Listen: l.ln.Addr().String(), Deadline: deadline})
	var capt *capture
	switch {
	case r.cfg.Capture != nil:
		if r.cfg.Unattended {
			r.log("nobody can sign in to a headless browser: the capture records what the pages do by themselves (redirects, pages that post themselves) until the callback or the time limit")
		}
		capt = r.startCapture(ctx, ar.URL, pf.hops)
		defer r.endCapture(capt)
		r.opened = true
	case r.cfg.OpenBrowser != nil:
		if err := r.cfg.OpenBrowser(ar.URL); err != nil {
			r.log("could not open a browser (%v); open this URL yourself: %s", err, ar.URL)
		} else {
			r.opened = true
		}
	}

	r.late = l
	cb, later, err := r.waitCallback(ctx, l, capt)
	if err != nil {
		return r.finish(err)
	}
	n := len(r.rep.Hops) + 1
	h := r.newHop(n, report.SourceCallback, cb.method, cb.url)
	h.At = cb.at
	h.Role = report.RoleCallback
	r.addHop(h)
	for _, a := range later {
		r.lateArrival(a)
	}

	if _, isErr := h.Params["error"]; isErr {
		r.notCalled()
		return r.finish(nil) // compareHop reported authorize.error
	}
	code, ok := h.Params["code"]
	if !ok || code == "" {
		r.addFinding(NoCodeFinding(n))
		r.notCalled()
		return r.finish(nil)
	}

	r.phase(PhaseExchanging)
	g := r.exchange(ctx, code, ar)
	if isBuildError(g.err) {
		return r.finish(g.err)
	}
	if !g.ok() {
		r.notCalled()
		if err := ctx.Err(); err != nil {
			return r.finish(r.ctxError(err, PhaseExchanging))
		}
		return r.finish(nil)
	}
	r.checkTokens(ctx, g.token)

	if g.token.RefreshToken == "" {
		host := "" // of the request sent, which a hook may have built
		if u, err := url.Parse(r.rep.Hops[0].URL); err == nil {
			host = u.Hostname()
		}
		// What was sent, not the flags: the Authorization URL may carry
		// scope, prompt or access_type itself, as the hints suggest.
		f := refreshMissingFinding(r.sentQuery["scope"], r.sentQuery, host)
		if r.cfg.AuthorizeRequest != nil {
			// The platform builds the URL from the connector's file:
			// that is where the parameter goes.
			f.Hint = strings.ReplaceAll(f.Hint, "the Authorization URL in "+ppSecurity, connectorAuthorizeWhere)
			f.Hint = strings.ReplaceAll(f.Hint, "the Authorization URL", connectorAuthorizeWhere)
		}
		r.addFinding(f)
		r.callAPI(callCtx, g.token.AccessToken, CallTokenExchange)
		if r.cfg.CallAfterRefresh && len(r.cfg.Calls) > 0 {
			r.log("no refresh token came back, so the API is not called again with a refreshed one")
		}
		return r.finish(nil)
	}
	r.phase(PhaseRefreshing)
	rg := r.refresh(ctx, g.token.RefreshToken)
	if isBuildError(rg.err) {
		return r.finish(rg.err)
	}
	if err := ctx.Err(); err != nil && !rg.ok() {
		return r.finish(r.ctxError(err, PhaseRefreshing))
	}
	if rg.ok() && r.rep.Refresh.Rotated {
		r.log("the refresh token rotated: the provider issued a new one with the refresh")
	}
	// The login's token first, then the refreshed one, as the platform
	// calls: both after the refresh, so neither can spoil it.
	r.callAPI(callCtx, g.token.AccessToken, CallTokenExchange)
	if r.cfg.CallAfterRefresh && len(r.cfg.Calls) > 0 {
		r.callAfterRefresh(callCtx, g.token.AccessToken, rg)
	}
	return r.finish(nil)
}

// lateArrivals records requests that reached the redirect path after the
// callback (a reload, a second tab), and those the listener refused, as
// hops, and says how many it could not keep.
func (r *runner) lateArrivals(l *listener) {
	for {
		select {
		case a := <-l.arrivals:
			if a.refused != "" {
				r.refusedArrival(a)
				continue
			}
			r.lateArrival(a)
		default:
			if n := l.droppedCount(); n > 0 {
				r.addFinding(report.Finding{
					Code: report.CodeListenerDropped, Severity: report.SeverityInfo,
					Message: fmt.Sprintf("%d more requests reached the listener and were not recorded (it keeps %d, and %d refused for their host)", n, maxArrivals, maxRefused),
					Hint:    "Something kept requesting the listener: a page reloading itself, a web page or a program probing the port. None of them was taken as the callback; the login itself is unaffected.",
					Detail:  map[string]string{"dropped": fmt.Sprint(n)},
				})
			}
			return
		}
	}
}

// lateArrival records a request to the redirect path after the callback
// as a hop: recorded, not compared.
func (r *runner) lateArrival(a arrival) {
	h := r.newHop(len(r.rep.Hops)+1, report.SourceCallback, a.method, a.url)
	h.At = a.at
	h.Role = report.RoleOther
	r.emit(Event{Kind: EventHop, Hop: &h})
}

// refusedArrival records a request the listener refused for its Host as
// a hop, with a finding: a web page may be trying to reach the listener.
func (r *runner) refusedArrival(a arrival) {
	h := r.newHop(len(r.rep.Hops)+1, report.SourceCallback, a.method, a.url)
	h.At = a.at
	h.Role = report.RoleOther
	h.Status = http.StatusBadRequest
	h.Error = a.refused
	h.Params = nil // not the callback: nothing in it is compared
	// Recorded, through the reducer like every hop, and not compared.
	r.emit(Event{Kind: EventHop, Hop: &h})
	r.addFinding(report.Finding{
		Code: report.CodeListenerHostRefused, Severity: report.SeverityWarn, Hop: h.N,
		Message: "the listener refused a request for another host: " + a.refused,
		Hint:    "A request reached the loopback listener under another host name, as a web page using DNS rebinding would send it; it was answered 400 and never taken as the callback. If the provider's redirect really goes there, register the loopback redirect URI exactly as authtrace sends it.",
		Detail:  map[string]string{"host": hostOfURL(a.url)},
	})
}

// hostOfURL is the host of a URL as written, or "".
func hostOfURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}

// ctxError is why the run's context ended: its time limit, during
// phase, or the caller's cancellation.
func (r *runner) ctxError(err error, phase Phase) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return &TimeoutError{Limit: r.cfg.Timeout, Phase: phase, Browser: r.opened}
	}
	return fmt.Errorf("%s stopped: %w", r.rep.Command, err)
}

// TimeoutError says the whole run ran out of time (Config.Timeout). It is
// ErrTimeout to errors.Is.
type TimeoutError struct {
	Limit time.Duration
	// Phase is what the run was doing: PhaseWaiting for the callback,
	// or following the chain, exchanging, refreshing.
	Phase Phase
	// Browser says a browser was opened on the authorize URL.
	Browser bool
}

func (e *TimeoutError) Error() string { return e.Words(nil) }

// Words is the error with name(setting) for the timeout setting.
func (e *TimeoutError) Words(name func(Setting) string) string {
	var w Words
	switch {
	case e.Phase == PhaseWaiting && e.Browser:
		w = words("%v: waited %s (raise %s, or check that the browser reached the redirect URI)", ErrTimeout, e.Limit, mark(SettingTimeout))
	case e.Phase == PhaseWaiting:
		w = words("%v: waited %s, and no browser was opened (open the authorize URL yourself and sign in within %s, or raise it)", ErrTimeout, e.Limit, mark(SettingTimeout))
	default:
		w = words("the whole run's time limit of %s ran out while %s (raise %s; each request has its own limit, %s)", e.Limit, phaseDoing(e.Phase), mark(SettingTimeout), mark(SettingRequestTimeout))
	}
	return w.In(name)
}

func (e *TimeoutError) Unwrap() error { return ErrTimeout }

// phaseDoing says what a run does in phase, for messages.
func phaseDoing(p Phase) string {
	switch p {
	case PhasePreflight:
		return "following the authorize chain"
	case PhaseExchanging:
		return "exchanging the code for tokens"
	case PhaseRefreshing:
		return "refreshing"
	case PhaseCalling:
		return "calling the API"
	}
	return "discovering the endpoints"
}

// netError words a request that failed: the run's own time limit when
// that is what ended it (ctx is the run's), else what describeNetError
// says, naming the per-request limit.
func (r *runner) netError(ctx context.Context, u *url.URL, err error) string {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Sprintf("%s had not answered when the whole run's time limit of %s ran out", u.Host, r.cfg.Timeout)
	}
	return describeNetError(u, err, r.cfg.RequestTimeout)
}

// RefreshAgain makes one more refresh grant for a finished login, with the
// newest refresh token in rep and the client authentication the exchange
// used, and returns rep with the new refresh and its findings. The TUI's
// "refresh again" key runs it.
func RefreshAgain(ctx context.Context, cfg Config, rep report.Report, emit func(Event)) (report.Report, error) {
	rt := ""
	if rep.Exchange != nil && rep.Exchange.Response != nil {
		rt = rep.Exchange.Response.Fields["refresh_token"]
	}
	if rep.Refresh != nil && rep.Refresh.Response != nil && rep.Refresh.Response.Fields["refresh_token"] != "" {
		rt = rep.Refresh.Response.Fields["refresh_token"]
	}
	if rt == "" || rt == report.Redacted {
		return rep, errors.New("no refresh token to refresh with: the login did not return one")
	}
	r := newRunner(cfg, emit, rep.Command)
	r.rep = rep
	r.rep.Findings = slices.Clone(rep.Findings)
	r.cfg.RefreshURL = rep.Profile.RefreshURL
	r.redirectURI = rep.Profile.RedirectURI // the login's: a template's {RedirectUrl}
	r.usedAuth = rep.Exchange.Request.ClientAuth
	ctx, cancel := context.WithTimeout(ctx, r.cfg.RequestTimeout)
	defer cancel()
	r.phase(PhaseRefreshing)
	var failed error
	if g := r.refresh(ctx, rt); isBuildError(g.err) {
		failed = g.err
	}
	out, err := r.finish(failed)
	out.Finished = rep.Finished // the login's own time; the refresh step has its own
	return out, err
}

// isBuildError reports whether err is a request the platform's hooks
// could not build: the run stops with it, as with bad settings.
func isBuildError(err error) bool {
	_, ok := errors.AsType[*BuildError](err)
	return ok
}

// NoCodeFinding is what a callback (hop n) without a code or an error
// means, for every producer of hops.
func NoCodeFinding(n int) report.Finding {
	return report.Finding{
		Code: report.CodeAuthorizeError, Severity: report.SeverityError, Hop: n,
		Message: "the callback carries neither a code nor an error",
		Hint:    "The provider (or a proxy) redirected to the redirect URI without the authorization code. If it answered in the URL fragment (#code=...), it ignored response_mode=query: check the app's response mode.",
		Detail:  map[string]string{"error": "no_code"},
	}
}
