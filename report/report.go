// Package report holds authtrace's version-1 report: the hops of a login, the
// token-endpoint exchanges, the decoded tokens and the findings. Its JSON form
// is a public interface (scripts and support macros read it), so fields are
// added, never renamed. The flow engine fills it, the TUI, --json and report
// files show it, and decode contributes findings to it.
package report

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Version is the report format version written in every report.
const Version = 1

// Severity ranks a finding. Only error findings make the exit status 1.
type Severity string

const (
	SeverityError Severity = "error"
	SeverityWarn  Severity = "warn"
	SeverityInfo  Severity = "info"
)

// Rank orders severities, for "the worst finding about this": info, warn,
// error. An empty or unknown severity ranks below info.
func (s Severity) Rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarn:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Worst returns the highest-ranked severity among the findings, and false
// when none has a known one.
func Worst(fs []Finding) (Severity, bool) {
	var w Severity
	for _, f := range fs {
		if f.Severity.Rank() > w.Rank() {
			w = f.Severity
		}
	}
	return w, w != ""
}

// BySeverity is the order findings are read in: errors, then warnings,
// then infos, each kind in the order found. It returns indexes into fs.
func BySeverity(fs []Finding) []int {
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return fs[b].Severity.Rank() - fs[a].Severity.Rank() })
	return order
}

// Finding is one problem or observation. Code is one of the stable codes in
// codes.go; Hop is the hop number (1-based, 0 when not about a hop) and Token
// the kind of token it is about ("access_token", "id_token", ...).
type Finding struct {
	Code     string            `json:"code"`
	Severity Severity          `json:"severity"`
	Hop      int               `json:"hop,omitempty"`
	Token    string            `json:"token,omitempty"`
	Message  string            `json:"message"`
	Hint     string            `json:"hint,omitempty"`
	Detail   map[string]string `json:"detail,omitempty"`
	// Chain names the chain a finding belongs to: in a HAR file's
	// report, every finding's attempt ("attempt 2"); in another report of
	// chains, that of a finding about no hop (a token's), where it has one.
	Chain string `json:"chain,omitempty"`
}

// Source says where a hop was seen.
type Source string

const (
	SourceSent      Source = "sent"      // the authorize request authtrace built
	SourcePreflight Source = "preflight" // authtrace's own client following redirects
	SourceCallback  Source = "callback"  // a request that reached the loopback listener
	SourceHAR       Source = "har"       // an entry of an imported HAR file
	SourceBrowser   Source = "browser"   // captured live from a real browser (--capture)
)

// Role decides which comparisons apply to a hop (see DESIGN.md, "Hops").
type Role string

const (
	RoleAuthorize Role = "authorize" // carries client_id and response_type
	RoleProvider  Role = "provider"  // login, interaction, consent pages
	RoleCallback  Role = "callback"  // its URL is the redirect_uri
	RoleErrorPage Role = "error_page"
	RoleOther     Role = "other"
)

// Hop is one HTTP request in the login's redirect chain. Params holds the
// query values that matter (state, redirect_uri, client_id, ...); a code is
// kept here and redacted on output.
type Hop struct {
	N        int               `json:"n"`
	Source   Source            `json:"source"`
	Role     Role              `json:"role"`
	Method   string            `json:"method"`
	URL      string            `json:"url"`
	Status   int               `json:"status,omitempty"`
	Location string            `json:"location,omitempty"`
	Params   map[string]string `json:"params,omitempty"`
	At       time.Time         `json:"at"`
	// Error is set when the request could not be made (DNS, refused, TLS,
	// timeout); Status is then 0.
	Error string `json:"error,omitempty"`
	// Page is a short excerpt of an error page's text, kept when it named a
	// reason (for example "Callback URL mismatch").
	Page string `json:"page,omitempty"`
	// Chain names the chain the hop belongs to when a run sends more
	// than one authorize request (Report.Chains); empty otherwise.
	Chain string `json:"chain,omitempty"`
	// Fields are the names of the form fields a post carried (a browser
	// capture's login and consent posts): never their values.
	Fields []string `json:"fields,omitempty"`
	// BrowserOnly marks a browser hop that authtrace's own preflight did
	// not see: the login post, consent, and the redirects after them.
	BrowserOnly bool `json:"browser_only,omitempty"`
	// MS is how long the request took, in milliseconds, when known.
	MS int64 `json:"ms,omitempty"`
}

