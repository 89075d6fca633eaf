package decode

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

const (
	hdrRS256 = `{"alg":"RS256","typ":"JWT","kid":"rsa1"}`
	// Claims deliberately not in alphabetical order: Parse must keep them
	// as the token has them.
	typicalClaims = `{"iss":"https://tenant.eu.auth0.com/","sub":"auth0|64f1c2","aud":["https://api.example.com","https://tenant.eu.auth0.com/userinfo"],"iat":1795950000,"exp":1795957200,"scope":"openid profile email offline_access","azp":"Xk2c9Vq","gty":"authorization_code"}`
)

func TestParseJWT(t *testing.T) {
	tok := unsigned(hdrRS256, typicalClaims) + ".c2lnbmF0dXJl"
	cases := []struct {
		name, in string
	}{
		{"bare", tok},
		{"white space", "\n\t " + tok + " \r\n"},
		{"bearer", "Bearer " + tok},
		{"lower-case bearer", "bearer " + tok},
		{"authorization header", "Authorization: Bearer " + tok},
		{"quoted", `"` + tok + `"`},
		{"quoted header line", `'Authorization: Bearer ` + tok + `'`},
		{"wrapped over lines", tok[:40] + "\n" + tok[40:90] + "\r\n  " + tok[90:]},
	}
	wantNames := []string{"iss", "sub", "aud", "iat", "exp", "scope", "azp", "gty"}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got.Raw != tok {
				t.Errorf("Raw = %q, want %q", got.Raw, tok)
			}
			if got.Format != FormatJWT || !got.Signed || got.Alg != "RS256" || got.Kid != "rsa1" || got.Typ != "JWT" {
				t.Errorf("got format %s signed %v alg %q kid %q typ %q, want jwt true RS256 rsa1 JWT", got.Format, got.Signed, got.Alg, got.Kid, got.Typ)
			}
			var names []string
			for _, c := range got.Claims {
				names = append(names, c.Name)
			}
			if diff := cmp.Diff(wantNames, names); diff != "" {
				t.Errorf("claim order (-want +got):\n%s", diff)
			}
			if string(got.ClaimsJSON) != typicalClaims {
				t.Errorf("ClaimsJSON = %s, want the token's own JSON", got.ClaimsJSON)
			}
			aud, ok := got.Audience()
			if want := []string{"https://api.example.com", "https://tenant.eu.auth0.com/userinfo"}; !ok || !cmp.Equal(aud, want) {
				t.Errorf("Audience() = %q, %v; want %q", aud, ok, want)
			}
		})
	}
}

func TestParseMembers(t *testing.T) {
	claims := ` { "a" : 1 , "b\"q" : "x\\y\u00e9" , "c":{"d":[1,"]}",{"e":null}]},"f":true,"g":-1.5e3,"a":2 } `
	tok, err := Parse(unsigned(`{"alg":"none"}`, claims) + ".")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	want := []Claim{
		{"a", json.RawMessage(`1`)},
		{`b"q`, json.RawMessage(`"x\\y\u00e9"`)},
		{"c", json.RawMessage(`{"d":[1,"]}",{"e":null}]}`)},
		{"f", json.RawMessage(`true`)},
		{"g", json.RawMessage(`-1.5e3`)},
		{"a", json.RawMessage(`2`)},
	}
	if diff := cmp.Diff(want, tok.Claims); diff != "" {
		t.Errorf("members (-want +got):\n%s", diff)
	}
	if v, _ := tok.Claim("a"); string(v) != "2" {
		t.Errorf(`Claim("a") = %s, want the last one, 2`, v)
	}
	if tok.Signed {
		t.Errorf("Signed = true for an empty signature segment")
	}
}

