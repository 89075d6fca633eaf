package decode

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/report"
)

func TestCheckDuplicateMembers(t *testing.T) {
	now := time.Unix(testNowUnix, 0)
	k := keys(t)
	claims := `{"iss":"https://idp.example/","aud":"https://api.example","exp":1795957200}`
	tests := []struct {
		name   string
		raw    string
		code   string
		sev    report.Severity
		detail map[string]string
	}{
		{
			name: "alg none then RS256",
			raw:  signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"none","alg":"RS256","kid":"rsa1"}`, claims),
			code: report.CodeJWTDuplicateHeader, sev: report.SeverityError,
			detail: map[string]string{"part": "header", "name": "alg", "values": `"none", "RS256"`},
		},
		{
			name: "escaped name is the same name",
			raw:  signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256","\u006bid":"a","kid":"rsa1"}`, claims),
			code: report.CodeJWTDuplicateHeader, sev: report.SeverityError,
			detail: map[string]string{"part": "header", "name": "kid", "values": `"a", "rsa1"`},
		},
		{
			name: "aud twice in the claims",
			raw:  signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256","kid":"rsa1"}`, `{"aud":"https://evil.example","iss":"https://idp.example/","aud":"https://api.example","exp":1795957200}`),
			code: report.CodeJWTDuplicateClaim, sev: report.SeverityWarn,
			detail: map[string]string{"part": "claims", "name": "aud", "values": `"https://evil.example", "https://api.example"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Parse(tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			fs := Check(tok, Expect{Kind: KindAccess, Audience: "https://api.example", Skew: DefaultSkew}, now)
			var got *report.Finding
			for i := range fs {
				if fs[i].Code == tt.code {
					got = &fs[i]
				}
			}
			if got == nil {
				t.Fatalf("findings %+v, want %s", fs, tt.code)
			}
			if got.Severity != tt.sev {
				t.Errorf("severity %s, want %s", got.Severity, tt.sev)
			}
			for k, v := range tt.detail {
				if got.Detail[k] != v {
					t.Errorf("detail[%s] = %q, want %q", k, got.Detail[k], v)
				}
			}
		})
	}
	// Unique names: nothing to say.
	tok, _ := Parse(signWith(t, jwt.SigningMethodRS256, k.rsa, `{"alg":"RS256","kid":"rsa1"}`, claims))
	for _, f := range Check(tok, Expect{Kind: KindAccess, Skew: DefaultSkew}, now) {
		if f.Code == report.CodeJWTDuplicateHeader || f.Code == report.CodeJWTDuplicateClaim {
			t.Errorf("unique members: %s", f.Message)
		}
	}
}

func TestDuplicatesThreeTimes(t *testing.T) {
	ms, err := Members(json.RawMessage(`{"a":1,"b":2,"a":3,"c":4,"a":{"x":  5}}`))
	if err != nil {
		t.Fatal(err)
	}
	got := Duplicates(ms)
	if len(got) != 1 || got[0].Name != "a" || !slices.Equal(got[0].Values, []string{"1", "3", `{"x": 5}`}) {
		t.Errorf("Duplicates = %+v, want a three times", got)
	}
}

// FuzzDuplicates: Duplicates names exactly the top-level members that
// encoding/json's own tokenizer sees more than once, with one value per
// occurrence.
func FuzzDuplicates(f *testing.F) {
	for _, s := range []string{`{"alg":"none","alg":"RS256"}`, `{"a":1}`, `{"\u0061":1,"a":2}`, `{"a":{"a":1,"a":2}}`, `{}`, `{"a":[1,{"a":2}],"b":"a","a":null}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := Members(b)
		if err != nil {
			return
		}
		want := map[string]int{}
		dec := json.NewDecoder(bytes.NewReader(b))
		depth, key := 0, true
		for {
			tk, err := dec.Token()
			if err != nil {
				break
			}
			switch v := tk.(type) {
			case json.Delim:
				if v == '{' || v == '[' {
					depth++
				} else {
					depth--
				}
				if depth == 1 {
					key = true // a value at depth 1 just ended
				}
				continue
			case string:
				if depth == 1 && key {
					want[v]++
					key = false
					continue
				}
			}
			if depth == 1 {
				key = true
			}
		}
		got := map[string]int{}
		for _, d := range Duplicates(ms) {
			if got[d.Name] != 0 {
				t.Fatalf("%q listed twice", d.Name)
			}
			got[d.Name] = len(d.Values)
		}
		for name, n := range want {
			if n > 1 && got[name] != n {
				t.Errorf("%q occurs %d times, Duplicates says %d", name, n, got[name])
			}
		}
		for name := range got {
			if want[name] < 2 {
				t.Errorf("%q listed but occurs %d times", name, want[name])
			}
		}
	})
}
