package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// Environment variables read by decode: the token, and an HMAC secret so
// that it needn't be on the command line (where ps and shell history see
// it).
const (
	tokenEnv     = "AUTHTRACE_TOKEN"
	jwtSecretEnv = "AUTHTRACE_JWT_SECRET"
)

// maxDecodeInput caps standard input: many tokens, or one token response.
const maxDecodeInput = 16 << 20

// maxTokens bounds the tokens decoded from standard input: far more than a
// person reads, few enough that memory and time stay small whatever is
// piped in. The lines past them are counted, not kept.
const maxTokens = 1000

type decodeOptions struct {
	aud, iss, clientID, nonce string
	audAlias, issAlias        string // --aud and --iss, the short names of --expect-aud and --expect-iss
	kind                      string
	jwks, issuer              string
	verify                    bool
	secret                    string
	skew                      time.Duration
	json, reveal              bool

	now    func() time.Time
	loc    *time.Location
	client *http.Client
	// isTTY says whether standard input is a terminal, where "-" asks
	// for the token and stops at the Enter that ends it.
	isTTY func(io.Reader) bool
}

func newDecodeCmd() *cobra.Command {
	o := &decodeOptions{now: time.Now, loc: time.Local, isTTY: stdinIsTerminal}
	cmd := &cobra.Command{
		Use:   "decode [TOKEN|-]",
		Short: "Inspect a JWT: header, claims with human times, audience and expiry checks, signature",
		Long: `decode shows what a token says and what is wrong with it: the header, the
claims in the token's own order with every time in UTC and local time
("expired 3h12m ago"), and findings with a fix for each (wrong audience,
expired, issuer mismatch, unsigned, an opaque Auth0 token issued without an
audience, the Azure portal's own management token, Entra ID v1/v2 mix-ups).

The token comes from the argument, from standard input ("-", or no argument
with input piped in: one token per line, each reported in order, a JWT
wrapped over several lines being put back together; or a whole
token-endpoint JSON response), or from $AUTHTRACE_TOKEN. A pasted
"Authorization: Bearer ..." line, quotes and line breaks are taken off.
"decode -" on a terminal asks for the token and decodes it at Enter once it
is whole (Ctrl-D ends the input early). Text that is no token at all (words,
a URL, a short word) is refused, saying what it looks like.

Checks are only as strict as what you ask: --expect-aud, --expect-iss,
--client-id and --nonce name what the client expected, as on login (--aud
and --iss are short for --expect-aud and --expect-iss). Time claims are
checked against this machine's clock with --skew allowed (60s by default,
always shown).

--verify checks the signature: against --jwks (a URL or a file), or the JWKS
found through discovery (/.well-known/openid-configuration) of --issuer or
else of the token's iss, or for HS256/384/512 the secret in
$AUTHTRACE_JWT_SECRET (or --secret). --jwks and --issuer imply --verify.
When the keys cannot be had (the JWKS cannot be fetched or read, discovery
fails, no secret for HS*), the header and claims are still shown, with a
jwt.signature_unverified finding saying why and what to give.

Exit status: 0 no error findings, 1 error findings (the token has a
problem, its signature included), 2 input that is not a usable token, bad
flags, or a signature that --verify could not check (jwt.signature_unverified:
it is the keys given, not the token, that need fixing, so that a script
never takes an unchecked token for a checked one).`,
		Example: `  # what is this token, and whose audience is it for?
  authtrace decode eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9...

  # paste it at the prompt: it is decoded when you press Enter
  authtrace decode - --expect-aud https://api.example.com

  # from the clipboard (Linux / macOS); checks the API's audience
  xclip -o | authtrace decode - --expect-aud https://api.example.com
  pbpaste | authtrace decode - --expect-aud https://api.example.com

  # an ID token: check the client id and nonce, and the signature via discovery
  authtrace decode "$ID_TOKEN" --client-id 0c5e1bd8-... --nonce n-123 --verify

  # the signature, with the keys of the issuer the login used
  authtrace decode "$TOKEN" --issuer https://TENANT.auth0.com/ --expect-iss https://TENANT.auth0.com/

  # a whole token response, machine-readable
  curl -s -d grant_type=... https://idp.example.com/oauth/token | authtrace decode - --json

  # an HS256 token, secret kept off the command line
  AUTHTRACE_JWT_SECRET=$(cat secret.txt) authtrace decode "$TOKEN" --verify`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 1 {
				return usageErr("%d tokens given: decode takes one as its argument; for several, pipe them in one per line (printf '%%s\\n' TOKEN1 TOKEN2 | authtrace decode)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return o.run(cmd, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.aud, "expect-aud", "", "audience the token must carry: your API's identifier (Auth0 API identifier, Entra App ID URI or client id)")
	f.StringVar(&o.iss, "expect-iss", "", "issuer the token must carry, compared byte for byte (trailing slash included)")
	f.StringVar(&o.audAlias, "aud", "", "short for --expect-aud")
	f.StringVar(&o.issAlias, "iss", "", "short for --expect-iss")
	// The short names stay for the scripts that use them; the help
	// shows one name per setting, as login's.
	f.MarkHidden("aud") //nolint:errcheck // the flag exists
	f.MarkHidden("iss") //nolint:errcheck // the flag exists
	f.StringVar(&o.issuer, "issuer", "", "OIDC issuer URL whose /.well-known/openid-configuration gives the JWKS to verify with, instead of the token's iss (implies --verify)")
	f.StringVar(&o.clientID, "client-id", "", "the client id: an ID token's aud must contain it")
	f.StringVar(&o.nonce, "nonce", "", "the nonce sent on the authorize request: an ID token must carry it")
	f.StringVar(&o.kind, "kind", "auto", "what the token is: access_token, id_token or auto (guess from its claims)")
	f.StringVar(&o.jwks, "jwks", "", "JWKS URL or file to verify signatures with (implies --verify)")
	f.BoolVar(&o.verify, "verify", false, "verify the signature (keys from --jwks, discovery through iss, or the HMAC secret)")
	f.StringVar(&o.secret, "secret", "", "HMAC secret for HS256/384/512 (better: $"+jwtSecretEnv+", which keeps it out of shell history)")
	f.DurationVar(&o.skew, "skew", decode.DefaultSkew, "clock skew allowed on exp, nbf and iat")
	f.BoolVar(&o.json, "json", false, "print the machine form (JSON) instead of the readable layout")
	f.BoolVar(&o.reveal, "reveal", false, "keep signatures and opaque tokens in --json output (redacted by default)")
	return cmd
}

// input is one token as read, and the kind the input said it is ("" when
// it did not: a bare token).
type input struct {
	raw  string
	kind string
}

// result is one decoded token.
type result struct {
	in          input
	kind        string // the kind checked as ("" unknown)
	kindGuessed bool
	tok         *decode.Token
	err         error // from Parse: the input is not a usable token
	findings    []report.Finding
	sig         sigState
	sigNote     string
	sigSource   string // where the keys came from, when there were keys
	// verifyErr says why the signature could not be checked although
	// --verify asked for it, and what to give (verifyFix): the input is
	// not usable (exit 2). sigNote holds the why alone.
	verifyErr, verifyFix string
}

type sigState string

const (
	sigNotChecked   sigState = "not_checked"
	sigValid        sigState = "valid"
	sigInvalid      sigState = "invalid"
	sigUnverifiable sigState = "unverifiable"
	sigNone         sigState = "none"
	sigRedacted     sigState = "redacted"
)

func (o *decodeOptions) run(cmd *cobra.Command, args []string) error {
	switch o.kind {
	case "auto", decode.KindAccess, decode.KindID:
	default:
		return usageErr("--kind %q: want access_token, id_token or auto", o.kind)
	}
	if o.skew < 0 {
		return usageErr("--skew %s: want a duration of zero or more, such as 60s", o.skew)
	}
	if o.secret == "" {
		o.secret = os.Getenv(jwtSecretEnv)
	}
	for _, a := range []struct {
		name, alias string
		v, av       *string
	}{{"--expect-aud", "--aud", &o.aud, &o.audAlias}, {"--expect-iss", "--iss", &o.iss, &o.issAlias}} {
		switch {
		case *a.av == "" || *a.av == *a.v:
		case *a.v == "":
			*a.v = *a.av
		default:
			return usageErr("%s %q and %s %q disagree (%s is short for %s): give one", a.name, *a.v, a.alias, *a.av, a.alias, a.name)
		}
	}
	if o.jwks != "" && o.issuer != "" {
		return usageErr("--jwks and --issuer both say where the keys are: give one (--issuer finds the JWKS through discovery)")
	}
	if o.jwks != "" || o.issuer != "" || o.secret != "" && cmd.Flags().Changed("secret") {
		o.verify = true
	}
	inputs, skipped, err := o.readInputs(cmd, args)
	if err != nil {
		return err
	}
	if skipped > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "authtrace: standard input holds more than %d tokens: the first %d are shown, the rest skipped (%d more lines)\n", maxTokens, len(inputs), skipped)
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	results := o.decodeAll(ctx, inputs)
	out := cmd.OutOrStdout()
	if o.json {
		if err := o.writeJSON(out, results); err != nil {
			return err
		}
	} else {
		ropts := renderOptions{now: o.now(), loc: o.loc, skew: o.skew, exp: o.expect(""), verify: o.verify, width: termWidth(out)}
		w, color := colorWriter(out)
		ropts.color = color
		renderText(w, results, ropts)
	}
	status := exitOK
	var unverified []string
	for i, r := range results {
		switch {
		case r.verifyErr != "":
			status = exitUsage
			if len(results) > 1 {
				unverified = append(unverified, fmt.Sprintf("token %d/%d: %s", i+1, len(results), r.verifyErr))
			} else {
				unverified = append(unverified, r.verifyErr)
			}
		case r.err != nil:
			status = exitUsage
		case status == exitOK && hasError(r.findings):
			status = exitFindings
		}
	}
	if len(unverified) > 0 {
		msg := o.keysFlag() + ": the signature could not be checked: " + unverified[0]
		if n := len(unverified) - 1; n > 0 {
			msg += fmt.Sprintf(" (and %d more, shown above)", n)
		}
		return &exitError{code: exitUsage, err: errors.New(report.Printable(msg))}
	}
	if status != exitOK {
		return &exitError{code: status}
	}
	return nil
}

// keysFlag is the flag that asked for the signature check: the keys given
// (--jwks, --issuer), or --verify.
func (o *decodeOptions) keysFlag() string {
	switch {
	case o.jwks != "":
		return "--jwks"
	case o.issuer != "":
		return "--issuer"
	}
	return "--verify"
}

func hasError(fs []report.Finding) bool {
	for _, f := range fs {
		if f.Severity == report.SeverityError {
			return true
		}
	}
	return false
}

// readInputs takes the tokens from the argument, $AUTHTRACE_TOKEN or
// standard input, in that order of preference. Standard input is read as
// a stream: at most maxTokens tokens are kept, and skipped says how many
// lines past them were not.
func (o *decodeOptions) readInputs(cmd *cobra.Command, args []string) (in []input, skipped int, err error) {
	if len(args) == 1 && args[0] != "-" {
		return []input{{raw: args[0]}}, 0, nil
	}
	tty := o.isTTY != nil && o.isTTY(cmd.InOrStdin())
	if len(args) == 0 {
		if env := os.Getenv(tokenEnv); env != "" {
			return []input{{raw: env}}, 0, nil
		}
		if tty {
			return nil, 0, usageErr("no token: give it as the argument, pipe it in (use - to paste it at the terminal), or set %s", tokenEnv)
		}
	}
	if tty {
		in, err := readTerminal(cmd.InOrStdin(), cmd.ErrOrStderr())
		return in, 0, err
	}
	br := bufio.NewReaderSize(cmd.InOrStdin(), 64<<10)
	if first, _ := firstByte(br); first == '{' {
		// A token-endpoint answer: one JSON document, read whole.
		data, truncated, err := decode.ReadCapped(br, maxDecodeInput)
		if err != nil {
			return nil, 0, usageErr("reading standard input: %v", err)
		}
		if truncated {
			return nil, 0, usageErr("standard input is over %d MiB: give one token per line", maxDecodeInput>>20)
		}
		in, err := splitInputs(data)
		if len(in) > maxTokens {
			return in[:maxTokens], len(in) - maxTokens, err
		}
		return in, 0, err
	}
	// Lines: enough of them for maxTokens tokens, each of which may be
	// wrapped over a few lines, are kept; the rest are counted.
	const keepLines = maxTokens * 4
	var lines []string
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64<<10), maxDecodeInput)
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.IndexByte(line, 0) >= 0 || !utf8.Valid(line) {
			return nil, 0, usageErr("standard input is binary, not text: give tokens one per line")
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(lines) < keepLines {
			lines = append(lines, string(line))
		} else {
			skipped++
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, 0, usageErr("standard input is over %d MiB: give one token per line", maxDecodeInput>>20)
		}
		return nil, 0, usageErr("reading standard input: %v", err)
	}
	if len(lines) == 0 {
		return nil, 0, usageErr("no token on standard input")
	}
	for _, tok := range decode.SplitPasted(lines) {
		if len(in) == maxTokens {
			skipped++ // a token, counted as its one line
			continue
		}
		in = append(in, input{raw: tok})
	}
	return in, skipped, nil
}