// Chain names.
const (
	ChainPlatform = "platform" // with the platform's own redirect URI
	ChainLoopback = "loopback" // with the loopback redirect URI a real login uses
)

// Chain is one authorize request of a run that sends more than one
// (trace --connector: once with the platform's redirect URI, once with
// the loopback one), and its hops: those whose Chain is Name.
type Chain struct {
	Name        string `json:"name"`
	RedirectURI string `json:"redirect_uri"`
	State       string `json:"state"`
	// Verdict and Summary say how a HAR file's attempt ended ("problem",
	// "failed (hop 2): redirect_uri.rejected: ..."), as the Markdown's
	// Attempts list does; empty in other reports.
	Verdict Verdict `json:"verdict,omitempty"`
	Summary string  `json:"summary,omitempty"`
}

// Profile is the connection as authtrace ran it: the settings and the values
// it generated and sent. In a run of chains (Report.Chains) RedirectURI and
// State are the first chain's; Report.Chain gives each chain its own.
type Profile struct {
	Issuer       string            `json:"issuer,omitempty"`
	AuthorizeURL string            `json:"authorize_url"`
	TokenURL     string            `json:"token_url,omitempty"`
	RefreshURL   string            `json:"refresh_url,omitempty"`
	JWKSURL      string            `json:"jwks_url,omitempty"`
	ClientID     string            `json:"client_id"`
	ClientSecret string            `json:"client_secret,omitempty"`
	Scope        string            `json:"scope,omitempty"`
	Params       map[string]string `json:"params,omitempty"`
	RedirectURI  string            `json:"redirect_uri"`
	PKCE         bool              `json:"pkce"`
	CodeVerifier string            `json:"code_verifier,omitempty"`
	ClientAuth   string            `json:"client_auth,omitempty"`
	State        string            `json:"state"`
	Nonce        string            `json:"nonce,omitempty"`
	ExpectAud    string            `json:"expect_aud,omitempty"`
	ExpectIss    string            `json:"expect_iss,omitempty"`
	// As names the client whose requests the run emulated
	// ("power-platform"); empty for authtrace's own.
	As string `json:"as,omitempty"`
	// Connector is the connector definition the settings came from (its
	// apiProperties.json), when one was given.
	Connector string `json:"connector,omitempty"`
	// Name is the saved profile the settings started from (-p NAME),
	// when one was.
	Name string `json:"name,omitempty"`
}

// Request is a token-endpoint request as sent. Form holds the body fields;
// the client secret, code, code_verifier and refresh_token in it are redacted
// on output, as is the Authorization header.
type Request struct {
	Method     string            `json:"method"`
	URL        string            `json:"url"`
	ClientAuth string            `json:"client_auth,omitempty"` // "post" or "basic"
	Headers    map[string]string `json:"headers,omitempty"`
	Form       map[string]string `json:"form,omitempty"`
}

// Response is what a token endpoint answered. Format is how the body was
// read: "json", "form", "html" or "text". Body is the raw body (capped, with
// secrets redacted on output); Fields the values read from it.
type Response struct {
	Status      int               `json:"status"`
	ContentType string            `json:"content_type,omitempty"`
	Format      string            `json:"format,omitempty"`
	Fields      map[string]string `json:"fields,omitempty"`
	Body        string            `json:"body,omitempty"`
	Truncated   bool              `json:"truncated,omitempty"`
	DurationMS  int64             `json:"duration_ms"`
	// Headers are the answer's headers (first value of each), kept for
	// an API call's answer (WWW-Authenticate, Location); empty for the
	// token endpoint's. Set-Cookie is redacted on output.
	Headers map[string]string `json:"headers,omitempty"`
}

// Step is one token-endpoint round trip. Error is set when no usable
// response came back (network error, timeout).
type Step struct {
	Request  Request   `json:"request"`
	Response *Response `json:"response,omitempty"`
	Error    string    `json:"error,omitempty"`
}

// Exchange is the authorization-code grant: the attempt that counted, and
// every earlier attempt (client-auth auto tries the body, then Basic).
type Exchange struct {
	Step
	Attempts []Step `json:"attempts,omitempty"`
	// Chain names the chain whose code was exchanged, in a report of
	// several (a HAR file's attempts); empty otherwise.
	Chain string `json:"chain,omitempty"`
}

