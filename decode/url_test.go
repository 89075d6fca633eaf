package decode

import (
	"errors"
	"testing"
)

func TestParseHTTPURL(t *testing.T) {
	tests := []struct {
		raw     string
		problem URLProblem // 0: accepted
		msg     string
	}{
		{"https://idp.example/authorize?x=1", 0, ""},
		{"http://127.0.0.1:8080/cb", 0, ""},
		{" \t", URLMissing, "missing"},
		{"idp.example/authorize", URLNoScheme, `"idp.example/authorize" has no scheme`},
		{"http://[::1", URLUnparsable, `"http://[::1" is not a URL: missing ']' in host`},
		{"javascript://x", URLNotHTTP, `"javascript://x" has scheme "javascript"; only http and https are supported`},
		{"https:///a", URLNoHost, `"https:///a" has no host`},
	}
	for _, tt := range tests {
		u, err := ParseHTTPURL(tt.raw)
		var ue *URLError
		switch {
		case tt.problem == 0 && (err != nil || u.String() != tt.raw):
			t.Errorf("ParseHTTPURL(%q) = %v, %v; want it accepted", tt.raw, u, err)
		case tt.problem != 0 && (!errors.As(err, &ue) || ue.Problem != tt.problem || err.Error() != tt.msg):
			t.Errorf("ParseHTTPURL(%q) = %v (%+v); want problem %d, %q", tt.raw, err, ue, tt.problem, tt.msg)
		}
	}
}

// FuzzParseHTTPURL: an accepted URL is absolute http(s) with a host; a
// refused one says why.
func FuzzParseHTTPURL(f *testing.F) {
	for _, s := range []string{"https://idp.example/a", "idp.example", "http://[::1", "ftp://x", "https:///a", "", "http://%41"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := ParseHTTPURL(raw)
		var ue *URLError
		switch {
		case err == nil && ((u.Scheme != "http" && u.Scheme != "https") || u.Host == ""):
			t.Fatalf("ParseHTTPURL(%q) accepted %#v", raw, u)
		case err != nil && (!errors.As(err, &ue) || ue.Problem == 0 || err.Error() == ""):
			t.Fatalf("ParseHTTPURL(%q): %v is no URLError with a problem", raw, err)
		}
	})
}
