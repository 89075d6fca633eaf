package flow

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/authtrace/authtrace/report"
)

// hopParamNames are the query values a hop records (DESIGN.md, "Hops").
var hopParamNames = []string{
	"state", "redirect_uri", "client_id", "response_type", "scope",
	"audience", "resource", "organization", "connection", "prompt",
	"code", "error", "error_description",
}

// hopParams returns the query values of u that matter for comparing hops
// (DESIGN.md, "Hops"): only those present, a parameter present with an empty
// value kept as "". A value repeated in the query counts by its first
// occurrence, as most servers read it. Values in the fragment (what
// response_mode=fragment produces, seen in HAR files; browsers never send a
// fragment to a server) fill in the names the query does not carry.
func hopParams(u *url.URL) map[string]string {
	out := map[string]string{}
	if u == nil {
		return out
	}
	// ParseQuery keeps every pair it could read even when it also reports
	// an error (a stray "%zz" or ";"), which is what a debugger wants.
	q, _ := url.ParseQuery(u.RawQuery)
	var frag url.Values
	if f := u.EscapedFragment(); strings.Contains(f, "=") {
		frag, _ = url.ParseQuery(f)
	}
	for _, name := range hopParamNames {
		if vs, ok := q[name]; ok && len(vs) > 0 {
			out[name] = vs[0]
		} else if vs, ok := frag[name]; ok && len(vs) > 0 {
			out[name] = vs[0]
		}
	}
	return out
}

// hopRole says which comparisons apply to a hop at u that answered status,
// checked in this order:
//
//   - callback: u is the redirect URI (same scheme, host, port and path; the
//     query does not count). Loopback spellings are not folded together:
//     127.0.0.1, localhost and [::1] are different hosts here, because the
//     listener binds one address and a provider compares redirect_uri as a
//     string, so a redirect to another spelling is a different URL (and
//     reaches a different socket, or none).
//   - authorize: the query carries client_id and response_type.
//   - error_page: a 4xx or 5xx answer that is not a redirect.
//   - provider: anything else (login, interaction, consent pages).
//
// A hop can be an authorize request and an error page at once:
// oidc-provider answers a bad redirect_uri at /auth itself with an HTML 400.
// Its role is authorize (its state and redirect_uri are compared); read its
// page with readErrorPage all the same, as for every 4xx/5xx hop.
func hopRole(u *url.URL, status int, redirectURI string) report.Role {
	if u == nil {
		return report.RoleOther
	}
	if redirectURI != "" {
		if r, err := url.Parse(redirectURI); err == nil && sameEndpoint(u, r) {
			return report.RoleCallback
		}
	}
	q, _ := url.ParseQuery(u.RawQuery)
	if q.Has("client_id") && q.Has("response_type") {
		return report.RoleAuthorize
	}
	if status >= 400 {
		return report.RoleErrorPage
	}
	return report.RoleProvider
}

// sameEndpoint reports whether a and b name the same scheme, host, port and
// path. Scheme and host compare without regard to case (they are
// case-insensitive in URLs); an explicit default port equals no port; the
// path compares exactly, and an empty path equals "/".
func sameEndpoint(a, b *url.URL) bool {
	if !strings.EqualFold(a.Scheme, b.Scheme) || a.Scheme == "" {
		return false
	}
	if !strings.EqualFold(a.Hostname(), b.Hostname()) {
		return false
	}
	if defaultedPort(a) != defaultedPort(b) {
		return false
	}
	pa, pb := a.EscapedPath(), b.EscapedPath()
	if pa == "" {
		pa = "/"
	}
	if pb == "" {
		pb = "/"
	}
	return pa == pb
}

func defaultedPort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "http":
		return "80"
	case "https":
		return "443"
	}
	return ""
}

// State change kinds (DESIGN.md, state.changed).
const (
	stateKindSuffixAdded         = "suffix_added"
	stateKindPrefixAdded         = "prefix_added"
	stateKindWrapped             = "wrapped"
	stateKindPercentDecoded      = "percent_decoded"
	stateKindPercentEncodedTwice = "percent_encoded_twice"
	stateKindPlusToSpace         = "plus_to_space"
	stateKindTruncated           = "truncated"
	stateKindCaseChanged         = "case_changed"
	stateKindReplaced            = "replaced"
)