// firstByte is the first byte of r that is not white space, left unread.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.Peek(1)
		if err != nil {
			return 0, err
		}
		switch b[0] {
		case ' ', '\t', '\r', '\n':
			br.ReadByte() //nolint:errcheck // just peeked
			continue
		}
		return b[0], nil
	}
}

// splitInputs reads either a token-endpoint JSON response (its access and
// ID tokens) or one token per line.
func splitInputs(data []byte) ([]input, error) {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, usageErr("no token on standard input")
	}
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		return nil, usageErr("standard input is binary, not text: give tokens one per line")
	}
	if trimmed[0] == '{' {
		var resp map[string]any
		if err := json.Unmarshal(trimmed, &resp); err == nil {
			var in []input
			for _, k := range []string{decode.KindAccess, decode.KindID} {
				if s, ok := resp[k].(string); ok && strings.TrimSpace(s) != "" {
					in = append(in, input{raw: s, kind: k})
				}
			}
			if len(in) == 0 {
				return nil, usageErr("the JSON on standard input has no access_token or id_token")
			}
			return in, nil
		}
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), maxDecodeInput)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, usageErr("reading standard input: %v", err)
	}
	var in []input
	for _, tok := range decode.SplitPasted(lines) {
		in = append(in, input{raw: tok})
	}
	return in, nil
}

