package report

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestElidePath(t *testing.T) {
	tests := []struct {
		url  string
		w    int
		want string
	}{
		{"http://127.0.0.1:41001/authorize?client_id=x", 40, "127.0.0.1:41001/authorize"},
		{"http://127.0.0.1:41002/u/login/identifier?state=abc", 40, "127.0.0.1:41002/u/login/identifier"},
		{"http://127.0.0.1:41002/u/login/identifier", 30, "127.0.0.1:41002/u/…/identifier"},
		{"http://127.0.0.1:41002/u/login/identifier", 28, "127.0.0.1:41002/…/identifier"},
		// The trailing slash stays: it is the difference to see.
		{"http://127.0.0.1:53682/a/b/callback/", 28, "127.0.0.1:53682/…/callback/"},
		{"http://127.0.0.1:53682/callback", 24, "127.0.0.1:53682/callback"},
		// The last segment is cut in its middle before the port goes.
		{"http://127.0.0.1:53682/x/averyveryverylongsegment", 26, "127.0.0.1:53682/…/ave…ment"},
		{"https://login.microsoftonline.com:443/tenant/oauth2/v2.0/authorize", 40, "login.microsoftonline.com:443/…/aut…rize"},
		{"not a url at all", 8, "not… all"},
		{"http://host:1", 4, "hos…"},
		{"", 5, ""},
	}
	for _, tt := range tests {
		got := ElidePath(tt.url, tt.w)
		if got != tt.want {
			t.Errorf("ElidePath(%q, %d) = %q, want %q", tt.url, tt.w, got, tt.want)
		}
	}
}

// FuzzElidePath: hop URLs come from providers and proxies. The result
// fits, is the whole host and path when they fit, and keeps host:port
// whenever there is room for it and a few cells of path.
func FuzzElidePath(f *testing.F) {
	f.Add("http://127.0.0.1:41001/u/login/identifier?state=x", 20)
	f.Add("https://h:443/", 3)
	f.Add("http://h/a//b///", 9)
	f.Add("%zz", 1)
	f.Add("http://[::1]:8080/é/ü/ß", 12)
	f.Fuzz(func(t *testing.T, raw string, w int) {
		if w < 1 || w > 300 || !utf8.ValidString(raw) {
			return
		}
		got := ElidePath(raw, w)
		if n := utf8.RuneCountInString(got); n > w {
			t.Fatalf("ElidePath(%q, %d) = %q: %d runes", raw, w, got, n)
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || !printable(u.Host+u.EscapedPath()) {
			return
		}
		whole := u.Host + u.EscapedPath()
		if utf8.RuneCountInString(whole) <= w && got != whole {
			t.Fatalf("ElidePath(%q, %d) = %q, want all of %q", raw, w, got, whole)
		}
		if len(u.EscapedPath()) > 1 && utf8.RuneCountInString(u.Host)+8 <= w && !strings.HasPrefix(got, u.Host+"/") {
			t.Fatalf("ElidePath(%q, %d) = %q lost the host %q", raw, w, got, u.Host)
		}
	})
}

// printable: plain ASCII that report.Printable leaves alone.
func printable(s string) bool {
	for _, r := range s {
		if r < 0x20 || r > 0x7e {
			return false
		}
	}
	return true
}