// Refresh is the refresh grant made with the refresh token that came back.
type Refresh struct {
	Step
	Rotated bool `json:"rotated"`
	// Chain is as Exchange's.
	Chain string `json:"chain,omitempty"`
}

// Call is one request to the API with an access token (--call), as the
// platform sends it: Request with its Authorization header (redacted on
// output), the answer with its headers and a capped body, or Error.
type Call struct {
	Step
	// N is the call's number in the report, from 1: findings about it
	// name it in their "call" detail.
	N int `json:"n"`
	// Token says which access token was sent: "exchange" (the login's)
	// or "refresh" (the refreshed one, --call-after-refresh).
	Token string `json:"token"`
	// Location is where a redirect answer pointed (the call does not
	// follow it: a login page there is a finding's cause).
	Location string `json:"location,omitempty"`
	// TimedOut says the API did not answer (or finish its answer)
	// within the request timeout.
	TimedOut bool `json:"timed_out,omitempty"`
}

// CallTokenWords names the access token a call sent (Call.Token: "exchange",
// "refresh" or "har") for people.
func CallTokenWords(token string) string {
	switch token {
	case "refresh":
		return "the refreshed access token"
	case "har":
		return "the HAR file's access token"
	}
	return "the access token"
}

// Token is one decoded token. Header and Claims keep the token's own JSON
// (and so its key order); they are empty for opaque tokens. Raw is the token
// itself, its signature (or the whole of an opaque token) redacted on output.
type Token struct {
	Kind   string          `json:"kind"`   // access_token, id_token, refresh_token
	Format string          `json:"format"` // jwt, jwe, opaque
	Header json.RawMessage `json:"header,omitempty"`
	Claims json.RawMessage `json:"claims,omitempty"`
	Raw    string          `json:"raw,omitempty"`
	// Verification is the login's own check of a JWT's signature; nil
	// for tokens it does not check (opaque, encrypted, decoded alone).
	Verification *Verification `json:"verification,omitempty"`
	// Chain names the chain the token came from, in a report of several
	// (a HAR file's attempts); empty otherwise. Seen says where a token
	// not from the token endpoint was found ("Authorization header of
	// GET https://api.example.com/orders", "form post to the callback").
	Chain string `json:"chain,omitempty"`
	Seen  string `json:"seen,omitempty"`
}

// Verification statuses.
const (
	Verified   = "verified"    // the signature verifies with Kid from Source
	Failed     = "failed"      // it does not (Reason; the finding says more)
	NotChecked = "not_checked" // no keys to check it with (Reason)
)

