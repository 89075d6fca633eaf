package decode

import (
	"fmt"
	"net/url"
	"strings"
)

// URLProblem is what keeps a text from being an absolute http(s) URL.
type URLProblem int

const (
	URLMissing    URLProblem = iota + 1 // empty or white space
	URLNoScheme                         // no "://": "idp.example.com/authorize"
	URLUnparsable                       // url.Parse fails
	URLNotHTTP                          // a scheme other than http or https
	URLNoHost                           // "https:///authorize"
)

// URLError says why a text is not an absolute http(s) URL. Err is
// url.Parse's error for URLUnparsable; Scheme is the scheme for
// URLNotHTTP.
type URLError struct {
	URL     string
	Problem URLProblem
	Scheme  string
	Err     error
}

func (e *URLError) Error() string {
	switch e.Problem {
	case URLMissing:
		return "missing"
	case URLNoScheme:
		return fmt.Sprintf("%q has no scheme", e.URL)
	case URLUnparsable:
		return fmt.Sprintf("%q is not a URL: %v", e.URL, e.Err)
	case URLNotHTTP:
		return fmt.Sprintf("%q has scheme %q; only http and https are supported", e.URL, e.Scheme)
	}
	return fmt.Sprintf("%q has no host", e.URL)
}

func (e *URLError) Unwrap() error { return e.Err }

// ParseHTTPURL parses an absolute http or https URL with a host, the only
// kind of endpoint authtrace talks to. Its error is a *URLError.
func ParseHTTPURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, &URLError{URL: raw, Problem: URLMissing}
	}
	if !strings.Contains(raw, "://") {
		// "idp.example.com/authorize" or "127.0.0.1:8080/cb": a URL
		// without its scheme, which url.Parse reads as a path or fails on.
		return nil, &URLError{URL: raw, Problem: URLNoScheme}
	}
	u, err := url.Parse(raw)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // its text repeats the URL
		}
		return nil, &URLError{URL: raw, Problem: URLUnparsable, Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &URLError{URL: raw, Problem: URLNotHTTP, Scheme: u.Scheme}
	}
	if u.Host == "" {
		return nil, &URLError{URL: raw, Problem: URLNoHost}
	}
	return u, nil
}