func TestParseFormats(t *testing.T) {
	jwe := "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ"
	sigRedacted := unsigned(hdrRS256, typicalClaims) + "." + report.Redacted
	cases := []struct {
		name, in   string
		format     Format
		signed     bool
		redacted   bool
		alg, enc   string
		haveClaims bool
	}{
		{"jws", unsigned(hdrRS256, typicalClaims) + ".c2ln", FormatJWT, true, false, "RS256", "", true},
		{"jwe", jwe, FormatJWE, false, false, "RSA-OAEP", "A256GCM", false},
		{"google opaque with a dot", "ya29.a0AfB_byC-x9Zq", FormatOpaque, false, false, "", "", false},
		{"auth0 opaque", "v2.local.abcDEF-_", FormatOpaque, false, false, "", "", false},
		{"entra refresh token", "0.AXEA7x8Q-abc.AgABAAEAAAD--DLA3VO7QrddgJg7WevrAgDs_wUA9P8", FormatOpaque, false, false, "", "", false},
		{"salesforce", "00D5g000004!AQ4AQFz", FormatOpaque, false, false, "", "", false},
		// Starts with base64url of "{" but not of a JSON object: random.
		{"opaque starting ex", "ex7Q0KjL3Ew3kP_4W2b4fTQxS9m1r3X5iLwz8VyAgHc", FormatOpaque, false, false, "", "", false},
		{"opaque starting e-", "e-b0.x.y", FormatOpaque, false, false, "", "", false},
		{"redacted signature", sigRedacted, FormatJWT, false, true, "RS256", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if tok.Format != tc.format || tok.Signed != tc.signed || tok.SignatureRedacted != tc.redacted || tok.Alg != tc.alg || tok.Enc != tc.enc {
				t.Errorf("got %s signed=%v redacted=%v alg=%q enc=%q, want %s %v %v %q %q",
					tok.Format, tok.Signed, tok.SignatureRedacted, tok.Alg, tok.Enc, tc.format, tc.signed, tc.redacted, tc.alg, tc.enc)
			}
			if got := len(tok.Claims) > 0; got != tc.haveClaims {
				t.Errorf("has claims = %v, want %v", got, tc.haveClaims)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	good := unsigned(hdrRS256, typicalClaims)
	h, p, _ := strings.Cut(good, ".")
	badPayload := p[:12] + "*" + p[13:]
	cases := []struct {
		name    string
		in      string
		kind    error
		segment string
		offset  int
	}{
		{"empty", "", ErrEmpty, "token", -1},
		{"only white space", " \n\t ", ErrEmpty, "token", -1},
		{"only bearer", `"Bearer  "`, ErrEmpty, "token", -1},
		{"two segments", good, ErrSegments, "token", -1},
		{"four segments", good + ".a.b", ErrSegments, "token", -1},
		{"one segment", h, ErrSegments, "token", -1},
		{"bad base64 in the payload", h + "." + badPayload + ".c2ln", ErrBase64, "payload", len(h) + 1 + 12},
		{"bad base64 in the signature", good + ".c2ln!x", ErrBase64, "signature", len(good) + 5},
		{"header not JSON", b64.EncodeToString([]byte(`{"alg":"RS256",`)) + "." + p + ".c2ln", ErrJSON, "header", -1},
		{"payload not JSON", h + "." + b64.EncodeToString([]byte(`{"sub":x}`)) + ".c2ln", ErrJSON, "payload", -1},
		{"payload an array", h + "." + b64.EncodeToString([]byte(`["a"]`)) + ".c2ln", ErrNotObject, "payload", -1},
		{"empty payload", h + "..c2ln", ErrJSON, "payload", len(h) + 1},
		{"binary junk", "\x00\x01\xfe\xff", ErrBinary, "token", 0},
		{"space inside an opaque token", "abc def", ErrBinary, "token", 3},
		{"non-ASCII", "tokén", ErrBinary, "token", 3},
		{"jwe bad iv", strings.Join([]string{h, "", "!!", "abc", "abc"}, "."), ErrBase64, "iv", len(h) + 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse = %+v, nil; want an error", tok)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %v is not %v", err, tc.kind)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError", err)
			}
			if pe.Segment != tc.segment || pe.Offset != tc.offset {
				t.Errorf("segment %q offset %d, want %q %d (%v)", pe.Segment, pe.Offset, tc.segment, tc.offset, err)
			}
			if pe.Reason == "" || err.Error() == "" {
				t.Errorf("error has no reason: %#v", pe)
			}
		})
	}
}

func TestParseHuge(t *testing.T) {
	big := strings.Repeat("A", 1<<20)
	for _, in := range []string{
		big,
		unsigned(hdrRS256, `{"x":"`+big+`"}`) + ".c2ln",
		"eyJ" + big + "." + big + "." + big,
		strings.Repeat("\xff\x00", 1<<19),
	} {
		tok, err := Parse(in)
		if tok == nil && err == nil {
			t.Errorf("Parse of %d bytes returned neither token nor error", len(in))
		}
	}
}

func TestReport(t *testing.T) {
	raw := unsigned(hdrRS256, typicalClaims) + ".c2ln"
	tok, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := tok.Report(KindAccess)
	want := report.Token{
		Kind: "access_token", Format: "jwt", Raw: raw,
		Header: json.RawMessage(hdrRS256), Claims: json.RawMessage(typicalClaims),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), `"claims":{"iss":`) {
		t.Errorf("report JSON %s does not keep the token's claim order", out)
	}
}

