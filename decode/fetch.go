package decode

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// MaxBody caps what is read from a JWKS, a discovery document or a JWKS
// file, and every body the flow engine reads from a server.
const MaxBody = 1 << 20

// FetchTimeout bounds a JWKS or discovery request when the caller's client
// has no timeout of its own.
const FetchTimeout = 10 * time.Second

// ReadCapped reads r up to max bytes. truncated says there was more,
// which is left unread.
func ReadCapped(r io.Reader, max int64) (data []byte, truncated bool, err error) {
	data, err = io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(data)) > max {
		return data[:max], true, err
	}
	return data, false, err
}

// readBody reads all of r, or fails if it holds more than MaxBody bytes.
func readBody(r io.Reader) ([]byte, error) {
	data, truncated, err := ReadCapped(r, MaxBody)
	if err != nil {
		return nil, err
	}
	if truncated {
		return nil, ErrTooLarge
	}
	return data, nil
}

// ErrTooLarge says a JWKS, a metadata document or a key file was larger
// than MaxBody: no real one is.
var ErrTooLarge = fmt.Errorf("larger than %d MiB (%d bytes), far more than any real one", MaxBody>>20, MaxBody)

// UserAgent is sent on every request authtrace makes. It looks like a
// browser's enough for providers that sniff, and says what it is.
const UserAgent = "Mozilla/5.0 (compatible; authtrace/1; +https://github.com/authtrace/authtrace)"

// FetchError says a GET of a JWKS or a metadata document failed.
type FetchError struct {
	URL string
	// Status is the HTTP status of the answer; 0 when none came, and Err
	// is the transport's error.
	Status int
	// Err is the transport's error, or the body's (it could not be read,
	// or it was larger than MaxBody); nil when the body was read but the
	// status is not 200 OK.
	Err error

	statusLine string // as the server sent it: "404 Not Found"
}

func (e *FetchError) Error() string {
	switch {
	case e.Status == 0:
		return e.Err.Error() // a *url.Error: it names the method and URL
	case e.Err != nil:
		return fmt.Sprintf("GET %s: %v", e.URL, e.Err)
	}
	return fmt.Sprintf("GET %s: status %s", e.URL, e.statusLine)
}

func (e *FetchError) Unwrap() error { return e.Err }

// getJSON gets url, capped at MaxBody. A nil client means one with
// FetchTimeout. Its error is a *FetchError.
func getJSON(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	if client == nil {
		client = &http.Client{Timeout: FetchTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, &FetchError{URL: url, Err: err}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	resp, err := client.Do(req)
	if err != nil {
		return nil, &FetchError{URL: url, Err: err}
	}
	defer resp.Body.Close()
	data, err := readBody(resp.Body)
	if err != nil {
		return nil, &FetchError{URL: url, Status: resp.StatusCode, Err: err, statusLine: resp.Status}
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &FetchError{URL: url, Status: resp.StatusCode, statusLine: resp.Status}
	}
	return data, nil
}
