package flow

import "strings"

// Challenge is one challenge of a WWW-Authenticate header (RFC 7235
// §4.1): its scheme and either its auth-params or a token68. Scheme is
// as written; Params' names are lower case (they are case-insensitive),
// and a name given twice keeps its first value.
type Challenge struct {
	Scheme  string
	Params  map[string]string
	Token68 string
}

// ParseChallenges reads the challenges of WWW-Authenticate header values
// (one per header line). It is lenient the way browsers are: a scheme in
// any case, unquoted values, stray commas and spaces, an unterminated
// quoted string (it ends at the end), and bytes that fit no rule are
// skipped rather than failing the rest.
func ParseChallenges(values ...string) []Challenge {
	var out []Challenge
	for _, v := range values {
		out = append(out, parseChallenges(v)...)
	}
	return out
}

// Bearer is the Bearer challenge (RFC 6750 §3, scheme in any case) that
// says what is wrong: the first with an error, else the first. An API
// may send a bare one (realm only) before the one with its error.
func Bearer(cs []Challenge) (Challenge, bool) {
	var first Challenge
	found := false
	for _, c := range cs {
		if !strings.EqualFold(c.Scheme, "Bearer") {
			continue
		}
		if c.Params["error"] != "" {
			return c, true
		}
		if !found {
			first, found = c, true
		}
	}
	return first, found
}

func isTchar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken68(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/", c) >= 0
}

// challengeScanner walks one header value.
type challengeScanner struct {
	s string
	i int
}

func (p *challengeScanner) spaces() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *challengeScanner) token() string {
	start := p.i
	for p.i < len(p.s) && isTchar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// quoted reads a quoted-string whose opening quote is at p.i.
func (p *challengeScanner) quoted() string {
	p.i++ // the opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == '"':
			return b.String()
		case c == '\\' && p.i < len(p.s):
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// value reads an auth-param's value: a quoted-string, or a token read
// leniently up to the next comma or space (servers write URLs and
// scopes unquoted).
func (p *challengeScanner) value() string {
	if p.i < len(p.s) && p.s[p.i] == '"' {
		return p.quoted()
	}
	start := p.i
	for p.i < len(p.s) && p.s[p.i] != ',' && p.s[p.i] != ' ' && p.s[p.i] != '\t' {
		p.i++
	}
	return p.s[start:p.i]
}

// param tries to read name = value at p.i; it leaves p.i alone and
// returns false when what follows is not one (a new challenge's scheme).
func (p *challengeScanner) param() (name, value string, ok bool) {
	save := p.i
	name = p.token()
	p.spaces()
	if name == "" || p.i >= len(p.s) || p.s[p.i] != '=' {
		p.i = save
		return "", "", false
	}
	p.i++
	p.spaces()
	return strings.ToLower(name), p.value(), true
}

// token68 tries to read a token68 (RFC 7235 §2.1) that ends the
// challenge: followed by a comma or the end.
func (p *challengeScanner) token68() (string, bool) {
	save := p.i
	for p.i < len(p.s) && isToken68(p.s[p.i]) {
		p.i++
	}
	if p.i == save {
		return "", false
	}
	for p.i < len(p.s) && p.s[p.i] == '=' {
		p.i++
	}
	t := p.s[save:p.i]
	p.spaces()
	if p.i < len(p.s) && p.s[p.i] != ',' || p.emptyParam(t) {
		p.i = save
		return "", false
	}
	return t, true
}

// emptyParam reports whether t, just read as a token68 before a comma,
// is rather a param with an empty value (realm=, error="…"): a name and
// one =, with a param after the comma.
func (p *challengeScanner) emptyParam(t string) bool {
	name, ok := strings.CutSuffix(t, "=")
	if !ok || name == "" || strings.HasSuffix(name, "=") || strings.IndexFunc(name, func(r rune) bool { return r > 127 || !isTchar(byte(r)) }) >= 0 {
		return false
	}
	next := challengeScanner{s: p.s, i: p.i}
	for next.i < len(next.s) && (next.s[next.i] == ',' || next.s[next.i] == ' ' || next.s[next.i] == '\t') {
		next.i++
	}
	_, _, isParam := next.param()
	return isParam
}

func parseChallenges(s string) []Challenge {
	p := &challengeScanner{s: s}
	var out []Challenge
	for p.i < len(p.s) {
		p.spaces()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		scheme := p.token()
		if scheme == "" {
			if p.i < len(p.s) {
				p.i++ // a byte no rule takes
			}
			continue
		}
		c := Challenge{Scheme: scheme}
		p.spaces()
		if t, ok := p.token68(); ok {
			c.Token68 = t
			out = append(out, c)
			continue
		}
		for p.i < len(p.s) {
			p.spaces()
			if p.i < len(p.s) && p.s[p.i] == ',' {
				p.i++
				continue
			}
			name, value, ok := p.param()
			if !ok {
				break // the next challenge's scheme
			}
			if c.Params == nil {
				c.Params = map[string]string{}
			}
			if _, seen := c.Params[name]; !seen {
				c.Params[name] = value
			}
		}
		out = append(out, c)
	}
	return out
}
