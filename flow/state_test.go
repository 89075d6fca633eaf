package flow

import (
	"encoding/base64"
	"net/url"
	"strings"
	"testing"
)

func b64url(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestClassifyState(t *testing.T) {
	jsonState := `{"state":"` + textState + `","tenant":"x"}`
	tests := []struct {
		name       string
		sent, got  string
		wantKind   string
		wantDetail string // exact, or a part of it when partial is set
		partial    bool
	}{
		{name: "equal", sent: textState, got: textState},
		{name: "equal platform state", sent: platformState, got: platformState},
		{
			name: "suffix", sent: textState, got: textState + "|org=acme",
			wantKind: stateKindSuffixAdded, wantDetail: `appended "|org=acme"`,
		},
		{
			name: "suffix of base64url JSON", sent: textState, got: textState + "." + b64url(`{"tenant":"acme"}`),
			wantKind: stateKindSuffixAdded, wantDetail: `appended ".eyJ0ZW5hbnQiOiJhY21lIn0" (base64url: "{\"tenant\":\"acme\"}")`,
		},
		{
			name: "prefix", sent: textState, got: "acme:" + textState,
			wantKind: stateKindPrefixAdded, wantDetail: `prepended "acme:"`,
		},
		{
			name: "base64url JSON wrapper", sent: textState, got: b64url(jsonState),
			wantKind:   stateKindWrapped,
			wantDetail: `base64url of JSON around the original, "{\"state\":\"K7QXN4ZKJH2WBYTM5R3LCVA6PE\",\"tenant\":\"x\"}" (the original at "state")`,
		},
		{
			name: "padded base64url JSON wrapper", sent: textState, got: base64.URLEncoding.EncodeToString([]byte(jsonState + " ")),
			wantKind: stateKindWrapped, wantDetail: `of JSON around the original`, partial: true,
		},
		{
			name: "standard base64 of text around a platform state", sent: platformState, got: base64.StdEncoding.EncodeToString([]byte(platformState + "|t=1")),
			wantKind: stateKindWrapped, wantDetail: `base64 of text around the original: decodes to "aB3+xY/z9Q==|t=1"`,
		},
		{
			name: "base64url of the original", sent: textState, got: b64url(textState),
			wantKind: stateKindWrapped, wantDetail: `base64url of the original (decodes to "K7QXN4ZKJH2WBYTM5R3LCVA6PE")`,
		},
		{
			name: "plain JSON wrapper", sent: textState, got: jsonState,
			wantKind: stateKindWrapped, wantDetail: `JSON around the original, "{\"state\":\"K7QXN4ZKJH2WBYTM5R3LCVA6PE\",\"tenant\":\"x\"}" (the original at "state")`,
		},
		{
			name: "nested JSON path", sent: textState, got: `{"ctx":{"orig":"` + textState + `"},"v":1}`,
			wantKind: stateKindWrapped, wantDetail: `(the original at "ctx.orig")`, partial: true,
		},
		{
			name: "JSON-ish platform state wrapped again", sent: `{"a":"b"}`, got: `{"state":"{\"a\":\"b\"}","t":1}`,
			wantKind: stateKindWrapped, wantDetail: `(the original at "state")`, partial: true,
		},
		{
			name: "segment of a dotted value", sent: textState, got: "v1.tenant." + b64url(jsonState),
			wantKind: stateKindWrapped, wantDetail: `segment 3 of 3: base64url of JSON`, partial: true,
		},
		{
			name: "text on both sides", sent: textState, got: "[" + textState + "]",
			wantKind: stateKindWrapped, wantDetail: `text around the original: "[" before it and "]" after it`,
		},
		{
			name: "percent-decoded", sent: "abc%2Fdef%3D", got: "abc/def=",
			wantKind: stateKindPercentDecoded, wantDetail: `"%2F" was decoded to "/" (character 4); the sent state contains percent-escapes that must come back as they were`,
		},
		{
			name: "percent-decoded partly", sent: "abc%2Fdef%3D", got: "abc%2Fdef=",
			wantKind: stateKindPercentDecoded, wantDetail: `"%3D" was decoded to "=" (character 10)`, partial: true,
		},
		{
			name: "encoded twice", sent: platformState, got: url.QueryEscape(platformState),
			wantKind: stateKindPercentEncodedTwice, wantDetail: `it arrived still percent-encoded: "%2B" stands for "+" (character 4); the value was encoded twice on the way ("%252B" on the wire)`,
		},
		{
			name: "encoded twice with percent in the state", sent: "50%off", got: "50%25off",
			wantKind: stateKindPercentEncodedTwice, wantDetail: `"%25" stands for "%" (character 3)`, partial: true,
		},
		{
			name: "plus to space", sent: platformState, got: strings.ReplaceAll(platformState, "+", " "),
			wantKind: stateKindPlusToSpace, wantDetail: `'+' became a space at character 4 (1 of 1 '+' signs); something read the query as a form and decoded '+' to space`,
		},
		{
			name: "plus to space and suffix", sent: "a+b", got: "a b|x",
			wantKind: stateKindSuffixAdded, wantDetail: `appended "|x"; the original also came back with '+' turned into spaces`,
		},
		{
			name: "truncated", sent: textState, got: textState[:10],
			wantKind: stateKindTruncated, wantDetail: `cut after 10 of 26 characters; lost "2WBYTM5R3LCVA6PE"`,
		},
		{
			name: "truncated at an unencoded ampersand", sent: "abc&def", got: "abc",
			wantKind: stateKindTruncated, wantDetail: `cut after 3 of 7 characters; lost "&def"; the cut is at "&", which ends a query value when it is not percent-encoded`,
		},
		{
			name: "empty got", sent: textState, got: "",
			wantKind: stateKindTruncated, wantDetail: `it arrived empty: all 26 characters of the sent one were dropped`,
		},
		{
			name: "lower-cased", sent: "AbCdEf123", got: "abcdef123",
			wantKind: stateKindCaseChanged, wantDetail: `"A" became "a" at character 1; the whole value was lower-cased (3 characters changed)`,
		},
		{
			name: "one letter case", sent: "AbCdEf123", got: "AbCdEF123",
			wantKind: stateKindCaseChanged, wantDetail: `"f" became "F" at character 6`,
		},
		{
			name: "hex case of a percent-escape", sent: "abc%2fdef", got: "abc%2Fdef",
			wantKind: stateKindCaseChanged, wantDetail: `"f" became "F" at character 6, inside the percent-escape "%2f" (which encodes the same character: something re-encoded the value)`,
		},
		{
			name: "replaced whole", sent: textState, got: "QWERTYUIOPASDFGHJKLZXCVBNM",
			wantKind: stateKindReplaced, wantDetail: `a different value: 26 characters with nothing in common with the 26 sent (the provider or a proxy returned its own state)`,
		},
		{
			name: "one character replaced", sent: "abc/def", got: "abc_def",
			wantKind: stateKindReplaced, wantDetail: `"/" became "_" at character 4`,
		},
		{
			name: "non-ASCII position counts characters", sent: "zürich-1", got: "zürich-2",
			wantKind: stateKindReplaced, wantDetail: `"1" became "2" at character 8`,
		},
		{
			name: "sent empty", sent: "", got: "x",
			wantKind: stateKindSuffixAdded, wantDetail: `appended "x"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, detail := classifyState(tt.sent, tt.got)
			if kind != tt.wantKind {
				t.Fatalf("classifyState(%q, %q) kind = %q (detail %q), want %q", tt.sent, tt.got, kind, detail, tt.wantKind)
			}
			if tt.partial {
				if !strings.Contains(detail, tt.wantDetail) {
					t.Errorf("classifyState(%q, %q) detail = %q, want it to contain %q", tt.sent, tt.got, detail, tt.wantDetail)
				}
			} else if detail != tt.wantDetail {
				t.Errorf("classifyState(%q, %q) detail =\n%q\nwant\n%q", tt.sent, tt.got, detail, tt.wantDetail)
			}
		})
	}
}

var stateKinds = map[string]bool{
	stateKindSuffixAdded: true, stateKindPrefixAdded: true, stateKindWrapped: true,
	stateKindPercentDecoded: true, stateKindPercentEncodedTwice: true, stateKindPlusToSpace: true,
	stateKindTruncated: true, stateKindCaseChanged: true, stateKindReplaced: true,
}

func FuzzClassifyState(f *testing.F) {
	for _, s := range [][2]string{
		{textState, textState + "|org=acme"},
		{textState, b64url(`{"state":"` + textState + `","tenant":"x"}`)},
		{platformState, url.QueryEscape(platformState)},
		{platformState, "aB3 xY/z9Q=="},
		{"abc%2Fdef", "abc/def"},
		{"AbC", "abc"},
		{textState, ""},
		{"\xff", "\xfe"},
		{"K", "\u212a"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, sent, got string) {
		if k, d := classifyState(sent, sent); k != "" || d != "" {
			t.Fatalf("classifyState(x, x) = %q, %q for x = %q", k, d, sent)
		}
		kind, detail := classifyState(sent, got)
		if sent == got {
			if kind != "" {
				t.Fatalf("classifyState(%q, %q) = %q for equal values", sent, got, kind)
			}
			return
		}
		if !stateKinds[kind] {
			t.Fatalf("classifyState(%q, %q) kind = %q, not a known kind", sent, got, kind)
		}
		if detail == "" {
			t.Fatalf("classifyState(%q, %q) = %q with no detail", sent, got, kind)
		}
		switch {
		case kind == stateKindTruncated && !strings.HasPrefix(sent, got):
			t.Fatalf("classifyState(%q, %q) = truncated, but got is not a prefix of sent", sent, got)
		case kind == stateKindCaseChanged && !strings.EqualFold(sent, got):
			t.Fatalf("classifyState(%q, %q) = case_changed, but they differ in more than case", sent, got)
		case kind == stateKindPlusToSpace && len(sent) != len(got):
			t.Fatalf("classifyState(%q, %q) = plus_to_space with different lengths", sent, got)
		}
	})
}

func BenchmarkClassifyState(b *testing.B) {
	cases := map[string]string{
		"equal":         textState,
		"suffix":        textState + "|org=acme",
		"wrapped":       b64url(`{"state":"` + textState + `","tenant":"acme","ts":1732890000}`),
		"encoded_twice": url.QueryEscape(platformState + textState),
		"replaced":      "QWERTYUIOPASDFGHJKLZXCVBNM",
		"case":          strings.ToLower(textState),
	}
	for name, got := range cases {
		sent := textState
		if name == "encoded_twice" {
			sent = platformState + textState
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				classifyState(sent, got)
			}
		})
	}
}
