package decode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Where an issuer publishes its metadata, after the issuer URL.
const (
	WellKnownOpenID = "/.well-known/openid-configuration"       // OpenID Connect Discovery 1.0 §4
	WellKnownOAuth  = "/.well-known/oauth-authorization-server" // RFC 8414 §3
)

// The members of Metadata, as the documents name them.
const (
	AuthorizationEndpoint = "authorization_endpoint"
	TokenEndpoint         = "token_endpoint"
	JWKSURI               = "jwks_uri"
)

// Metadata is the part of an authorization server's metadata (an OpenID
// Provider's discovery document, or RFC 8414 metadata) authtrace uses.
type Metadata struct {
	Issuer                string `json:"issuer"`
	AuthorizationEndpoint string `json:"authorization_endpoint"`
	TokenEndpoint         string `json:"token_endpoint"`
	JWKSURI               string `json:"jwks_uri"`

	// Unusable lists the endpoints the caller did not need that were
	// set but are not absolute http(s) URLs, dropped from the fields
	// above, each a *MetadataError saying why.
	Unusable []error `json:"-"`
}

// MetadataError says a document is no metadata its caller can use: it is
// not a JSON object (Member is ""), or a member the caller needs is
// missing (Err is nil) or is not an absolute http(s) URL (Err is a
// *URLError).
type MetadataError struct {
	URL    string // the document's, when it was fetched
	Member string
	Err    error
}

func (e *MetadataError) Error() string {
	var msg string
	switch {
	case e.Member == "":
		msg = "is not JSON provider metadata: " + e.Err.Error()
	case e.Err == nil:
		msg = "lacks " + e.Member
	default:
		msg = "has an unusable " + e.Member + ": " + e.Err.Error()
	}
	if e.URL == "" {
		return msg
	}
	return e.URL + " " + msg
}

func (e *MetadataError) Unwrap() error { return e.Err }

// ParseMetadata reads an authorization server's metadata. The members
// named in need must be there and be absolute http(s) URLs; another
// endpoint that is not one is dropped ("" in the Metadata), so that a bad
// jwks_uri leaves signatures unchecked instead of failing a login. Its
// error is a *MetadataError.
func ParseMetadata(body []byte, need ...string) (Metadata, error) {
	var m Metadata
	if err := json.Unmarshal(body, &m); err != nil {
		return Metadata{}, &MetadataError{Err: err}
	}
	for _, member := range []struct {
		name  string
		value *string
	}{{AuthorizationEndpoint, &m.AuthorizationEndpoint}, {TokenEndpoint, &m.TokenEndpoint}, {JWKSURI, &m.JWKSURI}} {
		needed := slices.Contains(need, member.name)
		if *member.value == "" {
			if needed {
				return Metadata{}, &MetadataError{Member: member.name}
			}
			continue
		}
		if _, err := ParseHTTPURL(*member.value); err != nil {
			if needed {
				return Metadata{}, &MetadataError{Member: member.name, Err: err}
			}
			*member.value = ""
			m.Unusable = append(m.Unusable, &MetadataError{Member: member.name, Err: err})
		}
	}
	return m, nil
}

// FetchMetadata gets the metadata document at url (an issuer URL followed
// by WellKnownOpenID or WellKnownOAuth) and reads it as ParseMetadata
// does. A nil client means one with FetchTimeout. Its error is a
// *FetchError or a *MetadataError, each naming url.
func FetchMetadata(ctx context.Context, client *http.Client, url string, need ...string) (Metadata, error) {
	body, err := getJSON(ctx, client, url)
	if err != nil {
		return Metadata{}, err
	}
	m, err := ParseMetadata(body, need...)
	var me *MetadataError
	if errors.As(err, &me) {
		me.URL = url
	}
	for _, u := range m.Unusable {
		if errors.As(u, &me) {
			me.URL = url
		}
	}
	return m, err
}

// DiscoverJWKS finds an issuer's jwks_uri in its OpenID Connect discovery
// document, falling back to its RFC 8414 authorization server metadata.
// The error names both documents' failures, on one line.
func DiscoverJWKS(ctx context.Context, client *http.Client, issuer string) (string, error) {
	if _, err := ParseHTTPURL(issuer); err != nil {
		return "", fmt.Errorf("discover JWKS: issuer %q is not an http(s) URL", issuer)
	}
	base := strings.TrimSuffix(issuer, "/")
	var errs []error
	for _, doc := range []string{WellKnownOpenID, WellKnownOAuth} {
		m, err := FetchMetadata(ctx, client, base+doc, JWKSURI)
		if err == nil {
			return m.JWKSURI, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return "", fmt.Errorf("discover JWKS of %s: %w", issuer, joinedError(errs))
}

// joinedError is errors.Join on one line: its message goes into one-line
// notes and terminal output, where errors.Join's newlines do not belong.
type joinedError []error

func (e joinedError) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, "; ")
}

func (e joinedError) Unwrap() []error { return e }