func TestGuessKind(t *testing.T) {
	cases := []struct {
		name, hdr, claims, want string
	}{
		{"id token", hdrRS256, `{"sub":"x","nonce":"n"}`, "id_token"},
		{"at+jwt", `{"alg":"RS256","typ":"at+jwt"}`, `{"sub":"x"}`, "access_token"},
		{"entra scp", hdrRS256, `{"scp":"User.Read"}`, "access_token"},
		{"unknown", hdrRS256, `{"sub":"x"}`, ""},
	}
	for _, tc := range cases {
		tok, err := Parse(unsigned(tc.hdr, tc.claims) + ".c2ln")
		if err != nil {
			t.Fatal(err)
		}
		if got := GuessKind(tok); got != tc.want {
			t.Errorf("%s: GuessKind = %q, want %q", tc.name, got, tc.want)
		}
	}
	// Auth0's /userinfo access token is a dir JWE naming its issuer in the
	// header; other JWEs (encrypted ID tokens among them) stay unknown.
	for raw, want := range map[string]string{
		b64.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM","iss":"https://acme.auth0.com/"}`)) + "..YWJj.YWJj.YWJj": "access_token",
		"eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.YWJj.YWJj.YWJj.YWJj":                                             "",
	} {
		tok, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := GuessKind(tok); got != want {
			t.Errorf("GuessKind(JWE %s) = %q, want %q", tok.HeaderJSON, got, want)
		}
	}
	if got := GuessKind(&Token{Format: FormatOpaque}); got != "access_token" {
		t.Errorf("GuessKind(opaque) = %q, want access_token", got)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(unsigned(hdrRS256, typicalClaims) + ".c2ln")
	f.Add("Bearer " + unsigned(`{"alg":"none"}`, `{"a":[1,{"b":"}"}]}`) + ".")
	f.Add("eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d")
	f.Add("ya29.a0AfB_byC")
	f.Add("eyJ.eyJ")
	f.Add("\x00\xff")
	f.Add(`"Authorization: Bearer x"`)
	f.Fuzz(func(t *testing.T, in string) {
		tok, err := Parse(in)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %T is not a *ParseError: %v", err, err)
			}
			if pe.Offset >= len(in)+1 {
				t.Fatalf("offset %d beyond the input (%d bytes)", pe.Offset, len(in))
			}
			return
		}
		if tok.Raw == "" || !strings.Contains(in, tok.Raw[:1]) {
			t.Fatalf("Raw %q not from input %q", tok.Raw, in)
		}
		if tok.Format == FormatJWT {
			// The ordered members must be the same set a JSON decoder sees.
			var m map[string]json.RawMessage
			if err := json.Unmarshal(tok.ClaimsJSON, &m); err != nil {
				t.Fatalf("ClaimsJSON does not decode: %v", err)
			}
			for _, c := range tok.Claims {
				if _, ok := m[c.Name]; !ok {
					t.Fatalf("member %q not in %s", c.Name, tok.ClaimsJSON)
				}
				if !json.Valid(c.Value) {
					t.Fatalf("member %q value %q is not JSON", c.Name, c.Value)
				}
			}
			if len(m) > len(tok.Claims) {
				t.Fatalf("%d members listed, decoder sees %d", len(tok.Claims), len(m))
			}
		}
	})
}

func TestMembers(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{`{"b":1,"a":{"x":[1,2]},"c":"}"}`, []string{`b=1`, `a={"x":[1,2]}`, `c="}"`}, false},
		{` { } `, nil, false},
		{`{"a\u0062":null}`, []string{`ab=null`}, false},
		{`[1]`, nil, true},
		{`{"a":`, nil, true},
		{``, nil, true},
	}
	for _, tt := range tests {
		ms, err := Members(json.RawMessage(tt.in))
		if (err != nil) != tt.wantErr {
			t.Errorf("Members(%q) err = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		var got []string
		for _, m := range ms {
			got = append(got, m.Name+"="+string(m.Value))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Members(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
}

// FuzzMembers: token headers and claims come from the provider (or a paste).
func FuzzMembers(f *testing.F) {
	for _, s := range []string{`{"a":1,"b":"x"}`, `{}`, `[1]`, `{"a":`, `{"a":{"b":[1,2]},"c":null}`, `"x"`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := Members(json.RawMessage(s))
		if !json.Valid([]byte(s)) {
			if err == nil {
				t.Errorf("Members(%q) accepted JSON that is not valid", s)
			}
			return
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &obj) != nil {
			return
		}
		// Every member of a valid object is read, in order.
		seen := map[string]bool{}
		for _, m := range ms {
			seen[m.Name] = true
		}
		for k := range obj {
			if !seen[k] {
				t.Errorf("Members(%q) lost %q", s, k)
			}
		}
	})
}
