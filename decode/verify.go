package decode

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"

	"github.com/authtrace/authtrace/report"
)

// ErrNotVerifiable says Verify could not try the signature at all (an
// opaque or encrypted token, alg none, an HS* token without a secret).
// The errors that say so are *UnverifiableError, which has the reason.
var ErrNotVerifiable = errors.New("signature cannot be verified")

// UnverifiableError says why a signature could not be tried. It is
// ErrNotVerifiable for errors.Is. Err, when set, is what kept the keys
// from being found (a failed discovery).
type UnverifiableError struct {
	Reason string
	Err    error
}

func (e *UnverifiableError) Error() string { return ErrNotVerifiable.Error() + ": " + e.Reason }

func (e *UnverifiableError) Is(target error) bool { return target == ErrNotVerifiable }

func (e *UnverifiableError) Unwrap() error { return e.Err }

func unverifiable(format string, args ...any) *UnverifiableError {
	return &UnverifiableError{Reason: fmt.Sprintf(format, args...)}
}

// Keys are the keys a signature is checked with: a JWK Set (from a URL, a
// file or discovery) or a shared secret for HS*.
type Keys struct {
	// Source says where the keys came from (a URL, a file name, "secret").
	Source string
	// Kids lists the key ids of the set, in its order.
	Kids []string
	// Skipped lists the keys of the set that could not be read, with why.
	Skipped []string

	kf     keyfunc.Keyfunc
	secret []byte
	hasOct bool // the set holds a symmetric key (kty oct)
}

// SecretKey returns keys for HS256/384/512 tokens signed with secret.
func SecretKey(secret []byte) *Keys {
	return &Keys{Source: "secret", secret: secret}
}

