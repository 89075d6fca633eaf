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

// readAll reads all of r, or fails if it holds more than MaxBody bytes.
func readAll(r io.Reader) ([]byte, error) {
	data, truncated, err := ReadCapped(r, MaxBody)
	if err != nil {
		return nil, err
	}
	if truncated {
		return nil, fmt.Errorf("larger than %d bytes", MaxBody)
	}
	return data, nil
}

func getJSON(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	if client == nil {
		client = &http.Client{Timeout: FetchTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := readAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: status %s", url, resp.Status)
	}
	return data, nil
}
