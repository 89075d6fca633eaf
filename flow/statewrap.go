package flow

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Recognising the sent state inside what a proxy wrapped around it: JSON,
// base64 or base64url, nested, or one segment of a compound value.

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
