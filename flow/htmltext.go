package flow

import (
	"bytes"
	"encoding/json"
	"html"
	"strings"
	"unicode/utf8"
)

// The text of a page for people and for signature matching: HTML without
// its markup, a JSON error body's fields, cut to a length.

// pageText returns the text of a page for people: HTML with tags, scripts,
// styles and comments stripped and entities decoded; for a JSON error body,
// its error fields as "error: ...; error_description: ..."; white space
// collapsed; cut to at most max bytes on a character boundary (ending in
// "..." when cut; max <= 0 for no limit).
func pageText(body []byte, max int) string {
	t := bytes.TrimSpace(body)
	if len(t) > 0 && t[0] == '{' {
		if s, ok := jsonErrorText(t); ok {
			return cutText(s, max)
		}
	}
	s := string(t)
	if looksHTML(t) {
		s = stripTags(s)
		s = html.UnescapeString(s)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return cutText(strings.Join(strings.Fields(s), " "), max)
}

// jsonErrorText renders the error fields of a JSON error body.
func jsonErrorText(b []byte) (string, bool) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return "", false
	}
	var parts []string
	for _, k := range []string{"error", "error_description", "error_uri", "message", "detail", "title", "description", "code"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) != nil {
			var obj map[string]any
			if json.Unmarshal(raw, &obj) == nil {
				// {"error": {"code": ..., "message": ...}}
				for _, kk := range []string{"code", "message"} {
					if v, ok := obj[kk].(string); ok && v != "" {
						parts = append(parts, k+"."+kk+": "+v)
					}
				}
				continue
			}
			s = string(raw)
		}
		if s != "" {
			parts = append(parts, k+": "+s)
		}
	}
	if len(parts) == 0 {
		return "", false
	}
	return strings.Join(strings.Fields(strings.Join(parts, "; ")), " "), true
}

func looksHTML(b []byte) bool {
	if len(b) > 0 && b[0] == '<' {
		return true
	}
	head := b
	if len(head) > 1024 {
		head = head[:1024]
	}
	l := bytes.ToLower(head)
	return bytes.Contains(l, []byte("<html")) || bytes.Contains(l, []byte("<body")) || bytes.Contains(l, []byte("<!doctype"))
}

// blockTags separate words: text on either side of them is not one word.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"pre": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true, "table": true,
	"title": true, "head": true, "body": true, "html": true, "section": true, "header": true, "footer": true,
	"main": true, "article": true, "form": true, "label": true, "input": true, "button": true, "hr": true,
	"dt": true, "dd": true, "dl": true, "nav": true, "aside": true, "blockquote": true, "option": true, "select": true,
}

// stripTags removes tags, comments and the contents of script, style,
// template and noscript elements. It never fails: a tag left open runs to
// the end of the text.
func stripTags(s string) string {
	var b strings.Builder
	lower := asciiLower(s) // same offsets as s
	i := 0
	for i < len(s) {
		c := s[i]
		if c != '<' {
			b.WriteByte(c)
			i++
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			end := strings.Index(s[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
		// Read the tag name.
		j := i + 1
		closing := j < len(s) && s[j] == '/'
		if closing {
			j++
		}
		k := j
		for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9') {
			k++
		}
		name := lower[j:k]
		if name == "" && !closing && (k >= len(s) || s[k] != '!' && s[k] != '?') {
			// A lone '<' in text ("a < b").
			b.WriteByte(c)
			i++
			continue
		}
		end := tagEnd(s, k)
		if end < 0 {
			break
		}
		i = end + 1
		if blockTags[name] {
			b.WriteByte(' ')
		}
		if !closing && (name == "script" || name == "style" || name == "template" || name == "noscript" || name == "svg") {
			endElem := strings.Index(lower[i:], "</"+name)
			if endElem < 0 {
				break
			}
			i += endElem
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// tagEnd returns the index of the '>' that ends the tag whose attributes
// start at i, skipping quoted attribute values; -1 when there is none.
func tagEnd(s string, i int) int {
	var quote byte
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return i
		}
	}
	return -1
}

// cutText cuts s to at most max bytes on a character boundary, ending in
// "..." when it cut; max <= 0 means no limit.
func cutText(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	if max <= 3 {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut]
	}
	cut := max - 3
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strings.TrimRight(s[:cut], " ") + "..."
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