// expect returns the expectations for a token of kind.
func (o *decodeOptions) expect(kind string) decode.Expect {
	return decode.Expect{Audience: o.aud, Issuer: o.iss, ClientID: o.clientID, Nonce: o.nonce, Skew: o.skew, Kind: kind}
}

// decodeAll parses, checks and (with --verify) verifies every input.
func (o *decodeOptions) decodeAll(ctx context.Context, inputs []input) []result {
	now := o.now()
	keys := &decode.KeySource{Secret: []byte(o.secret), JWKS: o.jwks, Issuer: o.issuer, Discover: true, Client: o.client}
	results := make([]result, 0, len(inputs))
	for _, in := range inputs {
		r := result{in: in, kind: in.kind, sig: sigNotChecked}
		// A token-endpoint response's own values are tokens whatever they
		// look like; a bare input may be any text pasted by mistake.
		parse := decode.ParsePasted
		if in.kind != "" {
			parse = decode.Parse
		}
		tok, err := parse(in.raw)
		if r.kind == "" && o.kind != "auto" {
			r.kind = o.kind
		}
		if r.kind == "" && err == nil {
			r.kind, r.kindGuessed = decode.GuessKind(tok), true
			if r.kind == "" && o.nonce != "" {
				r.kind = decode.KindID
			}
		}
		if err != nil {
			r.err = err
			f := decode.MalformedFinding(err, r.kind)
			if errors.Is(err, decode.ErrEmpty) {
				f.Hint = "Pass the token as the argument, on standard input, or in " + tokenEnv + "."
			}
			r.findings = []report.Finding{f}
			results = append(results, r)
			continue
		}
		r.tok = tok
		r.findings = decode.Check(tok, o.expect(r.kind), now)
		switch {
		case tok.Format != decode.FormatJWT:
			r.sig = ""
		case tok.SignatureRedacted:
			r.sig = sigRedacted
			if o.verify {
				r.cannotVerify("its signature was redacted (a token copied from an authtrace report)",
					"decode the original token (authtrace --reveal keeps it in reports), or leave out --verify")
			}
		case !tok.Signed:
			r.sig = sigNone
		}
		if o.verify && r.sig == sigNotChecked {
			o.verifySig(ctx, keys, &r)
		}
		results = append(results, r)
	}
	return results
}

