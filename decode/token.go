// Package decode reads the tokens an OAuth 2.0 login returns: it parses a
// JWT (or tells a JWE or an opaque token apart), checks its claims against
// what the client expected with an explicit clock and skew, and verifies its
// signature with the keys a KeySource finds (a secret, a JWKS, or the
// issuer's own through discovery). Everything here is a pure function of
// bytes, the expectations and a clock, except the JWKS and metadata fetches
// (fetch.go, discovery.go, keysource.go), which take a context and an
// *http.Client. It never imports a UI package: the flow engine, the TUI and
// `authtrace decode` all call the same code.
package decode

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/report"
)

// Format is what kind of token a string is.
type Format string

const (
	FormatJWT    Format = "jwt"    // JWS: header.payload.signature
	FormatJWE    Format = "jwe"    // encrypted: five segments, only the header is readable
	FormatOpaque Format = "opaque" // anything else that is a plausible token
)

// Claim is one member of a JSON object, in the order the token has it.
// Value is the member's JSON as it appears in the token.
type Claim struct {
	Name  string
	Value json.RawMessage
}

// Token is a parsed token. For an opaque token only Raw and Format are set;
// for a JWE the header too.
type Token struct {
	// Raw is the token itself, after Parse removed what was pasted around
	// it (white space, quotes, "Authorization: Bearer "). Error offsets
	// count bytes of Raw.
	Raw    string
	Format Format

	Header     []Claim
	Claims     []Claim
	HeaderJSON json.RawMessage
	ClaimsJSON json.RawMessage

	// Signed says the signature segment is present and not empty.
	Signed bool
	// SignatureRedacted says the signature was authtrace's own
	// "<redacted>" placeholder (a token copied out of a report).
	SignatureRedacted bool

	// Alg, Kid and Typ are the header's values (Enc too, for a JWE).
	Alg, Kid, Typ, Enc string
}

// Sentinel errors for errors.Is on a *ParseError.
var (
	ErrEmpty     = errors.New("empty input")
	ErrBinary    = errors.New("not text")
	ErrSegments  = errors.New("wrong number of segments")
	ErrBase64    = errors.New("bad base64url")
	ErrJSON      = errors.New("not JSON")
	ErrNotObject = errors.New("not a JSON object")
)

// ParseError says what is wrong with a token and where. Segment is "token"
// (the whole input), "header", "payload", "signature", or for a JWE
// "encrypted_key", "iv", "ciphertext", "tag". Offset is the byte offset in
// the token (Token.Raw after cleaning) where the problem is, or -1.
type ParseError struct {
	Segment string
	Offset  int
	Reason  string // for a person: what is wrong, in a few words
	Kind    error  // one of the Err* sentinels
	Err     error  // the underlying error, if any
}

func (e *ParseError) Error() string {
	var b strings.Builder
	if e.Segment != "token" {
		b.WriteString(e.Segment)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " (at offset %d)", e.Offset)
	}
	return b.String()
}

// Unwrap lets errors.Is match both the sentinel and the underlying error.
func (e *ParseError) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// segmentDecoder is golang-jwt's own segment decoding, with padding
// tolerated (some servers pad their base64url).
var segmentDecoder = jwt.NewParser(jwt.WithPaddingAllowed())

// Clean removes what commonly comes pasted around a token: white space,
// surrounding quotes, an "Authorization:" header name and a "Bearer"
// scheme, and the line breaks inside a JWT wrapped over lines. Parse's
// error offsets count bytes of what Clean returns.
func Clean(raw string) string {
	s := strings.TrimSpace(raw)
	s = unquote(s)
	if name, rest, ok := strings.Cut(s, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "authorization") {
		s = strings.TrimSpace(rest)
	}
	if len(s) >= 6 && strings.EqualFold(s[:6], "bearer") && (len(s) == 6 || s[6] == ' ' || s[6] == '\t') {
		s = strings.TrimSpace(s[6:])
	}
	s = unquote(s)
	if looksJOSE(s) && strings.ContainsAny(s, " \t\r\n") {
		// A JWT wrapped over lines by a mail client or a terminal: base64url
		// has no white space, so taking it out cannot change the token.
		s = strings.Join(strings.Fields(s), "")
	}
	return s
}

