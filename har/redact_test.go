package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
	"github.com/go-json-experiment/json/jsontext"
)

// jwt builds an unsigned-looking JWT whose claims carry aud.
func jwt(aud, sig string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"RS256","typ":"JWT"}`)) + "." + enc([]byte(`{"aud":"`+aud+`","sub":"ada"}`)) + "." + sig
}

// redactCase is the sample HAR filled in with its secrets (in) and with
// what Redact must write in their places (want), so that want is the
// input with the secrets replaced and nothing else changed.
type redactCase struct {
	in, want []byte
	secrets  []string
}

func sampleCase(t testing.TB) redactCase {
	tmpl, err := os.ReadFile("testdata/redact.har.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	const (
		code     = "SplxlOBeZQQYbYS6WxSbIA"
		cookie   = "sessABC123xyz"
		secret   = "s3cr3t-Cl1ent-Value"
		verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
		refresh  = "8xLOxBtZp8-refresh"
		refresh2 = "rotated-RT-77aa"
		password = "Tr0ub4dor&3"
		saml     = "PHNhbWxwOlJlc3BvbnNlIElEPSJfMTIzIj4+PC9zYW1scDpSZXNwb25zZT4="
	)
	at := jwt("https://api.example", "ACCESS-SIGNATURE-xyz")
	idt := jwt("app1", "ID-SIGNATURE-abc")
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	rotated := `{"access_token":"opaque-AT-99ff","refresh_token":"` + refresh2 + `"}`
	marker := url.QueryEscape(report.Redacted)
	fill := func(pairs ...string) []byte { return []byte(strings.NewReplacer(pairs...).Replace(string(tmpl))) }
	in := fill(
		"{{CODE}}", code, "{{CODEV}}", code, "{{CODEH}}", code,
		"{{COOKIE}}", cookie, "{{COOKIEV}}", cookie,
		"{{SECRET}}", secret, "{{SECRETV}}", secret, "{{VERIFIER}}", verifier,
		"{{AT}}", at, "{{IDT}}", idt, "{{RT}}", refresh,
		"{{PW}}", url.QueryEscape(password), "{{PWV}}", password,
		"{{B64}}", b64(rotated),
		"{{SAML}}", url.QueryEscape(saml), "{{SAMLV}}", saml,
	)
	want := fill(
		"{{CODE}}", marker, "{{CODEV}}", report.Redacted, "{{CODEH}}", html.EscapeString(report.Redacted),
		"{{COOKIE}}", report.Redacted, "{{COOKIEV}}", report.Redacted,
		"{{SECRET}}", marker, "{{SECRETV}}", report.Redacted, "{{VERIFIER}}", marker,
		"{{AT}}", report.RedactToken(at), "{{IDT}}", report.RedactToken(idt), "{{RT}}", report.Redacted,
		"{{PW}}", marker, "{{PWV}}", report.Redacted,
		"{{B64}}", b64(`{"access_token":"`+report.Redacted+`","refresh_token":"`+report.Redacted+`"}`),
		"{{SAML}}", marker, "{{SAMLV}}", report.Redacted,
	)
	return redactCase{in, want, []string{code, cookie, secret, verifier, refresh, refresh2, "opaque-AT-99ff", password, url.QueryEscape(password), saml, "ACCESS-SIGNATURE-xyz", "ID-SIGNATURE-abc"}}
}

func TestRedact(t *testing.T) {
	tc := sampleCase(t)
	var out bytes.Buffer
	stats, err := Redact(bytes.NewReader(tc.in), &out, RedactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range tc.secrets {
		if bytes.Contains(out.Bytes(), []byte(s)) {
			t.Errorf("the copy still holds %q", s)
		}
	}
	// Byte for byte: the input with exactly the secrets replaced, white
	// space and all.
	if got := out.String(); got != string(tc.want) {
		t.Errorf("copy differs from the input with its secrets replaced:\n%s", firstDiff(got, string(tc.want)))
	}
	for _, keep := range []string{"st-KEEP-1", "rs-KEEP", "client_id=app1", "SameSite=None", "not-a-secret-in-an-answer", "theme=" + report.Redacted, "Referer"} {
		if !strings.Contains(out.String(), keep) {
			t.Errorf("the copy lost %q", keep)
		}
	}
	f, err := Read(bytes.NewReader(out.Bytes()), ReadOptions{KeepBody: func(*Entry) bool { return true }}, func(e Entry) error {
		if e.Request.URL == "https://api.example/me" {
			auth, _ := Header(e.Request.Headers, "authorization")
			if aud := audOf(t, strings.TrimPrefix(auth, "Bearer ")); aud != "https://api.example" {
				t.Errorf("the Bearer token's aud is %q after redaction, want its claims kept", aud)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Read of the copy: %v", err)
	}
	if f.Entries != stats.Entries || f.Entries != strings.Count(string(tc.in), `"request"`) {
		t.Errorf("copy has %d entries, stats say %d, input has %d", f.Entries, stats.Entries, strings.Count(string(tc.in), `"request"`))
	}
	for _, k := range []string{"cookie", "authorization", "code", "client_secret", "code_verifier", "password", "refresh_token", "token_signature", "saml", "access_token"} {
		if stats.ByKind[k] == 0 {
			t.Errorf("stats count no %s: %v", k, stats.ByKind)
		}
	}
	sum := 0
	for _, n := range stats.ByKind {
		sum += n
	}
	if sum != stats.Values {
		t.Errorf("stats: %d values but %d by kind", stats.Values, sum)
	}
}

// audOf decodes a JWT's claims and returns aud.
func audOf(t *testing.T, tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[2] != report.Redacted {
		t.Errorf("token %q is not header.claims.%s", tok, report.Redacted)
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Errorf("claims of %q: %v", tok, err)
		return ""
	}
	var claims struct{ Aud string }
	if err := json.Unmarshal(raw, &claims); err != nil {
		t.Errorf("claims of %q: %v", tok, err)
	}
	return claims.Aud
}

func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("at byte %d:\n got: %q\nwant: %q", i, got[from:min(len(got), i+80)], want[from:min(len(want), i+80)])
}

// TestRedactKeepsUnknown: a file with nothing secret in it, odd casing,
// a BOM, CRLF line ends, escapes and trailing white space comes back
// unchanged.
func TestRedactKeepsUnknown(t *testing.T) {
	in := "\xEF\xBB\xBF{\r\n\t\"LOG\" : {\"Entries\":[ {\"Request\":{\"URL\":\"https:\\/\\/h\\/?state=\\u0061\",\"Headers\":[{\"Value\":\"x\",\"Name\":\"X-Other\"}]},\"_custom\":[1,2.50,true,null,{\"a\":\"\\u00e9\"}]}, 7 ]}, \"extra\": \"x\" }\r\n\n"
	var out bytes.Buffer
	stats, err := Redact(strings.NewReader(in), &out, RedactOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != in {
		t.Errorf("copy of a file without secrets changed:\n%s", firstDiff(out.String(), in))
	}
	if stats.Entries != 2 || stats.Values != 0 {
		t.Errorf("stats = %+v, want 2 entries and nothing replaced", stats)
	}
}

func TestRedactErrors(t *testing.T) {
	tc := sampleCase(t)
	cut := tc.in[:len(tc.in)*2/3]
	for name, tt := range map[string]struct {
		in   []byte
		want error
	}{
		"cut":      {cut, ErrTruncated},
		"invalid":  {append(bytes.Clone(cut), "]]]"...), ErrTruncated},
		"html":     {[]byte("<html></html>"), ErrNotHAR},
		"empty":    {nil, ErrNotHAR},
		"cut head": {[]byte(`{"log":{"entr`), ErrNotHAR},
		"no log":   {[]byte(`{"other":{"entries":[]}}`), ErrNotHAR},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Redact(bytes.NewReader(tt.in), &bytes.Buffer{}, RedactOptions{})
			var he *Error
			if !errors.Is(err, tt.want) || !errors.As(err, &he) {
				t.Errorf("Redact = %v, want an *Error wrapping %v", err, tt.want)
			}
		})
	}
}