// ParseJWKS reads a JWK Set ({"keys":[...]}). Keys it cannot read (an
// unknown kty, a bad modulus) are skipped and listed in Skipped rather than
// failing the set: a debugging tool should still check the keys it can.
func ParseJWKS(data []byte, source string) (*Keys, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("read JWKS %s: %w", source, err)
	}
	if set.Keys == nil {
		return nil, fmt.Errorf("read JWKS %s: no \"keys\" array", source)
	}
	k := &Keys{Source: source}
	store := jwkset.NewMemoryStorage()
	ctx := context.Background()
	for i, raw := range set.Keys {
		jwk, err := jwkset.NewJWKFromRawJSON(raw, jwkset.JWKMarshalOptions{Private: true}, jwkset.JWKValidateOptions{})
		if err != nil {
			k.Skipped = append(k.Skipped, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		if err := store.KeyWrite(ctx, jwk); err != nil {
			k.Skipped = append(k.Skipped, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		k.Kids = append(k.Kids, jwk.Marshal().KID)
		k.hasOct = k.hasOct || jwk.Marshal().KTY == jwkset.KtyOct
	}
	kf, err := keyfunc.New(keyfunc.Options{Storage: store})
	if err != nil {
		return nil, fmt.Errorf("read JWKS %s: %w", source, err)
	}
	k.kf = kf
	return k, nil
}

// ReadJWKSFile reads a JWK Set from a file.
func ReadJWKSFile(path string) (*Keys, error) {
	// A named pipe, a device or a directory would block the open or
	// the read, or read forever: only a regular file is a JWKS file.
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("read JWKS %s: %w", path, ErrNotRegular)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read JWKS: %w", err)
	}
	defer f.Close()
	data, err := readBody(f)
	if err != nil {
		return nil, fmt.Errorf("read JWKS %s: %w", path, err)
	}
	return ParseJWKS(data, path)
}

// ErrNotRegular says a key file is a pipe, a device or a directory.
var ErrNotRegular = errors.New("not a regular file (a pipe, a device or a directory)")

// FetchJWKS gets a JWK Set from url. A nil client means one with
// FetchTimeout.
func FetchJWKS(ctx context.Context, client *http.Client, url string) (*Keys, error) {
	data, err := getJSON(ctx, client, url)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	return ParseJWKS(data, url)
}

// signingMethods are the algorithms Verify accepts: every asymmetric and
// HMAC algorithm golang-jwt knows, never "none".
var signingMethods = []string{
	"RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "HS512",
}

// Verify checks tok's signature with keys. No findings and a nil error
// mean the signature is valid. The findings are jwt.kid_unknown (no key
// with the token's kid, or none for its alg) and jwt.signature_invalid;
// kind goes in Finding.Token. An *UnverifiableError (ErrNotVerifiable)
// means it could not try: an opaque or encrypted token, an unsigned one
// (Check reports jwt.alg_none), or an HS* token without a secret.
func Verify(tok *Token, keys *Keys, kind string) ([]report.Finding, error) {
	if fs, err := verifiable(tok, kind); fs != nil || err != nil {
		return fs, err
	}
	if keys == nil {
		return nil, unverifiable("no keys given")
	}
	hmac := strings.HasPrefix(tok.Alg, "HS")
	if hmac && keys.secret == nil && !keys.hasOct && !slices.Contains(keys.Kids, tok.Kid) {
		return nil, noSecret(tok)
	}
	if !hmac && keys.kf == nil {
		return nil, unverifiable("%s needs the provider's public keys (a JWKS), not a secret", tok.Alg)
	}
	keyfn := func(*jwt.Token) (any, error) { return keys.secret, nil }
	noKeyForAlg := false
	if keys.secret == nil {
		keyfn = func(t *jwt.Token) (any, error) {
			key, err := keys.kf.Keyfunc(t)
			// For a token without kid, keyfunc gives the set's keys that
			// may have signed it; jwt fails an empty set as unverifiable
			// without an error of its own to tell it by.
			if set, ok := key.(jwt.VerificationKeySet); ok && err == nil && len(set.Keys) == 0 {
				noKeyForAlg = true
			}
			return key, err
		}
	}
	parser := jwt.NewParser(jwt.WithoutClaimsValidation(), jwt.WithValidMethods(signingMethods), jwt.WithPaddingAllowed())
	_, err := parser.Parse(tok.Raw, keyfn)
	if err == nil {
		return nil, nil
	}
	detail := map[string]string{"alg": tok.Alg, "kid": tok.Kid, "keys": keys.Source, "reason": err.Error()}
	f := report.Finding{Token: kind, Severity: report.SeverityError, Detail: detail}
	switch {
	case hmac && keys.secret == nil && !keys.hasOct:
		f.Code = report.CodeJWTSignatureInvalid
		f.Message = fmt.Sprintf("the token says %s (a shared secret) but its kid %s names a public key of %s", tok.Alg, tok.Kid, keys.Source)
		f.Hint = "A provider that publishes this key signs with it, not with HMAC: an HS* token naming a public key's kid is forged (the classic algorithm-confusion attack) or was made by something else. Find out who issued it."
	case errors.Is(err, jwkset.ErrKeyNotFound):
		f.Code = report.CodeJWTKidUnknown
		f.Message = fmt.Sprintf("no key with kid %s in %s", tok.Kid, keys.Source)
		detail["known"] = strings.Join(keys.Kids, ", ")
		f.Hint = kidHint(tok)
	case noKeyForAlg:
		f.Code = report.CodeJWTKidUnknown
		f.Message = fmt.Sprintf("the token has no kid and %s holds no key for %s", keys.Source, tok.Alg)
		detail["known"] = strings.Join(keys.Kids, ", ")
		f.Hint = kidHint(tok)
	case hmac && keys.secret != nil:
		f.Code = report.CodeJWTSignatureInvalid
		f.Message = fmt.Sprintf("the %s signature does not match the secret given", tok.Alg)
		f.Hint = "Check the secret: it is the signing secret of the API or application that issued the token (Auth0: the API's signing secret for HS256 APIs), not the client secret of another app. Some providers base64-encode it."
	default:
		f.Code = report.CodeJWTSignatureInvalid
		f.Message = fmt.Sprintf("the %s signature does not verify with the key from %s", tok.Alg, keys.Source)
		f.Hint = "The token was altered, or signed by another issuer that uses the same key id. Compare the token's iss with the JWKS source; an alg that does not match the key's type (HS256 with an RSA key) means the token was not made by this provider."
		if aud, _ := tok.Audience(); slices.ContainsFunc(aud, func(a string) bool { return graphAudiences[a] }) {
			f.Hint = graphSigHint
		}
	}
	return []report.Finding{f}, nil
}

// verifiable says whether tok has a signature to check at all, before any
// keys are needed: an *UnverifiableError if not, or the finding of a
// signed token whose signature is empty.
func verifiable(tok *Token, kind string) ([]report.Finding, error) {
	switch {
	case tok == nil || tok.Format == FormatOpaque:
		return nil, unverifiable("the token is opaque")
	case tok.Format == FormatJWE:
		return nil, unverifiable("the token is encrypted (JWE)")
	case strings.EqualFold(tok.Alg, "none") || tok.Alg == "":
		return nil, unverifiable("the token is unsigned (alg %s)", orNone(tok.Alg))
	case tok.SignatureRedacted:
		return nil, unverifiable("its signature was redacted; decode the original token")
	case !tok.Signed:
		return []report.Finding{{
			Code: report.CodeJWTSignatureInvalid, Severity: report.SeverityError, Token: kind,
			Message: fmt.Sprintf("the token says alg %s but has no signature", tok.Alg),
			Hint:    "The signature segment (after the second dot) is empty: the token was cut when copied, or something stripped its signature. Copy the whole token.",
			Detail:  map[string]string{"alg": tok.Alg, "reason": "empty signature"},
		}}, nil
	}
	return nil, nil
}

func noSecret(tok *Token) *UnverifiableError {
	return unverifiable("%s is signed with a shared secret, and none was given", tok.Alg)
}

const graphSigHint = "This is a Microsoft Graph token: Entra ID signs it in a special way (a nonce in its header) that only Graph can verify. It is not meant for your API; request a token for your own API's scope instead."

func kidHint(tok *Token) string {
	iss, _ := tok.String("iss")
	h := fmt.Sprintf("The JWKS has no key for this token. It was signed by another issuer (token iss %s: check the JWKS belongs to it and to the same tenant), or the provider rotated its keys and the JWKS is stale (fetch it again).", orNone(iss))
	if aud, _ := tok.Audience(); slices.ContainsFunc(aud, func(a string) bool { return graphAudiences[a] }) {
		h = graphSigHint
	}
	return h
}
