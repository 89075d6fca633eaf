package decode

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		in    string
		shape Shape
		looks string // a part of what it looks like
	}{
		{"hello world", ShapeText, "text with spaces"},
		{"not a token", ShapeText, "text with spaces"},
		{"This is a sentence.", ShapeText, "text with spaces"},
		{"hello", ShapeText, "a short word (5 characters"},
		{"https://example.com/callback?x=1", ShapeText, "a URL"},
		{"http:example", ShapeText, "a URL"},
		{"127.0.0.1:53682/callback?code=abc", ShapeText, `":" at offset 9`},
		{"jane.doe@example.com", ShapeText, "an email address"},
		{`{"access_token":"x"}`, ShapeText, "JSON"},
		{"supercalifragilisticexpialidocious", ShapeText, "a word or a name"},
		{"ThisIsMyConnectorClientName", ShapeText, "a word or a name"},
		{"my_connector_client_name", ShapeText, "a word or a name"},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ShapeText, "a word or a name"},
		{"Xk2c9VqA3b7…opaque_token_here", ShapeText, "U+2026"},
		{"", ShapeText, "empty"},
		{"   ", ShapeText, "empty"},
		// Real opaque tokens, in the shapes providers issue them.
		{"Vx8bTzMz1Tj0B_WeXs-ozG1ueGGV4dSa", ShapeOpaque, ""},                 // Auth0
		{"Bearer Vx8bTzMz1Tj0B_WeXs-ozG1ueGGV4dSa", ShapeOpaque, ""},          // as pasted from a header
		{`"Vx8bTzMz1Tj0B_WeXs-ozG1ueGGV4dSa"`, ShapeOpaque, ""},               // quoted
		{"ya29.a0AfB_byC9xXkQ2m4Lr7s1vP0nW8zE3yH5tJ6uK-9dA", ShapeOpaque, ""}, // Google
		{"gho_16C7e42F292c6912E7710c838347Ae178B4a", ShapeOpaque, ""},         // GitHub
		{"d41d8cd98f00b204e9800998ecf8427e", ShapeOpaque, ""},                 // hex
		{"550e8400-e29b-41d4-a716-446655440000", ShapeOpaque, ""},             // UUID
		{"0.ARoAv4j5cvGGr0GRqy180BHbR1Ab2cD3eF4gH5iJ6k", ShapeOpaque, ""},     // Entra refresh token start
		{"Xk2c9VqA3b7-opaque_token", ShapeOpaque, ""},                         // the golden's
		{"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc", ShapeJOSE, ""},           // a JWT
		{"eyJhbGciOiJIUzI1NiJ9", ShapeJOSE, ""},                               // a broken one: Parse says what is wrong
		{"eyJhbGciOiJSU0EtT0FFUCJ9.YWJj.YWJj.YWJj.YWJj", ShapeJOSE, ""},       // a JWE
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			shape, looks := Classify(tc.in)
			if shape != tc.shape || !strings.Contains(looks, tc.looks) {
				t.Errorf("Classify(%q) = %s, %q; want %s, containing %q", tc.in, shape, looks, tc.shape, tc.looks)
			}
		})
	}
}

func TestParsePasted(t *testing.T) {
	_, err := ParsePasted("hello world")
	var pe *ParseError
	if !errors.Is(err, ErrNotToken) || !errors.As(err, &pe) || !strings.Contains(pe.Reason, "text with spaces") {
		t.Fatalf("ParsePasted(hello world) error = %v; want ErrNotToken saying it looks like text with spaces", err)
	}
	if f := MalformedFinding(err, ""); !strings.Contains(f.Message, "is not a token") || !strings.Contains(f.Hint, "eyJ") {
		t.Errorf("finding = %+v; want a message saying it is not a token and a hint saying what one looks like", f)
	}
	if _, err := ParsePasted(""); !errors.Is(err, ErrEmpty) {
		t.Errorf("ParsePasted(\"\") error = %v; want ErrEmpty", err)
	}
	tok, err := ParsePasted("Vx8bTzMz1Tj0B_WeXs-ozG1ueGGV4dSa")
	if err != nil || tok.Format != FormatOpaque {
		t.Errorf("ParsePasted(opaque) = %v, %v; want an opaque token", tok, err)
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"hello world", "Vx8bTzMz1Tj0B_WeXs-ozG1ueGGV4dSa", "eyJhbGciOiJIUzI1NiJ9.e30.", "https://x", "a@b.c", "{}", "\x00\xff", "Bearer  ", "\"\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		shape, looks := Classify(s)
		switch shape {
		case ShapeJOSE, ShapeOpaque:
		case ShapeText:
			if looks == "" {
				t.Fatalf("Classify(%q): text without saying what it looks like", s)
			}
		default:
			t.Fatalf("Classify(%q) = %q: not a shape", s, shape)
		}
		if !utf8.ValidString(looks) && utf8.ValidString(s) {
			t.Fatalf("Classify(%q) looks %q: not UTF-8", s, looks)
		}
		tok, err := ParsePasted(s)
		if shape == ShapeOpaque && (err != nil || tok.Format != FormatOpaque) {
			t.Fatalf("ParsePasted(%q) = %v, %v; Classify said opaque", s, tok, err)
		}
		if shape == ShapeText && err == nil {
			t.Fatalf("ParsePasted(%q) = %v; Classify said it is no token", s, tok)
		}
	})
}