// classifyState returns "" when got equals sent byte for byte, and otherwise
// the kind of change (one of the stateKind* values) and a detail that shows
// exactly what differs: the text added, the decoded wrapper, the character
// that changed and where (positions count characters from 1).
//
// The order of the checks matters. Re-encodings come first because they are
// the whole story when they match (a value encoded twice may also contain
// the original); then cuts and additions at either end; then wrappers
// (base64, base64url, JSON, text around the original), which by then cannot
// be a plain prefix or suffix; then case; anything else is replaced.
func classifyState(sent, got string) (kind, detail string) {
	if sent == got {
		return "", ""
	}
	if got == "" {
		return stateKindTruncated, fmt.Sprintf("got an empty state: all %d characters of the sent one were dropped", utf8.RuneCountInString(sent))
	}
	if d, ok := encodedTwice(sent, got); ok {
		return stateKindPercentEncodedTwice, d
	}
	if d, ok := plusToSpace(sent, got); ok {
		return stateKindPlusToSpace, d
	}
	if d, ok := percentDecoded(sent, got); ok {
		return stateKindPercentDecoded, d
	}
	if strings.HasPrefix(sent, got) {
		return stateKindTruncated, truncatedDetail(sent, got)
	}
	if strings.HasPrefix(got, sent) {
		return stateKindSuffixAdded, "appended " + quoteExtra(got[len(sent):])
	}
	if strings.HasSuffix(got, sent) {
		return stateKindPrefixAdded, "prepended " + quoteExtra(got[:len(got)-len(sent)])
	}
	if d, ok := wrapped(sent, got); ok {
		return stateKindWrapped, d
	}
	if d, ok := caseChanged(sent, got); ok {
		return stateKindCaseChanged, d
	}
	// A re-encoding combined with an addition: say what was added, and
	// that the original came back altered.
	for _, alt := range alteredForms(sent) {
		switch {
		case len(got) <= len(alt.value):
			// Not an addition.
		case strings.HasPrefix(got, alt.value):
			return stateKindSuffixAdded, "appended " + quoteExtra(got[len(alt.value):]) + "; the original also came back " + alt.how
		case strings.HasSuffix(got, alt.value):
			return stateKindPrefixAdded, "prepended " + quoteExtra(got[:len(got)-len(alt.value)]) + "; the original also came back " + alt.how
		}
	}
	return stateKindReplaced, replacedDetail(sent, got)
}

// encodedTwice reports whether got still carries percent-escapes that, once
// decoded, give sent: the value was encoded twice on its way (a hop's params
// are already decoded once).
func encodedTwice(sent, got string) (string, bool) {
	if !strings.Contains(got, "%") {
		return "", false
	}
	first, ok := decodesTo(got, sent, false)
	if !ok {
		first, ok = decodesTo(got, sent, true)
	}
	if !ok {
		return "", false
	}
	seq := escapeAt(got, first)
	return fmt.Sprintf("got still percent-encoded: %q stands for %q (character %d); the value was encoded twice on the way (%q on the wire)",
		seq, unescapeSeq(seq), runePos(got, first), "%25"+seq[1:]), true
}

// percentDecoded reports whether got is sent with some or all of its
// percent-escapes decoded.
func percentDecoded(sent, got string) (string, bool) {
	if !strings.Contains(sent, "%") {
		return "", false
	}
	first, ok := decodesTo(sent, got, false)
	how := ""
	if !ok {
		first, ok = decodesTo(sent, got, true)
		if ok && strings.Contains(sent, "+") {
			how = ", and '+' became a space"
		}
	}
	if !ok {
		return "", false
	}
	seq := escapeAt(sent, first)
	if seq == "+" {
		return fmt.Sprintf("'+' became a space (character %d), and percent-escapes were decoded", runePos(sent, first)), true
	}
	return fmt.Sprintf("%q was decoded to %q (character %d)%s; the sent state contains percent-escapes that must come back as they were",
		seq, unescapeSeq(seq), runePos(sent, first), how), true
}

// plusToSpace reports whether got is sent with some or all '+' turned into
// spaces, as form decoding does.
func plusToSpace(sent, got string) (string, bool) {
	if len(sent) != len(got) || !strings.Contains(sent, "+") {
		return "", false
	}
	first, n := -1, 0
	for i := 0; i < len(sent); i++ {
		if sent[i] == got[i] {
			continue
		}
		if sent[i] != '+' || got[i] != ' ' {
			return "", false
		}
		if first < 0 {
			first = i
		}
		n++
	}
	if n == 0 {
		return "", false
	}
	return fmt.Sprintf("'+' became a space at character %d (%d of %d '+' signs); something read the query as a form and decoded '+' to space",
		runePos(sent, first), n, strings.Count(sent, "+")), true
}

// decodesTo reports whether decoding some of enc's percent-escapes (and,
// with plus, turning '+' into a space) gives dec, and returns the byte
// offset in enc of the first one decoded. Two greedy walks, one preferring
// to decode an escape and one preferring to read it literally, cover whole
// and partial decoding as they happen in practice without backtracking.
func decodesTo(enc, dec string, plus bool) (first int, ok bool) {
	if first, ok := decodeWalk(enc, dec, plus, true); ok {
		return first, true
	}
	return decodeWalk(enc, dec, plus, false)
}

func decodeWalk(enc, dec string, plus, decodeFirst bool) (first int, ok bool) {
	first = -1
	i, j := 0, 0
	for i < len(enc) && j < len(dec) {
		if enc[i] == '%' && i+2 < len(enc) && hexDigit(enc[i+1]) && hexDigit(enc[i+2]) &&
			hexValue(enc[i+1])<<4|hexValue(enc[i+2]) == dec[j] && (decodeFirst || enc[i] != dec[j]) {
			if first < 0 {
				first = i
			}
			i += 3
			j++
			continue
		}
		if plus && enc[i] == '+' && dec[j] == ' ' {
			if first < 0 {
				first = i
			}
			i++
			j++
			continue
		}
		if enc[i] != dec[j] {
			return -1, false
		}
		i++
		j++
	}
	if i != len(enc) || j != len(dec) || first < 0 {
		return -1, false
	}
	return first, true
}

func hexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexValue(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// escapeAt returns the escape at byte offset i of s: "%XX" or "+".
func escapeAt(s string, i int) string {
	if i >= 0 && i+3 <= len(s) && s[i] == '%' {
		return s[i : i+3]
	}
	if i >= 0 && i < len(s) {
		return s[i : i+1]
	}
	return ""
}

func unescapeSeq(seq string) string {
	if len(seq) == 3 && seq[0] == '%' {
		return string([]byte{hexValue(seq[1])<<4 | hexValue(seq[2])})
	}
	if seq == "+" {
		return " "
	}
	return seq
}

// runePos returns the 1-based character position of byte offset i in s.
func runePos(s string, i int) int {
	if i > len(s) {
		i = len(s)
	}
	return utf8.RuneCountInString(s[:i]) + 1
}

func truncatedDetail(sent, got string) string {
	lost := sent[len(got):]
	d := fmt.Sprintf("cut after %d of %d characters; lost %s", utf8.RuneCountInString(got), utf8.RuneCountInString(sent), quoteCut(lost, 60))
	if c := lost[0]; strings.IndexByte("&#+; ", c) >= 0 {
		d += fmt.Sprintf("; the cut is at %q, which ends a query value when it is not percent-encoded", string(c))
	}
	return d
}

// quoteExtra quotes text added to a state, and says what it decodes to when
// it is (a separator and) base64 or JSON, as platform SDKs add.
func quoteExtra(extra string) string {
	q := quoteCut(extra, 120)
	trimmed := strings.TrimLeft(extra, ".|:~,;_-= ")
	if trimmed == "" {
		return q
	}
	if v, how, ok := decodeWrapper(trimmed, 2); ok && how != "" {
		return fmt.Sprintf("%s (%s: %s)", q, how, quoteCut(v, 120))
	}
	return q
}

// quoteCut quotes s, cut to max bytes on a character boundary.
func quoteCut(s string, max int) string {
	if len(s) <= max {
		return fmt.Sprintf("%q", s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%q...", s[:cut])
}

// wrapped reports whether got carries sent inside a wrapper: JSON, base64
// or base64url (padded or not), possibly nested (JSON in base64url is
// common), as one segment of a dotted or piped value, or plainly in the
// middle of other text.
func wrapped(sent, got string) (string, bool) {
	if sent == "" {
		return "", false
	}
	if d, ok := findInWrapper(sent, got, 3); ok {
		return d, true
	}
	// One segment of a compound value ("tenant.<base64url JSON>").
	segs := strings.FieldsFunc(got, func(r rune) bool { return strings.ContainsRune(".|:~,; ", r) })
	if len(segs) > 1 {
		for i, seg := range segs {
			if d, ok := findInWrapper(sent, seg, 3); ok {
				return fmt.Sprintf("segment %d of %d: %s", i+1, len(segs), d), true
			}
		}
	}
	if i := strings.Index(got, sent); i > 0 {
		return fmt.Sprintf("text around the original: %s before it and %s after it",
			quoteCut(got[:i], 80), quoteCut(got[i+len(sent):], 80)), true
	}
	return "", false
}

// findInWrapper looks for sent in s decoded as JSON or base64 (depth levels).
func findInWrapper(sent, s string, depth int) (string, bool) {
	if depth == 0 || len(s) < 2 {
		return "", false
	}
	if v, ok := jsonOf(s); ok {
		if path, found := findInJSON(v, sent, ""); found {
			where := "the original as a string"
			if path != "" {
				where = fmt.Sprintf("the original at %q", path)
			}
			return fmt.Sprintf("JSON around the original, %s (%s)", quoteCut(s, 200), where), true
		}
		return "", false
	}
	for _, enc := range base64Forms(s) {
		b, err := enc.enc.DecodeString(strings.TrimRight(s, "="))
		if err != nil || len(b) == 0 {
			continue
		}
		dec := string(b)
		if dec == sent {
			return fmt.Sprintf("%s of the original (decodes to %s)", enc.name, quoteCut(dec, 200)), true
		}
		if inner, ok := findInWrapper(sent, dec, depth-1); ok {
			return enc.name + " of " + inner, true
		}
		if strings.Contains(dec, sent) {
			return fmt.Sprintf("%s of text around the original: decodes to %s", enc.name, quoteCut(dec, 200)), true
		}
	}
	return "", false
}

type base64Form struct {
	name string
	enc  *base64.Encoding
}

// base64Forms returns the base64 alphabets s could be written in, named as
// a person would say them ("base64url", "base64 (unpadded)").
func base64Forms(s string) []base64Form {
	body := strings.TrimRight(s, "=")
	if body == "" || len(s)-len(body) > 2 {
		return nil
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '+' || c == '/') {
			return nil
		}
	}
	padded := len(body) != len(s)
	isURL := strings.ContainsAny(body, "-_")
	isStd := strings.ContainsAny(body, "+/")
	if isURL && isStd {
		return nil
	}
	if !isURL && !isStd {
		// Letters and digits only: both alphabets read it the same way.
		// Padding suggests standard base64; base64url is usually unpadded.
		isStd = padded
	}
	if isStd {
		name := "base64"
		if !padded {
			name = "base64 (unpadded)"
		}
		return []base64Form{{name, base64.RawStdEncoding}}
	}
	name := "base64url"
	if padded {
		name = "base64url (padded)"
	}
	return []base64Form{{name, base64.RawURLEncoding}}
}

// decodeWrapper decodes s as base64 (depth levels) and says how; JSON is
// returned as it is. how is "" when s is neither.
func decodeWrapper(s string, depth int) (value, how string, ok bool) {
	if _, isJSON := jsonOf(s); isJSON {
		return s, "JSON", true
	}
	if depth == 0 {
		return "", "", false
	}
	for _, enc := range base64Forms(s) {
		b, err := enc.enc.DecodeString(strings.TrimRight(s, "="))
		if err != nil || len(b) == 0 || !utf8.Valid(b) || !printableText(string(b)) {
			continue
		}
		return string(b), enc.name, true
	}
	return "", "", false
}

func printableText(s string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// jsonOf parses s when it is a JSON object, array or string.
func jsonOf(s string) (any, bool) {
	t := strings.TrimSpace(s)
	if t == "" || (t[0] != '{' && t[0] != '[' && t[0] != '"') {
		return nil, false
	}
	var v any
	if err := json.Unmarshal([]byte(t), &v); err != nil {
		return nil, false
	}
	return v, true
}

// findInJSON returns the path of the first string in v that equals or
// contains want ("state", "ctx.state", "[0]").
func findInJSON(v any, want, path string) (string, bool) {
	switch x := v.(type) {
	case string:
		return path, strings.Contains(x, want)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		// An exact match anywhere beats a containing one.
		for _, k := range keys {
			if s, ok := x[k].(string); ok && s == want {
				return joinPath(path, k), true
			}
		}
		for _, k := range keys {
			if p, ok := findInJSON(x[k], want, joinPath(path, k)); ok {
				return p, true
			}
		}
	case []any:
		for i, e := range x {
			if p, ok := findInJSON(e, want, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	}
	return "", false
}

func joinPath(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// caseChanged reports whether got is sent with letters in another case.
func caseChanged(sent, got string) (string, bool) {
	if !strings.EqualFold(sent, got) {
		return "", false
	}
	rs, rg := []rune(sent), []rune(got)
	if len(rs) != len(rg) {
		return "", false
	}
	first, n := -1, 0
	for i := range rs {
		if rs[i] != rg[i] {
			if first < 0 {
				first = i
			}
			n++
		}
	}
	if first < 0 {
		// Different invalid bytes read as the same replacement rune.
		return "", false
	}
	d := fmt.Sprintf("%q became %q at character %d", string(rs[first]), string(rg[first]), first+1)
	if esc := escapeAround(rs, first); esc != "" {
		d += fmt.Sprintf(", inside the percent-escape %q (which encodes the same character: something re-encoded the value)", esc)
	}
	switch {
	case got == strings.ToLower(sent):
		d += fmt.Sprintf("; the whole value was lower-cased (%d characters changed)", n)
	case got == strings.ToUpper(sent):
		d += fmt.Sprintf("; the whole value was upper-cased (%d characters changed)", n)
	case n > 1:
		d += fmt.Sprintf(" (%d characters changed case)", n)
	}
	return d, true
}

// escapeAround returns the percent-escape ("%2f") that character i of rs is
// a hex digit of, or "".
func escapeAround(rs []rune, i int) string {
	for start := max(0, i-2); start < i; start++ {
		if rs[start] == '%' && start+2 < len(rs) && rs[start+1] < 128 && rs[start+2] < 128 &&
			hexDigit(byte(rs[start+1])) && hexDigit(byte(rs[start+2])) {
			return string(rs[start : start+3])
		}
	}
	return ""
}

// replacedDetail shows the part of got that differs from sent, between
// their common prefix and suffix.
func replacedDetail(sent, got string) string {
	p := commonPrefix(sent, got)
	s := commonSuffix(sent[p:], got[p:])
	ms, mg := sent[p:len(sent)-s], got[p:len(got)-s]
	if p == 0 && s == 0 {
		return fmt.Sprintf("a different value: got %d characters with nothing in common with the %d sent (the provider or a proxy returned its own state)",
			utf8.RuneCountInString(got), utf8.RuneCountInString(sent))
	}
	return fmt.Sprintf("%s became %s at character %d", quoteCut(ms, 80), quoteCut(mg, 80), runePos(sent, p))
}

// commonPrefix returns the length in bytes of the longest common prefix of
// a and b that ends on a character boundary of both.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && (n < len(a) && !utf8.RuneStart(a[n]) || n < len(b) && !utf8.RuneStart(b[n])) {
		n--
	}
	return n
}

func commonSuffix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	for n > 0 && (!utf8.RuneStart(a[len(a)-n]) || !utf8.RuneStart(b[len(b)-n])) {
		n--
	}
	return n
}

type alteredForm struct{ value, how string }

// alteredForms are the ways a proxy re-encodes a state on its way, for
// recognising an addition made to an already altered value.
func alteredForms(sent string) []alteredForm {
	var out []alteredForm
	add := func(v, how string) {
		if v != sent && v != "" {
			out = append(out, alteredForm{v, how})
		}
	}
	add(strings.ReplaceAll(sent, "+", " "), "with '+' turned into spaces")
	if d, err := url.QueryUnescape(sent); err == nil {
		add(d, "percent-decoded")
	}
	add(url.QueryEscape(sent), "percent-encoded once more")
	return out
}

// Redirect URI change kinds (DESIGN.md, redirect_uri.changed).
const (
	redirectKindTrailingSlash = "trailing_slash"
	redirectKindScheme        = "scheme"
	redirectKindHost          = "host"
	redirectKindPort          = "port"
	redirectKindPath          = "path"
	redirectKindQuery         = "query"
	redirectKindCase          = "case"
	redirectKindEncoding      = "encoding"
	redirectKindReplaced      = "replaced"
)

// classifyRedirectURI returns "" when got equals sent byte for byte, and
// otherwise the kind of change (one of the redirectKind* values) and a detail.
// Providers compare redirect_uri as a string, so every difference counts,
// even ones a URL library would call equivalent. When several parts differ
// the kind names the first of scheme, host, port, path, query and the
// detail lists them all; case and encoding are kinds only when they are the
// whole difference.
func classifyRedirectURI(sent, got string) (kind, detail string) {
	if sent == got {
		return "", ""
	}
	if got == "" {
		return redirectKindReplaced, "got an empty redirect_uri"
	}
	if strings.EqualFold(sent, got) {
		ds, err1 := url.PathUnescape(sent)
		dg, err2 := url.PathUnescape(got)
		if err1 == nil && err2 == nil && ds == dg {
			// Only the hex digits of percent-escapes changed case.
			d, _ := caseChanged(sent, got)
			return redirectKindEncoding, "percent-escapes written in another case: " + d
		}
		return redirectKindCase, caseDetail(sent, got)
	}
	if first, ok := decodesTo(got, sent, false); ok {
		seq := escapeAt(got, first)
		return redirectKindEncoding, fmt.Sprintf("got %q where %q was sent (character %d): percent-encoded once more than sent", seq, unescapeSeq(seq), runePos(got, first))
	}
	if first, ok := decodesTo(sent, got, false); ok {
		seq := escapeAt(sent, first)
		return redirectKindEncoding, fmt.Sprintf("got %q where %q was sent (character %d): percent-escapes were decoded", unescapeSeq(seq), seq, runePos(sent, first))
	}
	su, err1 := url.Parse(sent)
	gu, err2 := url.Parse(got)
	if err1 != nil || err2 != nil || !su.IsAbs() || !gu.IsAbs() {
		return redirectKindReplaced, fmt.Sprintf("a different URL: %s instead of %s", quoteCut(got, 200), quoteCut(sent, 200))
	}
	if su.Opaque != "" || gu.Opaque != "" || su.Host == "" || gu.Host == "" {
		return redirectKindReplaced, fmt.Sprintf("a different URL: %s instead of %s", quoteCut(got, 200), quoteCut(sent, 200))
	}
	if d, ok := encodingOnly(su, gu); ok {
		return redirectKindEncoding, d
	}

	type diff struct{ kind, text string }
	var diffs []diff
	if su.Scheme != gu.Scheme {
		k := redirectKindScheme
		if strings.EqualFold(su.Scheme, gu.Scheme) {
			k = redirectKindCase
		}
		diffs = append(diffs, diff{k, fmt.Sprintf("scheme %q instead of %q", gu.Scheme, su.Scheme)})
	}
	if su.Hostname() != gu.Hostname() || su.User.String() != gu.User.String() {
		k := redirectKindHost
		text := fmt.Sprintf("host %q instead of %q", gu.Hostname(), su.Hostname())
		switch {
		case strings.EqualFold(su.Hostname(), gu.Hostname()) && su.User.String() == gu.User.String():
			k = redirectKindCase
			text = "host differs in case: " + fmt.Sprintf("%q instead of %q", gu.Host, su.Host)
		case loopbackSpelling(su.Hostname()) && loopbackSpelling(gu.Hostname()):
			text += " (both loopback, but different strings to the provider and a different address to the listener)"
		}
		diffs = append(diffs, diff{k, text})
	}
	if su.Port() != gu.Port() {
		text := fmt.Sprintf("port %q instead of %q", gu.Port(), su.Port())
		if defaultedPort(su) == defaultedPort(gu) {
			text += " (the default port, written out on one side only)"
		}
		diffs = append(diffs, diff{redirectKindPort, text})
	}
	if sp, gp := su.EscapedPath(), gu.EscapedPath(); sp != gp {
		diffs = append(diffs, pathDiff(sp, gp))
	}
	switch {
	case su.RawQuery != gu.RawQuery:
		diffs = append(diffs, diff{redirectKindQuery, fmt.Sprintf("query %q instead of %q", gu.RawQuery, su.RawQuery)})
	case gu.ForceQuery && !su.ForceQuery:
		diffs = append(diffs, diff{redirectKindQuery, `got ends with an empty query ("?")`})
	case su.ForceQuery && !gu.ForceQuery:
		diffs = append(diffs, diff{redirectKindQuery, `got drops the empty query ("?") at the end`})
	}
	if su.EscapedFragment() != gu.EscapedFragment() {
		diffs = append(diffs, diff{redirectKindReplaced, fmt.Sprintf("fragment %q instead of %q", gu.EscapedFragment(), su.EscapedFragment())})
	}
	if len(diffs) == 0 {
		// Equal parts spelled differently (an opaque URL, "https:host").
		return redirectKindReplaced, fmt.Sprintf("a different URL: %s instead of %s", quoteCut(got, 200), quoteCut(sent, 200))
	}
	texts := make([]string, len(diffs))
	for i, d := range diffs {
		texts[i] = d.text
	}
	k := diffs[0].kind
	if k == redirectKindCase && len(diffs) > 1 {
		k = diffs[1].kind
	}
	return k, strings.Join(texts, "; ")
}

// pathDiff classifies a path difference: a trailing slash, the shared
// Power Platform redirect path against a per-connector one, or another path.
func pathDiff(sp, gp string) struct{ kind, text string } {
	type diff = struct{ kind, text string }
	switch {
	case sp+"/" == gp:
		return diff{redirectKindTrailingSlash, fmt.Sprintf("got adds a trailing %q to the path %q", "/", sp)}
	case gp+"/" == sp:
		return diff{redirectKindTrailingSlash, fmt.Sprintf("got drops the trailing %q of the path %q", "/", sp)}
	case strings.EqualFold(sp, gp):
		return diff{redirectKindCase, fmt.Sprintf("path differs in case: %q instead of %q", gp, sp)}
	case sp == "" || gp == "":
		// No per-connector reading of a missing path.
	case strings.HasPrefix(gp, sp+"/") && !strings.Contains(gp[len(sp)+1:], "/"):
		return diff{redirectKindPath, fmt.Sprintf("path %q instead of %q: got is a per-connector redirect URI (.../redirect/<id>), sent the shared one", gp, sp)}
	case strings.HasPrefix(sp, gp+"/") && !strings.Contains(sp[len(gp)+1:], "/"):
		return diff{redirectKindPath, fmt.Sprintf("path %q instead of %q: got is the shared redirect URI, sent a per-connector one (.../redirect/<id>)", gp, sp)}
	}
	return diff{redirectKindPath, fmt.Sprintf("path %q instead of %q", gp, sp)}
}

// encodingOnly reports whether su and gu differ only in how their path and
// query are percent-encoded.
func encodingOnly(su, gu *url.URL) (string, bool) {
	if su.Scheme != gu.Scheme || su.Host != gu.Host || su.Path != gu.Path || su.Fragment != gu.Fragment || su.ForceQuery != gu.ForceQuery {
		return "", false
	}
	sq, err1 := url.QueryUnescape(su.RawQuery)
	gq, err2 := url.QueryUnescape(gu.RawQuery)
	if err1 != nil || err2 != nil || sq != gq {
		return "", false
	}
	sp, gp := su.EscapedPath()+"?"+su.RawQuery, gu.EscapedPath()+"?"+gu.RawQuery
	p := commonPrefix(sp, gp)
	s := commonSuffix(sp[p:], gp[p:])
	if p == len(sp) && p == len(gp) {
		return "", false
	}
	return fmt.Sprintf("%q instead of %q: the same URL, percent-encoded differently", gp[p:len(gp)-s], sp[p:len(sp)-s]), true
}

// caseDetail shows a redirect URI that differs only in case: the parts
// that differ, whole, and the first character that changed.
func caseDetail(sent, got string) string {
	var parts []string
	su, err1 := url.Parse(sent)
	gu, err2 := url.Parse(got)
	if err1 == nil && err2 == nil {
		add := func(name, s, g string) {
			if s != g {
				parts = append(parts, fmt.Sprintf("%s %q instead of %q", name, g, s))
			}
		}
		add("scheme", su.Scheme, gu.Scheme)
		add("host", su.Host, gu.Host)
		add("path", su.EscapedPath(), gu.EscapedPath())
		add("query", su.RawQuery, gu.RawQuery)
		add("fragment", su.EscapedFragment(), gu.EscapedFragment())
	}
	first := ""
	if d, ok := caseChanged(sent, got); ok {
		first = d
	}
	if len(parts) == 0 {
		return "differs in case: " + first
	}
	return "differs in case: " + strings.Join(parts, "; ") + "; " + first
}

func loopbackSpelling(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// comparedParams are the authorize parameters compared between the sent
// request and later authorize hops, besides state and redirect_uri.
var comparedParams = []string{
	"client_id", "response_type", "scope", "audience", "resource",
	"organization", "connection", "prompt",
}

// paramSeverity is how bad it is when a parameter is lost or altered on the
// way. audience and resource pick the token's audience (Auth0 without
// audience issues an opaque token for /userinfo; DESIGN.md story 4);
// client_id and response_type break the request; organization, connection
// and prompt change the login experience (and prompt=consent can be what a
// refresh token needs).
func paramSeverity(name string) report.Severity {
	switch name {
	case "client_id", "response_type", "audience", "resource", "scope":
		return report.SeverityError
	}
	return report.SeverityWarn
}

// compareHop compares an authorize or callback hop with what was sent and
// returns the findings, each with Hop set to h.N. sent holds the sent
// authorize request's params (hopParams of its URL). Provider, error-page
// and other hops give no findings here; read error pages with
// readErrorPage.
func compareHop(sent map[string]string, h report.Hop) []report.Finding {
	switch h.Role {
	case report.RoleAuthorize:
		return compareAuthorize(sent, h)
	case report.RoleCallback:
		return compareCallback(sent, h)
	}
	return nil
}

func compareAuthorize(sent map[string]string, h report.Hop) []report.Finding {
	name := hopName(h)
	if f, ok := upstreamAuthorize(sent, h, name); ok {
		return []report.Finding{f}
	}
	var out []report.Finding
	if f, ok := compareState(sent, h, name); ok {
		out = append(out, f)
	}
	if want, ok := sent["redirect_uri"]; ok {
		got, present := h.Params["redirect_uri"]
		switch {
		case !present:
			out = append(out, report.Finding{
				Code: report.CodeParamDropped, Severity: report.SeverityError, Hop: h.N,
				Message: fmt.Sprintf("%s has no redirect_uri; %q was sent", name, want),
				Hint:    "Something between the platform and the provider dropped redirect_uri. The provider then falls back to a registered default (or fails), and the token request's redirect_uri no longer matches. Pass redirect_uri through unchanged.",
				Detail:  map[string]string{"name": "redirect_uri", "sent": want},
			})
		default:
			if kind, detail := classifyRedirectURI(want, got); kind != "" {
				out = append(out, report.Finding{
					Code: report.CodeRedirectURIChanged, Severity: report.SeverityError, Hop: h.N,
					Message: fmt.Sprintf("%s carries a different redirect_uri than sent (%s): %s", name, kind, detail),
					Hint:    redirectURIHint(kind, want),
					Detail:  map[string]string{"kind": kind, "sent": want, "got": got, "detail": detail},
				})
			}
		}
	}
	for _, p := range comparedParams {
		want, wasSent := sent[p]
		got, present := h.Params[p]
		switch {
		case wasSent && !present:
			out = append(out, report.Finding{
				Code: report.CodeParamDropped, Severity: paramSeverity(p), Hop: h.N,
				Message: fmt.Sprintf("%s lost %s=%q on the way", name, p, want),
				Hint:    paramDroppedHint(p, want),
				Detail:  map[string]string{"name": p, "sent": want},
			})
		case wasSent && want != got:
			out = append(out, paramChanged(name, h.N, p, want, got))
		case !wasSent && present:
			out = append(out, report.Finding{
				Code: report.CodeParamAdded, Severity: report.SeverityInfo, Hop: h.N,
				Message: fmt.Sprintf("%s adds %s=%q, which was not sent", name, p, got),
				Hint:    paramAddedHint(p),
				Detail:  map[string]string{"name": p, "got": got},
			})
		}
	}
	return out
}

// upstreamAuthorize recognises another client's authorize request: a
// broker (Auth0 with an enterprise or social connection, Entra B2C, a
// tenant proxy that is itself an OAuth client) signing the user in at an
// upstream identity provider with its own client_id, redirect_uri and
// state. Comparing that hop with what was sent would flag every value as
// altered, so it gets one informational note instead.
func upstreamAuthorize(sent map[string]string, h report.Hop, name string) (report.Finding, bool) {
	sentClient, ok1 := sent["client_id"]
	gotClient, ok2 := h.Params["client_id"]
	sentRedirect, ok3 := sent["redirect_uri"]
	gotRedirect, ok4 := h.Params["redirect_uri"]
	if !ok1 || !ok2 || !ok3 || !ok4 || sentClient == gotClient {
		return report.Finding{}, false
	}
	su, err1 := url.Parse(sentRedirect)
	gu, err2 := url.Parse(gotRedirect)
	if err1 != nil || err2 != nil || gu.Host == "" || strings.EqualFold(su.Host, gu.Host) {
		return report.Finding{}, false
	}
	return report.Finding{
		Code: report.CodeParamChanged, Severity: report.SeverityInfo, Hop: h.N,
		Message: fmt.Sprintf("%s is another client's authorize request (client_id %q, redirect_uri %q): a federated login at an upstream identity provider; its state and redirect_uri are its own and are not compared", name, gotClient, gotRedirect),
		Hint:    "Expected when the provider federates to another identity provider (an Auth0 connection, Entra B2C, a tenant proxy acting as an OAuth client). If it is not meant to, something replaced the connector's client_id and redirect_uri on the way.",
		Detail:  map[string]string{"name": "client_id", "sent": sentClient, "got": gotClient, "upstream": "true"},
	}, true
}

func paramChanged(name string, n int, p, want, got string) report.Finding {
	f := report.Finding{
		Code: report.CodeParamChanged, Severity: paramSeverity(p), Hop: n,
		Message: fmt.Sprintf("%s changed %s from %q to %q", name, p, want, got),
		Detail:  map[string]string{"name": p, "sent": want, "got": got},
	}
	switch p {
	case "scope":
		removed, added := scopeDiff(want, got)
		if len(removed) == 0 && len(added) == 0 {
			f.Severity = report.SeverityInfo
			f.Message = fmt.Sprintf("%s reordered or re-spaced scope: %q instead of %q (the same scopes)", name, got, want)
			f.Hint = "Only the order or spacing changed; providers treat scope as a set, so this is harmless."
			return f
		}
		if len(removed) == 0 {
			f.Severity = report.SeverityWarn
		}
		f.Detail["removed"] = strings.Join(removed, " ")
		f.Detail["added"] = strings.Join(added, " ")
		f.Hint = "Scopes were changed on the way to the provider. The token is issued for the scopes that reach the provider, not the ones in the connector's Scope field; pass scope through unchanged."
		if slices.Contains(removed, "offline_access") {
			f.Hint += " Without offline_access no refresh token comes back, and the connection fails after the first access token expires."
		}
	case "audience", "resource":
		f.Hint = fmt.Sprintf("The %s selects the API the access token is for; changed on the way, the token is issued for %q and your API will reject it. Pass %s through unchanged (in Power Platform it usually sits in the connector's Authorization URL query string).", p, got, p)
	case "client_id":
		f.Hint = "client_id was replaced on the way: the provider signs the user in to another application, and the code it returns cannot be exchanged with the connector's Client ID. Pass client_id through unchanged."
	case "response_type":
		f.Hint = "response_type must stay \"code\" for the authorization-code flow the platform runs; pass it through unchanged."
	default:
		f.Hint = fmt.Sprintf("%s was changed on the way to the provider; if that is not intended, pass it through unchanged.", p)
	}
	return f
}

func scopeDiff(sent, got string) (removed, added []string) {
	s, g := strings.Fields(sent), strings.Fields(got)
	for _, x := range s {
		if !slices.Contains(g, x) {
			removed = append(removed, x)
		}
	}
	for _, x := range g {
		if !slices.Contains(s, x) {
			added = append(added, x)
		}
	}
	return removed, added
}

func compareCallback(sent map[string]string, h report.Hop) []report.Finding {
	var out []report.Finding
	name := hopName(h)
	if f, ok := compareState(sent, h, name); ok {
		out = append(out, f)
	}
	if code, ok := h.Params["error"]; ok {
		desc := h.Params["error_description"]
		msg := fmt.Sprintf("%s: the provider answered error %q", name, code)
		if desc != "" {
			msg += fmt.Sprintf(": %s", desc)
		}
		d := map[string]string{"error": code}
		if desc != "" {
			d["error_description"] = desc
		}
		out = append(out, report.Finding{
			Code: report.CodeAuthorizeError, Severity: report.SeverityError, Hop: h.N,
			Message: msg,
			Hint:    authorizeErrorHint(code, desc, sent),
			Detail:  d,
		})
	}
	return out
}

// compareState compares the state of an authorize or callback hop with the
// sent one; no state was sent means nothing to compare.
func compareState(sent map[string]string, h report.Hop, name string) (report.Finding, bool) {
	want, ok := sent["state"]
	if !ok {
		return report.Finding{}, false
	}
	got, present := h.Params["state"]
	where := "on the way to the provider"
	if h.Role == report.RoleCallback {
		where = "at the callback, where the platform compares it byte for byte and rejects the login"
	}
	if !present {
		return report.Finding{
			Code: report.CodeStateMissing, Severity: report.SeverityError, Hop: h.N,
			Message: fmt.Sprintf("%s has no state; %q was sent", name, want),
			Hint:    "state was dropped " + where + ". The provider must return the client's state unchanged (RFC 6749 §4.1.2); a proxy in front of it must pass state through.",
			Detail:  map[string]string{"sent": want},
		}, true
	}
	kind, detail := classifyState(want, got)
	if kind == "" {
		return report.Finding{}, false
	}
	return report.Finding{
		Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: h.N,
		Message: fmt.Sprintf("%s carries a different state than sent (%s): %s", name, kind, detail),
		Hint:    stateHint(kind, h.Role),
		Detail:  map[string]string{"kind": kind, "sent": want, "got": got, "detail": detail},
	}, true
}

// hopName names a hop in messages: "hop 2 (authorize at login.acme.com)".
func hopName(h report.Hop) string {
	host := ""
	if u, err := url.Parse(h.URL); err == nil {
		host = u.Host
	}
	if host == "" {
		return fmt.Sprintf("hop %d (%s)", h.N, h.Role)
	}
	return fmt.Sprintf("hop %d (%s at %s)", h.N, h.Role, host)
}
