package flow

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// Recorded is a login someone else ran, as a HAR file (or a browser
// capture) recorded it: the token-endpoint round trips and the tokens in
// it are checked here by the runner's own checks (grantFindings,
// checkTokens, the missing refresh token), so that a recorded login and a
// live one give the same findings for the same answers. Nothing is sent:
// a recorded login is judged as it was, at the time it happened.
type Recorded struct {
	// ClientID and Nonce are the authorize request's, for the ID token's
	// aud and nonce; Issuer the ID token's expected iss ("" not checked).
	ClientID string
	Nonce    string
	Issuer   string
	// ExpectAud and ExpectIss are the access token's, as on login.
	ExpectAud string
	ExpectIss string
	// Sent is every parameter of the authorize request, as sent (its
	// query): what the token checks compare the grant with.
	Sent map[string]string
	// Host is the authorize request's host, for the provider-specific
	// hints.
	Host string
}

// Answer is a recorded token-endpoint answer: its status, Content-Type
// and body (Truncated when the file cut it).
type Answer struct {
	Status      int
	ContentType string
	Body        []byte
	Truncated   bool
	DurationMS  int64
}

// Grant checks one recorded token-endpoint round trip made at time at:
// req as it was sent and the answer it got. It returns the step as a report
// keeps it, the tokens that came back and what was found, each finding with
// its step ("exchange" or "refresh") as a live run's has.
func (rc Recorded) Grant(at time.Time, req report.Request, a Answer, refresh bool) (report.Step, []report.Token, []report.Finding) {
	r, out := rc.runner(at)
	resp := &report.Response{
		Status: a.Status, ContentType: a.ContentType, Body: string(a.Body),
		Truncated: a.Truncated, DurationMS: a.DurationMS,
	}
	g := grant{step: report.Step{Request: req, Response: resp}}
	tr, format, err := readTokenResponse(a.Status, a.ContentType, a.Body)
	resp.Format, resp.Fields = format, tr.Fields
	g.token = tr
	var oerr *OAuthError
	switch {
	case errors.As(err, &oerr):
		g.oerr = oerr
	case err != nil:
		g.err = err
		g.step.Error = err.Error()
	}
	r.grantFindings(g, refresh)
	if g.ok() {
		r.checkTokens(context.Background(), g.token)
		if !refresh && g.token.RefreshToken == "" {
			r.addFinding(refreshMissingFinding(rc.Sent["scope"], rc.Sent, rc.Host))
		}
	}
	return g.step, out.recorded(), out.findings
}

// Token checks one token found on its own at time at (an id_token in a
// form post to the callback, an access token in a later request's
// Authorization header): kind is decode's KindAccess or KindID.
func (rc Recorded) Token(at time.Time, kind, raw string) ([]report.Token, []report.Finding) {
	r, out := rc.runner(at)
	t := tokenResponse{}
	switch kind {
	case "id_token":
		t.IDToken = raw
	default:
		t.AccessToken = raw
	}
	r.checkTokens(context.Background(), t)
	return out.recorded(), out.findings
}

// Call judges a recorded API call made at time at with the access token
// raw (a browser's own call with Authorization: Bearer), as a live
// call's answer is judged.
func (rc Recorded) Call(at time.Time, c report.Call, raw string) report.Finding {
	tok, _ := decode.Parse(raw)
	p := report.Profile{ExpectAud: rc.ExpectAud}
	if rc.Host != "" {
		p.AuthorizeURL = "https://" + rc.Host + "/"
	}
	f := JudgeCall(c, tok, p, at)
	delete(f.Detail, "call") // no call of the report's: the file's request
	return f
}

type recordedOut struct {
	tokens   []report.Token
	findings []report.Finding
}

// recorded is the tokens, their verification saying why it was not
// made: the runner's reason ("no JWKS") is about a live login's settings.
func (o *recordedOut) recorded() []report.Token {
	for i, t := range o.tokens {
		if v := t.Verification; v != nil && v.Status == report.NotChecked && v.Reason != "the token has no signature" {
			w := *v
			w.Reason = "a recorded token: its signature is not checked (authtrace fetches no keys for a recorded login)"
			o.tokens[i].Verification = &w
		}
	}
	return o.tokens
}

// runner is a runner that only checks: its clock stands at the recorded
// time and its HTTP client refuses every request (no keys are fetched:
// a recorded token is decoded and judged, its signature not checked).
func (rc Recorded) runner(at time.Time) (*runner, *recordedOut) {
	if at.IsZero() {
		at = time.Now()
	}
	out := &recordedOut{}
	cfg := Config{
		ClientID: rc.ClientID, ExpectAud: rc.ExpectAud, ExpectIss: rc.ExpectIss,
		Now:        func() time.Time { return at },
		HTTPClient: &http.Client{Transport: offline{}},
	}
	r := newRunner(cfg, func(e Event) {
		switch {
		case e.Kind == EventFinding && e.Finding != nil:
			out.findings = append(out.findings, *e.Finding)
		case e.Kind == EventToken && e.Token != nil:
			out.tokens = append(out.tokens, *e.Token)
		}
	}, "har")
	r.sent, r.sentQuery, r.issuer = rc.Sent, rc.Sent, rc.Issuer
	r.rep.Profile.Nonce = rc.Nonce
	return r, out
}

// offline is a transport that makes no request.
type offline struct{}

func (offline) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("a recorded login is checked offline")
}
