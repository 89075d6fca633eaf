package har

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// bodyKind is how a body is read for its secrets.
type bodyKind int

const (
	bodyOther bodyKind = iota // scripts, styles, images: copied as they are
	bodyJSON
	bodyForm
	bodyHTML
)

// bodyKindOf says how to read a body from its MIME type, or, when the
// type says nothing (none, text/plain, octet-stream), from how text
// starts.
func bodyKindOf(mime, text string) bodyKind {
	m, _, _ := strings.Cut(strings.ToLower(mime), ";")
	m = strings.TrimSpace(m)
	if t := strings.TrimLeft(text, " \t\r\n"); t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t)) {
		// JSON sent as a form or text (single-page apps' fetch calls
		// often keep the default type): read as what it is.
		return bodyJSON
	}
	switch {
	case strings.Contains(m, "json"):
		return bodyJSON
	case m == "application/x-www-form-urlencoded":
		return bodyForm
	case strings.Contains(m, "html"):
		return bodyHTML
	case m != "" && m != "text/plain" && m != "application/octet-stream":
		return bodyOther
	}
	t := strings.TrimLeft(text, " \t\r\n")
	switch {
	case t == "":
		return bodyOther
	case t[0] == '{' || t[0] == '[':
		return bodyJSON
	case t[0] == '<':
		return bodyHTML
	case strings.Contains(t, "=") && !strings.ContainsAny(t, " \t\r\n"):
		return bodyForm
	}
	return bodyOther
}

// redactBody hides the secrets of a request body (request) or a response
// body, telling hid the kind of each. A request's fields are judged by
// report.SecretParam, an answer's by report.SecretAnswerField (there, code
// is an error code); a page's hidden inputs are a request on its way (a
// form_post of a code, tokens or a SAMLResponse), so by SecretParam.
func redactBody(text, mime string, request bool, hid func(kind string)) string {
	secret := report.SecretAnswerField
	if request {
		secret = report.SecretParam
	}
	switch bodyKindOf(mime, text) {
	case bodyJSON:
		return redactJSON(text, secret, hid)
	case bodyForm:
		return report.RedactForm(text, secret, func(name, value string) { hid(kind(name, value)) })
	case bodyHTML:
		return redactInputs(text, hid)
	}
	return text
}

// redactJSON hides the secret-named members of a JSON body at any depth,
// and the secret parameters of the URLs in it, keeping every other byte.
// A body that is not JSON after all goes through report.RedactBody.
func redactJSON(text string, secret func(string) bool, hid func(kind string)) string {
	var out bytes.Buffer
	s := newSplicer(strings.NewReader(text), &out)
	fixURL := func(v string) (string, bool) {
		if !strings.Contains(v, "://") || !strings.ContainsAny(v, "?#") {
			return v, false
		}
		r := report.RedactURLFunc(v, func(name, value string) { hid(kind(name, value)) })
		return r, r != v
	}
	var value func() error
	value = func() error {
		switch s.dec.PeekKind() {
		case '{':
			return s.object(fixURL, func(name string) error {
				if k := s.dec.PeekKind(); secret(name) && (k == '"' || k == '0') {
					// A number too: a PIN or a one-time code.
					v, start, end, err := s.str()
					if r := report.RedactValue(name, v); err == nil && r != v {
						s.edit(start, end, r)
						hid(kind(name, v))
					}
					s.flush()
					return err
				}
				return value()
			})
		case '[':
			return s.array(fixURL, value)
		}
		return s.pass(fixURL)
	}
	// One value, or several (NDJSON).
	for s.dec.PeekKind() != 0 {
		if err := value(); err != nil {
			return report.RedactBody(text)
		}
	}
	if rest, err := s.finish(); rest || err != nil {
		return report.RedactBody(text)
	}
	return out.String()
}

var (
	// inputTag is an HTML input element's start tag.
	inputTag = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	// attr is one attribute of a tag: its name and its value, quoted
	// either way or bare.
	attr = regexp.MustCompile(`(?is)\b([a-z_:][-a-z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+)`)
)

// redactInputs hides the values of a page's inputs with secret names:
// the hidden fields of a response_mode=form_post page (code, id_token,
// access_token) or of a SAML POST binding (SAMLResponse), and a login
// form's password filled in by the server. The rest of the page is kept.
func redactInputs(page string, hid func(kind string)) string {
	return inputTag.ReplaceAllStringFunc(page, func(tag string) string {
		attrs := attr.FindAllStringSubmatchIndex(tag, -1)
		var name string
		for _, a := range attrs {
			if strings.EqualFold(tag[a[2]:a[3]], "name") {
				name = html.UnescapeString(unquoteAttr(tag[a[4]:a[5]]))
			}
		}
		if !report.SecretParam(name) {
			return tag
		}
		for _, a := range attrs {
			if !strings.EqualFold(tag[a[2]:a[3]], "value") {
				continue
			}
			raw := tag[a[4]:a[5]]
			v := html.UnescapeString(unquoteAttr(raw))
			r := report.RedactValue(name, v)
			if r == v {
				return tag
			}
			hid(kind(name, v))
			q := `"`
			if raw[0] == '\'' {
				q = `'`
			}
			return tag[:a[4]] + q + html.EscapeString(r) + q + tag[a[5]:]
		}
		return tag
	})
}

func unquoteAttr(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
		return v[1 : len(v)-1]
	}
	return v
}
