package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestEncodeJSON(t *testing.T) {
	in := map[string]string{"v": "<redacted> a\u0085b \u202egnp.exe\u202c c\u2066d\u2069 é \u2028"}
	var b bytes.Buffer
	if err := EncodeJSON(&b, in, "  "); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, raw := range []string{"\u0085", "\u202e", "\u202c", "\u2066", "\u2069", "\u2028", `\u003c`} {
		if strings.Contains(out, raw) {
			t.Errorf("output holds %q raw: %s", raw, out)
		}
	}
	for _, want := range []string{"<redacted>", `\u0085`, `\u202e`, `\u2066`, "é"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q: %s", want, out)
		}
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["v"] != in["v"] {
		t.Errorf("round trip: %v, %q", err, back["v"])
	}
}

func TestPrintableBidi(t *testing.T) {
	if got := Printable("invoice\u202egnp.exe"); strings.ContainsRune(got, 0x202e) {
		t.Errorf("Printable kept a bidi override: %q", got)
	}
	if got := Printable("plain é"); got != "plain é" {
		t.Errorf("Printable changed clean text: %q", got)
	}
}

// FuzzEncodeJSON: whatever the strings hold, the output is valid JSON
// that decodes to the same strings and holds no C1 control or bidi
// override raw.
func FuzzEncodeJSON(f *testing.F) {
	f.Add("a\u0085\u202e<>&\x00\xff")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := MarshalJSON(map[string]string{s: s}, "")
		if err != nil {
			t.Fatal(err)
		}
		var back map[string]string
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("invalid JSON %q: %v", b, err)
		}
		want, _ := json.Marshal(map[string]string{s: s}) // invalid UTF-8 becomes U+FFFD either way
		var ref map[string]string
		json.Unmarshal(want, &ref)
		for k, v := range ref {
			if back[k] != v {
				t.Fatalf("decoded %q, want %q", back[k], v)
			}
		}
		for _, r := range string(b) {
			if unsafeRune(r) {
				t.Fatalf("raw %U in %q", r, b)
			}
		}
	})
}