// What to give when the signature could not be checked.
const (
	fixJWKS   = "give the provider's keys with --jwks FILE|URL (its jwks_uri, such as https://TENANT.auth0.com/.well-known/jwks.json), or leave out --verify"
	fixSecret = "give the secret in $" + jwtSecretEnv + " or with --secret (or a JWKS holding it with --jwks), or leave out --verify"
)

// cannotVerify records that the signature could not be checked although
// that was asked for: why, and what to do, also as a
// jwt.signature_unverified finding, so that the header and claims are
// still shown and the JSON says it too.
func (r *result) cannotVerify(why, fix string) {
	why = oneLine(why)
	r.sig, r.sigNote = sigUnverifiable, why
	r.verifyErr, r.verifyFix = why+"; "+fix, fix
	r.findings = append(r.findings, report.Finding{
		Code: report.CodeJWTSignatureUnverified, Severity: report.SeverityError, Token: r.kind,
		Message: "the signature could not be checked: " + why,
		Hint:    strings.ToUpper(fix[:1]) + fix[1:] + ".",
		Detail:  map[string]string{"reason": why},
	})
}

// oneLine puts text from Go errors (errors.Join puts newlines between its
// errors) on one line.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' }), "; ")
}

// verifySig checks r's signature with keys. Keys that cannot be had (a
// --jwks that cannot be fetched or read, a failed discovery, no iss, no
// secret for HS*) leave r unverifiable with r.verifyErr set and a
// finding, so that the token and the other tokens are still shown.
func (o *decodeOptions) verifySig(ctx context.Context, keys *decode.KeySource, r *result) {
	used, fs, err := keys.Verify(ctx, r.tok, r.kind)
	var ue *decode.UnverifiableError
	switch {
	case errors.As(err, &ue) && ue.Err == nil:
		r.cannotVerify(ue.Reason, o.verifyFix(r))
	case errors.As(err, &ue):
		r.cannotVerify(o.keysProblem(ue.Err))
	case err != nil:
		r.cannotVerify(o.keysProblem(err))
	case len(fs) > 0:
		r.sig, r.sigNote, r.sigSource = sigInvalid, used.Source, used.Source
		r.findings = append(r.findings, fs...)
	default:
		r.sig, r.sigSource = sigValid, used.Source
		r.sigNote = r.tok.Alg
		if r.tok.Kid != "" {
			r.sigNote += ", key " + r.tok.Kid
		}
		r.sigNote += " from " + used.Source
	}
}

