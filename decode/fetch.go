package decode

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
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

// Reason says in a few words, for a person, why the GET failed: the
// transport's trouble as NetReason words it, the body's, or the status.
// Unlike Error it does not name the URL.
func (e *FetchError) Reason() string {
	switch {
	case e.Status == 0:
		return NetReason(e.Err)
	case e.Err != nil:
		return e.Err.Error()
	}
	return "status " + e.statusLine
}

// NetReason words a request that could not be made (an error from an
// http.Client) without Go's internals ("Get \"...\": dial tcp ...:"):
// "connection refused", "cannot resolve host x: no such host", "no
// answer in time", the TLS failure.
func NetReason(err error) string {
	var dnsErr *net.DNSError
	var opErr *net.OpError
	var certErr *tls.CertificateVerificationError
	var ne net.Error
	switch {
	case err == nil:
		return "failed"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.As(err, &dnsErr):
		return fmt.Sprintf("cannot resolve host %s: %s", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &certErr):
		return "TLS certificate not accepted: " + innermost(certErr.Err)
	case errors.Is(err, http.ErrSchemeMismatch):
		return "the server answered plain HTTP to an https URL"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return innermost(opErr.Err) // "connection refused", in the system's words
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return innermost(ue.Err)
	}
	return err.Error()
}

// innermost is the text of the error a system call or a chain of
// wrappers ends in: "connection refused", not "connect: connection
// refused".
func innermost(err error) string {
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	return err.Error()
}

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
