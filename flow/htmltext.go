package flow

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
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
			return CutText(s, max)
		}
	}
	s := string(t)
	if looksHTML(t) {
		s = htmlText(t)
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return CutText(strings.Join(strings.Fields(s), " "), max)
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

// htmlText returns the text of an HTML page: the text between the tags
// with entities decoded, a space where a block element starts or ends, and
// nothing of comments or of the elements in skipTags. The tokenizer reads
// markup as a browser does (a lone '<', a '>' in a quoted attribute, a tag
// or comment cut off at the end), so it never fails; a page's text is all
// that is wanted, so no tree is built.
func htmlText(b []byte) string {
	var out strings.Builder
	out.Grow(len(b))
	z := html.NewTokenizer(bytes.NewReader(b))
	skip, depth := "", 0 // inside a skipped element, and how deep in its own kind
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken: // io.EOF: the tokenizer reads from memory
			return out.String()
		case html.TextToken:
			if skip == "" {
				out.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch {
			case skip != "":
				if string(name) == skip && tt == html.StartTagToken {
					depth++
				} else if string(name) == skip && tt == html.EndTagToken {
					if depth--; depth == 0 {
						skip = ""
					}
				}
			case tt == html.StartTagToken && skipTags[string(name)]:
				skip, depth = string(name), 1
				out.WriteByte(' ')
			case blockTags[string(name)]:
				out.WriteByte(' ')
			}
		}
	}
}

// skipTags hold no text for people: scripts, styles, templates, fallbacks
// for browsers without JavaScript, and drawings.
var skipTags = map[string]bool{"script": true, "style": true, "template": true, "noscript": true, "svg": true}

// blockTags separate words: text on either side of them is not one word.
var blockTags = map[string]bool{
	"p": true, "div": true, "br": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"pre": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "th": true, "table": true,
	"title": true, "head": true, "body": true, "html": true, "section": true, "header": true, "footer": true,
	"main": true, "article": true, "form": true, "label": true, "input": true, "button": true, "hr": true,
	"dt": true, "dd": true, "dl": true, "nav": true, "aside": true, "blockquote": true, "option": true, "select": true,
}

// CutText cuts s to at most max bytes on a character boundary, ending in
// "..." when it cut; max <= 0 means no limit.
func CutText(s string, max int) string {
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