func TestRedactProgress(t *testing.T) {
	tc := sampleCase(t)
	var last int64
	_, err := Redact(bytes.NewReader(tc.in), &bytes.Buffer{}, RedactOptions{Progress: func(n int64) { last = n }})
	if err != nil {
		t.Fatal(err)
	}
	if last != int64(len(tc.in)) {
		t.Errorf("last progress %d, want %d", last, len(tc.in))
	}
}

func FuzzRedact(f *testing.F) {
	tc := sampleCase(f)
	f.Add(tc.in)
	f.Add([]byte(`{"log":{"entries":[{"request":{"url":"https://a/?code=SECRETCODE1","postData":{"text":"{\"Password\":\"SECRETCODE1\"}"}}}]}}`))
	f.Add([]byte(`{"entries":[{"response":{"content":{"encoding":"base64","text":"eyJyZWZyZXNoX3Rva2VuIjoiU0VDUkVUQ09ERTEifQ=="}}}]}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		if _, err := Redact(bytes.NewReader(in), &out, RedactOptions{}); err != nil {
			return
		}
		if !jsontext.Value(out.Bytes()).IsValid(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true)) && !json.Valid(bytes.TrimPrefix(out.Bytes(), []byte("\xEF\xBB\xBF"))) {
			t.Fatalf("copy is not JSON:\n%q", out.Bytes())
		}
		// Where the secret stood in the seeds (a URL's code, a JSON
		// body's password, a base64 body's refresh token) it must not
		// survive; the fuzzer may move it anywhere else, so only an
		// input that still parses to the same places is checked.
		for _, s := range tc.secrets {
			if bytes.Contains(out.Bytes(), []byte(s)) && !bytes.Contains(in, []byte(s)) {
				t.Fatalf("copy holds %q, which the input did not", s)
			}
		}
		if bytes.Equal(in, tc.in) && bytes.Contains(out.Bytes(), []byte("SplxlOBeZQQYbYS6WxSbIA")) {
			t.Fatalf("the sample's code survived")
		}
		// Whatever the input, the copy read back has no secret left in
		// the places the reader hands over.
		_, err := Read(bytes.NewReader(out.Bytes()), ReadOptions{}, func(e Entry) error {
			checkNoSecrets(t, e)
			return nil
		})
		if err != nil {
			t.Fatalf("Read of the copy: %v", err)
		}
	})
}

// checkNoSecrets fails when a secret parameter of an entry's URL or query
// string, or a cookie, still has a value other than a marker.
func checkNoSecrets(t *testing.T, e Entry) {
	t.Helper()
	hidden := func(v string) bool {
		return v == "" || v == report.Redacted || strings.HasSuffix(v, "."+report.Redacted)
	}
	if u, err := url.Parse(e.Request.URL); err == nil {
		q, _ := url.ParseQuery(u.RawQuery)
		for k, vs := range q {
			for _, v := range vs {
				if report.SecretParam(k) && !hidden(v) {
					t.Fatalf("entry %d's URL %q keeps %s=%q", e.Index, e.Request.URL, k, v)
				}
			}
		}
	}
	for _, nv := range e.Request.Query {
		if report.SecretParam(nv.Name) && !hidden(nv.Value) {
			t.Fatalf("entry %d's queryString keeps %s=%q", e.Index, nv.Name, nv.Value)
		}
	}
	for _, h := range e.Request.Headers {
		if strings.EqualFold(h.Name, "authorization") && h.Value != "" && !hidden(h.Value) && !strings.HasSuffix(h.Value, " "+report.Redacted) {
			t.Fatalf("entry %d keeps Authorization %q", e.Index, h.Value)
		}
	}
}

// BenchmarkRedact copies a generated HAR of a few MB: the sample's
// entries again and again, with a big script body and a big JSON body
// each round.
func BenchmarkRedact(b *testing.B) {
	tc := sampleCase(b)
	start := bytes.Index(tc.in, []byte(`"entries": [`)) + len(`"entries": [`)
	end := bytes.LastIndex(tc.in, []byte("]\n  }\n}"))
	entries := bytes.TrimSpace(tc.in[start:end])
	script, _ := json.Marshal(strings.Repeat("function f(a){return a+1};\n", 4000))
	doc, _ := json.Marshal("[" + strings.Repeat(`{"id":1,"name":"x","refresh_token":"rt-123456","url":"https://a/?code=c0de1234&x=1"},`, 1500) + "{}]")
	var in bytes.Buffer
	in.Write(tc.in[:start])
	for i := range 20 {
		if i > 0 {
			in.WriteString(",")
		}
		in.Write(entries)
		fmt.Fprintf(&in, `,{"request":{"url":"https://cdn/app.js"},"response":{"content":{"mimeType":"text/javascript","text":%s}}}`, script)
		fmt.Fprintf(&in, `,{"request":{"url":"https://api/list"},"response":{"content":{"mimeType":"application/json","text":%s}}}`, doc)
	}
	in.Write(tc.in[end:])
	b.SetBytes(int64(in.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Redact(bytes.NewReader(in.Bytes()), io.Discard, RedactOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