// keysProblem words why the keys could not be had, and what to do: a
// JWKS or discovery document that could not be fetched, or a JWKS file
// that could not be read.
func (o *decodeOptions) keysProblem(err error) (why, fix string) {
	var fe *decode.FetchError
	switch {
	case errors.As(err, &fe) && fe.URL == o.jwks:
		return "cannot fetch the JWKS from " + fe.URL + ": " + fe.Reason(), "check the URL, or save the provider's JWKS to a file and pass --jwks FILE"
	case errors.As(err, &fe):
		fix := "check the issuer (the token's iss"
		if o.issuer != "" {
			fix = "check the issuer (--issuer"
		}
		return "cannot fetch " + fe.URL + " (discovery of the signing keys): " + fe.Reason(), fix + "), or give the keys with --jwks FILE|URL"
	case errors.Is(err, os.ErrNotExist):
		return "cannot read the JWKS file " + o.jwks + ": no such file", "check the path, or give the provider's jwks_uri with --jwks URL"
	case o.jwks != "":
		return err.Error(), "give a JWK Set file or its URL (the provider's jwks_uri)"
	}
	return err.Error(), fixJWKS
}

// verifyFix says what to give for r's signature to be checked.
func (o *decodeOptions) verifyFix(r *result) string {
	switch {
	case !strings.HasPrefix(r.tok.Alg, "HS"):
		return fixJWKS
	case r.kind == decode.KindID && o.jwks == "":
		return "give the client secret (OpenID Connect signs an " + r.tok.Alg + " ID token with it) in $" + jwtSecretEnv + " or with --secret, or leave out --verify"
	}
	return fixSecret
}