// Verification is the outcome of checking a token's signature: Status is
// Verified, Failed or NotChecked; Alg and Kid are the token's, Source
// where the keys came from (a JWKS URL or "client secret"), Reason why
// it failed or was not checked.
type Verification struct {
	Status string `json:"status"`
	Alg    string `json:"alg,omitempty"`
	Kid    string `json:"kid,omitempty"`
	Source string `json:"source,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// Line says the verification in one line, as the Tokens view and the
// Markdown report show it: "verified (RS256, kid abc, JWKS https://...)".
func (v Verification) Line() string {
	var from []string
	if v.Alg != "" {
		from = append(from, v.Alg)
	}
	if v.Kid != "" {
		from = append(from, "kid "+v.Kid)
	}
	if v.Source != "" {
		src := v.Source
		if u, err := url.Parse(src); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
			src = "JWKS " + src
		}
		from = append(from, src)
	}
	line := strings.ReplaceAll(v.Status, "_", " ")
	if v.Status == Verified && len(from) > 0 {
		line += " (" + strings.Join(from, ", ") + ")"
	}
	if v.Reason != "" {
		line += ": " + v.Reason
	}
	return Printable(line)
}

// Report is everything one run found out.
type Report struct {
	Version  int       `json:"version"`
	Command  string    `json:"command,omitempty"` // login, trace, decode, har
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Profile  Profile   `json:"profile"`
	Hops     []Hop     `json:"hops"`
	// Chains is set when the run sent more than one authorize request;
	// each hop's Chain names its own.
	Chains   []Chain   `json:"chains,omitempty"`
	Exchange *Exchange `json:"exchange,omitempty"`
	Tokens   []Token   `json:"tokens,omitempty"`
	Refresh  *Refresh  `json:"refresh,omitempty"`
	// Calls are the requests made to the API with the access token
	// (--call), in the order made.
	Calls    []Call    `json:"calls,omitempty"`
	Findings []Finding `json:"findings"`
	// Error says why the run stopped early (timeout, listener), if it did.
	Error string `json:"error,omitempty"`
	// HAR is the HAR file the report was read from (authtrace har).
	HAR *HARSource `json:"har,omitempty"`
}

// HARSource is the HAR file a report was read from: its name as given,
// the program that wrote it, and how much of it there was. Each of its
// authorization attempts is one of the report's chains ("attempt 1", ...,
// newest last).
type HARSource struct {
	File    string `json:"file"`
	Creator string `json:"creator,omitempty"` // "WebInspector 537.36", "Firefox 133.0"
	Browser string `json:"browser,omitempty"`
	Version string `json:"version,omitempty"` // log.version
	Entries int    `json:"entries"`
	Pages   int    `json:"pages,omitempty"`
	// Truncated is set when the file ends before its end; what was read
	// up to there is in the report.
	Truncated bool `json:"truncated,omitempty"`
}

// HasErrors reports whether any finding has error severity.
func (r *Report) HasErrors() bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Count returns the number of findings of each severity.
func (r *Report) Count() (errs, warns, infos int) {
	for _, f := range r.Findings {
		switch f.Severity {
		case SeverityError:
			errs++
		case SeverityWarn:
			warns++
		default:
			infos++
		}
	}
	return errs, warns, infos
}

// Tally says how many findings there are of each severity, the way the
// summary and the Markdown report put it: "2 errors, 1 info", "1 warning",
// "no problems found, 1 info". A severity with none is left out.
func (r *Report) Tally() string {
	_, _, infos := r.Count()
	s := r.Problems()
	if infos > 0 {
		s += fmt.Sprintf(", %d info", infos)
	}
	return s
}

// Problems says how many errors and warnings there are: "2 errors",
// "2 errors, 1 warning", "no problems found".
func (r *Report) Problems() string {
	errs, warns, _ := r.Count()
	var parts []string
	if errs > 0 {
		parts = append(parts, plural(errs, "error"))
	}
	if warns > 0 {
		parts = append(parts, plural(warns, "warning"))
	}
	if len(parts) == 0 {
		return "no problems found"
	}
	return strings.Join(parts, ", ")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Where says in a word or two what a finding is about: "hop 3", "access"
// (the access token), "id", "refresh", another token's kind, the token
// endpoint's "exchange" or "refresh" step, or nothing for the whole login.
func (f Finding) Where() string {
	switch {
	case f.Hop > 0:
		return fmt.Sprintf("hop %d", f.Hop)
	case f.Token == "access_token":
		return "access"
	case f.Token == "id_token":
		return "id"
	case f.Token == "refresh_token":
		return "refresh"
	case f.Token != "":
		return f.Token
	case f.Detail["step"] != "":
		// A token-endpoint finding: the code exchange or the refresh.
		return f.Detail["step"]
	case strings.HasPrefix(f.Code, "connector."):
		return connectorPlace(f.Detail["path"])
	}
	return ""
}

// connectorPlace is where in a connector definition a finding is: the
// last name of its JSON path (tokenBodyTemplate, clientSecret), which
// is the one a person searches the file for; "connector" without one.
// A wrapped value's "value" and an array index say nothing on their own.
func connectorPlace(path string) string {
	parts := strings.FieldsFunc(path, func(r rune) bool { return strings.ContainsRune("/.[]$", r) })
	for i := len(parts) - 1; i >= 0; i-- {
		p := strings.Trim(parts[i], `"' `)
		if _, err := strconv.Atoi(p); err == nil || p == "" || strings.EqualFold(p, "value") {
			continue
		}
		return p
	}
	return "connector"
}

// Label is the role as people read it ("error page", not "error_page").
func (r Role) Label() string {
	if r == RoleErrorPage {
		return "error page"
	}
	return string(r)
}

// Provider names the provider: the issuer's host, or the authorize URL's,
// made printable.
func (p Profile) Provider() string {
	for _, raw := range []string{p.Issuer, p.AuthorizeURL} {
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			return Printable(u.Host)
		}
	}
	return "no provider set"
}