func unquote(s string) string {
	for len(s) >= 2 {
		first, last := s[0], s[len(s)-1]
		if first != last || (first != '"' && first != '\'' && first != '`') {
			break
		}
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	return s
}

// Parse reads one token. A string whose first segment is base64url of a
// JSON object ("eyJ...") is a JWT (three segments) or a JWE (five), and
// anything wrong with it is a *ParseError; any other run of printable
// characters is an opaque token. Parse never verifies: see Check and
// Verify.
func Parse(raw string) (*Token, error) {
	s := Clean(raw)
	if s == "" {
		return nil, &ParseError{Segment: "token", Offset: -1, Reason: "empty input", Kind: ErrEmpty}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 || c > 0x7e {
			return nil, &ParseError{Segment: "token", Offset: i, Kind: ErrBinary,
				Reason: fmt.Sprintf("byte %s is not a token character", describeByte(s[i:]))}
		}
	}
	if !looksJOSE(s) {
		return &Token{Raw: s, Format: FormatOpaque}, nil
	}
	n := strings.Count(s, ".") + 1
	switch n {
	case 3:
		return parseJWS(s)
	case 5:
		return parseJWE(s)
	}
	return nil, &ParseError{Segment: "token", Offset: -1, Kind: ErrSegments,
		Reason: fmt.Sprintf("%d segments; a JWT has 3 (header.payload.signature) and a JWE 5", n)}
}

// looksJOSE reports whether the first segment is base64url of the start of
// a JSON object: "{" followed by a quote, white space or "}". The first
// character alone is not enough: one random opaque token in 256 starts
// with base64url of "{" (e, then w-z, 0-9, - or _), and the second byte
// brings that down to about one in ten thousand.
func looksJOSE(s string) bool {
	if len(s) < 4 || s[0] != 'e' {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(s[:4])
	if err != nil || len(b) < 2 || b[0] != '{' {
		return false
	}
	switch b[1] {
	case '"', ' ', '\t', '\n', '\r', '}':
		return true
	}
	return false
}

func describeByte(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf("0x%02x", s[0])
	}
	if r < 0x80 {
		return fmt.Sprintf("0x%02x", r)
	}
	return fmt.Sprintf("%q (U+%04X)", r, r)
}

func parseJWS(s string) (*Token, error) {
	h, rest, _ := strings.Cut(s, ".")
	p, sig, _ := strings.Cut(rest, ".")
	tok := &Token{Raw: s, Format: FormatJWT}
	var err error
	if tok.HeaderJSON, tok.Header, err = object("header", h, 0); err != nil {
		return nil, err
	}
	if tok.ClaimsJSON, tok.Claims, err = object("payload", p, len(h)+1); err != nil {
		return nil, err
	}
	tok.readHeader()
	switch {
	case sig == report.Redacted:
		tok.SignatureRedacted = true
	case sig != "":
		if _, err := decodeSegment("signature", sig, len(h)+len(p)+2); err != nil {
			return nil, err
		}
		tok.Signed = true
	}
	return tok, nil
}

func parseJWE(s string) (*Token, error) {
	parts := strings.Split(s, ".")
	tok := &Token{Raw: s, Format: FormatJWE}
	var err error
	if tok.HeaderJSON, tok.Header, err = object("header", parts[0], 0); err != nil {
		return nil, err
	}
	names := [...]string{"", "encrypted_key", "iv", "ciphertext", "tag"}
	off := len(parts[0]) + 1
	for i := 1; i < 5; i++ {
		if _, err := decodeSegment(names[i], parts[i], off); err != nil {
			return nil, err
		}
		off += len(parts[i]) + 1
	}
	tok.readHeader()
	return tok, nil
}

func (t *Token) readHeader() {
	for _, c := range t.Header {
		var dst *string
		switch c.Name {
		case "alg":
			dst = &t.Alg
		case "kid":
			dst = &t.Kid
		case "typ":
			dst = &t.Typ
		case "enc":
			dst = &t.Enc
		default:
			continue
		}
		*dst, _ = jsonString(c.Value)
	}
}

func decodeSegment(name, seg string, off int) ([]byte, error) {
	b, err := segmentDecoder.DecodeSegment(seg)
	if err == nil {
		return b, nil
	}
	at := -1
	var ce base64.CorruptInputError
	if errors.As(err, &ce) {
		at = min(int(ce), len(seg))
	}
	reason := "bad base64url"
	if at >= 0 {
		reason = fmt.Sprintf("bad base64url at byte %d of the %s", at, name)
		at += off
	}
	return nil, &ParseError{Segment: name, Offset: at, Reason: reason, Kind: ErrBase64, Err: err}
}

// object decodes a segment holding a JSON object and lists its members in
// order.
func object(name, seg string, off int) (json.RawMessage, []Claim, error) {
	if seg == "" {
		return nil, nil, &ParseError{Segment: name, Offset: off, Reason: "empty", Kind: ErrJSON}
	}
	b, err := decodeSegment(name, seg, off)
	if err != nil {
		return nil, nil, err
	}
	if !json.Valid(b) {
		var v any
		jerr := json.Unmarshal(b, &v)
		reason := "not JSON"
		var se *json.SyntaxError
		if errors.As(jerr, &se) {
			reason = fmt.Sprintf("not JSON: %v at byte %d of the decoded %s", se, se.Offset, name)
		}
		return nil, nil, &ParseError{Segment: name, Offset: -1, Reason: reason, Kind: ErrJSON, Err: jerr}
	}
	members, ok := members(b)
	if !ok {
		return nil, nil, &ParseError{Segment: name, Offset: -1, Kind: ErrNotObject,
			Reason: fmt.Sprintf("JSON %s, not an object", jsonKind(b))}
	}
	return json.RawMessage(b), members, nil
}

func jsonKind(b []byte) string {
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 {
		return "nothing"
	}
	switch b[0] {
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// Members lists the members of a JSON object (a token's header or claims,
// as kept in a report) in the order written, which a map would lose. It
// fails when raw is not valid JSON or not an object.
func Members(raw json.RawMessage) ([]Claim, error) {
	if !json.Valid(raw) {
		return nil, fmt.Errorf("members: not valid JSON")
	}
	ms, ok := members(raw)
	if !ok {
		return nil, fmt.Errorf("members: JSON %s, not an object", jsonKind(raw))
	}
	return ms, nil
}

// members lists the members of a JSON object in order. b must be valid
// JSON (json.Valid): the scan relies on it and so needs no error handling
// beyond "not an object".
func members(b []byte) ([]Claim, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return nil, false
	}
	out := make([]Claim, 0, 16)
	i++
	for {
		i = skipSpace(b, i)
		if b[i] == '}' {
			return out, true
		}
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
		end := stringEnd(b, i)
		name, _ := jsonString(b[i:end])
		i = skipSpace(b, end)
		i = skipSpace(b, i+1) // the colon
		vend := valueEnd(b, i)
		out = append(out, Claim{Name: name, Value: json.RawMessage(b[i:vend])})
		i = vend
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string that starts at b[i] == '"'.
func stringEnd(b []byte, i int) int {
	for i++; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(b)
}

// valueEnd returns the index after the JSON value that starts at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	}
	for i < len(b) {
		switch b[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// jsonString returns the value of a JSON string, or false if v is not one.
func jsonString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return "", false
	}
	if bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v) {
		return string(v[1 : len(v)-1]), true
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		return "", false
	}
	return s, true
}

// Claim returns the value of the named claim (the last one, as JSON
// decoders do, if the token repeats it) and whether it is there.
func (t *Token) Claim(name string) (json.RawMessage, bool) {
	for i := len(t.Claims) - 1; i >= 0; i-- {
		if t.Claims[i].Name == name {
			return t.Claims[i].Value, true
		}
	}
	return nil, false
}

// HeaderString returns a string member of the header (the last one if
// repeated); false if it is missing or not a string. A JWE may carry
// claims such as iss there, in the clear (RFC 7519 section 5.3).
func (t *Token) HeaderString(name string) (string, bool) {
	for i := len(t.Header) - 1; i >= 0; i-- {
		if t.Header[i].Name == name {
			return jsonString(t.Header[i].Value)
		}
	}
	return "", false
}

// String returns a string claim's value; false if it is missing or not a
// string.
func (t *Token) String(name string) (string, bool) {
	v, ok := t.Claim(name)
	if !ok {
		return "", false
	}
	return jsonString(v)
}

// Audience returns the aud claim, a string or an array of strings, as a
// list. ok is false if aud is missing or of another type.
func (t *Token) Audience() (aud []string, ok bool) {
	v, found := t.Claim("aud")
	if !found {
		return nil, false
	}
	if s, isStr := jsonString(v); isStr {
		return []string{s}, true
	}
	if err := json.Unmarshal(v, &aud); err != nil {
		return nil, false
	}
	return aud, true
}

// Report converts the token to the report's form. kind is "access_token",
// "id_token" or "refresh_token". Raw is the whole token: redaction happens
// when the report is written.
func (t *Token) Report(kind string) report.Token {
	return report.Token{
		Kind:   kind,
		Format: string(t.Format),
		Header: t.HeaderJSON,
		Claims: t.ClaimsJSON,
		Raw:    t.Raw,
	}
}

// GuessKind says whether a token is more likely an ID token or an access
// token, from its claims: "id_token" with a nonce, at_hash or c_hash,
// "access_token" with typ at+jwt or a scp/scope claim, when opaque, or for
// Auth0's /userinfo JWE (alg dir, an auth0.com iss in the header), and ""
// when it cannot tell.
func GuessKind(t *Token) string {
	if t == nil {
		return ""
	}
	if t.Format == FormatJWE {
		// An encrypted ID token is a JWE too: only Auth0's own form is
		// known to be an access token.
		if iss, ok := t.HeaderString("iss"); ok && t.Alg == "dir" && isAuth0Host(iss) {
			return "access_token"
		}
		return ""
	}
	if t.Format == FormatOpaque || strings.EqualFold(t.Typ, "at+jwt") || strings.EqualFold(t.Typ, "application/at+jwt") {
		return "access_token"
	}
	for _, c := range t.Claims {
		switch c.Name {
		case "nonce", "at_hash", "c_hash":
			return "id_token"
		}
	}
	for _, c := range t.Claims {
		switch c.Name {
		case "scp", "scope", "roles", "client_id":
			return "access_token"
		}
	}
	return ""
}
