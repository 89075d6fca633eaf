package decode

import (
	"context"
	"net/http"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// KeySource finds the keys a token's signature is checked with: an HMAC
// secret, a JWK Set from a file or a URL, or the JWK Set a token's issuer
// publishes (discovery through its iss). It reads each set once and
// discovers each issuer once, failures included, so that checking many
// tokens makes each request once. A KeySource is for one goroutine.
type KeySource struct {
	// Secret checks HS256/384/512 tokens of every kind.
	Secret []byte
	// ClientSecret checks HS* ID tokens: OpenID Connect signs them with
	// the client secret (Core §10.1). Other tokens are not checked with it.
	ClientSecret []byte
	// JWKS is a JWK Set URL (http or https) or file. It may hold
	// symmetric (oct) keys for HS* tokens too.
	JWKS string
	// Discover, when there is no JWKS, finds the keys of a token not
	// signed with HMAC through its iss: the jwks_uri of its metadata.
	Discover bool
	// Issuer, when set, is the issuer discovered instead of each token's
	// iss (with Discover).
	Issuer string
	// Client makes the requests; nil means one with FetchTimeout.
	Client *http.Client

	sets    map[string]loaded // by JWKS URL or file
	issuers map[string]loaded // by iss
}

type loaded struct {
	keys *Keys
	err  error
}

// Keys returns the keys to check tok with; kind is KindAccess, KindID or
// "". Its error is an *UnverifiableError when there are none to be had
// (no secret for an HS* token, no iss, discovery failed), and the JWKS's
// own error when the JWKS given could not be read.
func (s *KeySource) Keys(ctx context.Context, tok *Token, kind string) (*Keys, error) {
	hmac := strings.HasPrefix(tok.Alg, "HS")
	switch {
	case hmac && kind == KindID && len(s.ClientSecret) > 0:
		return SecretKey(s.ClientSecret), nil
	case hmac && len(s.Secret) > 0:
		return SecretKey(s.Secret), nil
	case s.JWKS != "":
		return s.load(ctx, s.JWKS)
	case hmac:
		return nil, noSecret(tok)
	case !s.Discover:
		return nil, unverifiable("no keys given")
	}
	iss := s.Issuer
	if iss == "" {
		iss, _ = tok.String("iss")
	}
	if iss == "" {
		return nil, unverifiable("the token has no iss to find its keys from")
	}
	d, ok := s.issuers[iss]
	if !ok {
		url, err := DiscoverJWKS(ctx, s.Client, iss)
		if err == nil {
			d.keys, err = s.load(ctx, url)
		}
		d.err = err
		if s.issuers == nil {
			s.issuers = map[string]loaded{}
		}
		s.issuers[iss] = d
	}
	if d.err != nil {
		return nil, &UnverifiableError{Reason: d.err.Error(), Err: d.err}
	}
	return d.keys, nil
}

// Verify checks tok's signature as the function Verify does, with the
// keys Keys finds for it, and returns those keys too. Tokens that cannot
// be verified whatever the keys (opaque, unsigned, redacted) are told
// apart before any key is looked for.
func (s *KeySource) Verify(ctx context.Context, tok *Token, kind string) (*Keys, []report.Finding, error) {
	if fs, err := verifiable(tok, kind); fs != nil || err != nil {
		return nil, fs, err
	}
	keys, err := s.Keys(ctx, tok, kind)
	if err != nil {
		return nil, nil, err
	}
	fs, err := Verify(tok, keys, kind)
	return keys, fs, err
}

func (s *KeySource) load(ctx context.Context, src string) (*Keys, error) {
	if l, ok := s.sets[src]; ok {
		return l.keys, l.err
	}
	var l loaded
	if strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://") {
		l.keys, l.err = FetchJWKS(ctx, s.Client, src)
	} else {
		l.keys, l.err = ReadJWKSFile(src)
	}
	if s.sets == nil {
		s.sets = map[string]loaded{}
	}
	s.sets[src] = l
	return l.keys, l.err
}