// jsonOutput is decode's --json form: each token in the report's token
// shape with its own findings.
type jsonOutput struct {
	Version int         `json:"version"`
	Command string      `json:"command"`
	Now     time.Time   `json:"now"`
	Skew    string      `json:"skew"`
	Tokens  []jsonToken `json:"tokens"`
}

type jsonToken struct {
	report.Token
	KindGuessed   bool             `json:"kind_guessed,omitempty"`
	Error         *jsonParseError  `json:"error,omitempty"`
	Signature     sigState         `json:"signature,omitempty"`
	SignatureNote string           `json:"signature_note,omitempty"`
	VerifyError   string           `json:"verify_error,omitempty"`
	Findings      []report.Finding `json:"findings"`
}

type jsonParseError struct {
	Segment string `json:"segment"`
	Offset  *int   `json:"offset,omitempty"`
	Reason  string `json:"reason"`
}

func (o *decodeOptions) writeJSON(w io.Writer, results []result) error {
	out := jsonOutput{Version: report.Version, Command: "decode", Now: o.now().UTC().Truncate(time.Second), Skew: o.skew.String(), Tokens: []jsonToken{}}
	for _, r := range results {
		jt := jsonToken{KindGuessed: r.kindGuessed, Signature: r.sig, SignatureNote: r.sigNote, VerifyError: r.verifyErr, Findings: r.findings}
		if jt.Findings == nil {
			jt.Findings = []report.Finding{}
		}
		if r.tok != nil {
			jt.Token = r.tok.Report(r.kind)
			jt.Verification = r.verification()
		} else {
			jt.Token = report.Token{Kind: r.kind, Raw: r.in.raw}
			var pe *decode.ParseError
			if errors.As(r.err, &pe) {
				jt.Error = &jsonParseError{Segment: pe.Segment, Reason: pe.Reason}
				if pe.Offset >= 0 {
					jt.Error.Offset = &pe.Offset
				}
			}
		}
		if !o.reveal {
			jt.Raw = report.RedactToken(jt.Raw)
		}
		out.Tokens = append(out.Tokens, jt)
	}
	if err := report.EncodeJSON(w, out, "  "); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// verification is r's signature check in the report's form, as a login
// records it; nil when --verify did not try.
func (r *result) verification() *report.Verification {
	v := &report.Verification{Alg: r.tok.Alg, Kid: r.tok.Kid, Source: r.sigSource}
	switch r.sig {
	case sigValid:
		v.Status = report.Verified
	case sigInvalid:
		v.Status = report.Failed
		for _, f := range r.findings {
			if f.Code == report.CodeJWTSignatureInvalid || f.Code == report.CodeJWTKidUnknown {
				v.Reason = f.Message
				break
			}
		}
	case sigUnverifiable:
		v.Status, v.Reason = report.NotChecked, r.sigNote
	default:
		return nil
	}
	return v
}
