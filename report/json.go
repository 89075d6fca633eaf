package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"
)

// EncodeJSON writes v as JSON, the one way authtrace writes JSON to
// stdout and files: without HTML escaping ("<redacted>", not
// "\u003credacted\u003e", so a report file and stdout agree), with
// indent when it is not "", and with the characters a terminal or an
// editor would act on escaped as \uXXXX: C1 controls (U+0080 to U+009F)
// and the bidirectional overrides and isolates (U+202A to U+202E, U+2066
// to U+2069) that make text read other than it is. encoding/json already
// escapes C0 controls, U+2028 and U+2029. Those characters can only stand
// inside JSON strings, so escaping them keeps the JSON's meaning.
func EncodeJSON(w io.Writer, v any, indent string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent != "" {
		enc.SetIndent("", indent)
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	_, err := w.Write(escapeUnsafe(b.Bytes()))
	return err
}

// MarshalJSON is EncodeJSON into a byte slice, for files.
func MarshalJSON(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	if err := EncodeJSON(&b, v, indent); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// unsafeRune reports the runes EncodeJSON and Printable escape beyond
// ASCII controls: C1 controls and bidi overrides and isolates.
func unsafeRune(r rune) bool {
	return r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

func escapeUnsafe(b []byte) []byte {
	clean := true
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if unsafeRune(r) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+32)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if unsafeRune(r) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}
