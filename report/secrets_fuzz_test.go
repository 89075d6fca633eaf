package report_test

import (
	"strings"
	"testing"

	"github.com/authtrace/authtrace/internal/echo"
	"github.com/authtrace/authtrace/report"
)

// FuzzSecretEncodings: a secret written in any of the encodings servers
// use (echo.Encodings, a list kept apart from Secrets's own) is gone from
// the text, wherever it sits.
func FuzzSecretEncodings(f *testing.F) {
	f.Add("s3cret-value", "before ", " after")
	f.Add(`cs/Echo+se cret="42"&<x>`, "<p>", "</p>")
	f.Add("abc8Q~xyz.def_ghi-jkl", "client_secret=", "&x=1")
	f.Add("ünï-cødé-secret", `{"a":"`, `"}`)
	f.Fuzz(func(t *testing.T, secret, before, after string) {
		if len(secret) < report.MinSecret || strings.Contains(report.Redacted, secret) {
			return
		}
		s := &report.Secrets{}
		s.Add(secret)
		for _, enc := range echo.Encodings(secret) {
			if len(enc) < report.MinSecret || strings.Contains(report.Redacted, enc) {
				continue
			}
			in := before + enc + after
			out := s.Text(in)
			// Only what was there around it, or made with the marker, may
			// still hold it.
			around := before + report.Redacted + after
			if strings.Contains(out, enc) && !strings.Contains(before, enc) && !strings.Contains(after, enc) && !strings.Contains(around, enc) {
				t.Fatalf("Text(%q) = %q: the form %q survived", in, out, enc)
			}
		}
	})
}
