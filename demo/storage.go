package demo

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// storage is the provider's memory: one client, one user, the pending
// logins, codes and refresh tokens. It is written for the demo rather than
// taken from the library's example storage, which brings users, service
// accounts, device codes and token exchange the demo has no use for; this
// one is a page and holds the demo's decisions in one place: which
// audience a token is for, whether it is a JWT, whether a refresh token is
// given, how the client must authenticate.
type storage struct {
	fault string
	now   func() time.Time
	key   *rsa.PrivateKey

	mu    sync.Mutex
	reqs  map[string]*authRequest // auth request id -> request
	codes map[string]string       // code -> auth request id
	rts   map[string]*authRequest // refresh token -> the grant it continues
}

func newStorage(fault string, now func() time.Time, key *rsa.PrivateKey) *storage {
	if fault == "expired-token" {
		// The library believes the clock: expires_in says an hour.
		real := now
		now = func() time.Time { return real().Add(-2 * time.Hour) }
	}
	return &storage{fault: fault, now: now, key: key,
		reqs: map[string]*authRequest{}, codes: map[string]string{}, rts: map[string]*authRequest{}}
}

// authRequest is one login: what the client asked for, what the tenant
// proxy added, and who signed in.
type authRequest struct {
	id       string
	req      oidc.AuthRequest
	audience string // the authorize request's audience parameter
	org      string // the organization the tenant proxy added
	subject  string
	authTime time.Time        // on the demo's clock
	now      func() time.Time // the demo's clock
}

func (a *authRequest) GetID() string                      { return a.id }
func (a *authRequest) GetACR() string                     { return "" }
func (a *authRequest) GetAMR() []string                   { return []string{"pwd"} }
func (a *authRequest) GetClientID() string                { return a.req.ClientID }
func (a *authRequest) GetNonce() string                   { return a.req.Nonce }
func (a *authRequest) GetRedirectURI() string             { return a.req.RedirectURI }
func (a *authRequest) GetResponseType() oidc.ResponseType { return a.req.ResponseType }
func (a *authRequest) GetResponseMode() oidc.ResponseMode { return a.req.ResponseMode }
func (a *authRequest) GetScopes() []string                { return a.req.Scopes }
func (a *authRequest) GetState() string                   { return a.req.State }
func (a *authRequest) GetSubject() string                 { return a.subject }
func (a *authRequest) Done() bool                         { return a.subject != "" }
func (a *authRequest) SetCurrentScopes(s []string)        { a.req.Scopes = s }

// GetAuthTime is the sign-in on the real clock, which the library expects:
// it subtracts the client's clock skew, which puts it back on the demo's.
func (a *authRequest) GetAuthTime() time.Time { return a.authTime.Add(time.Since(a.now())) }

// GetAudience is the access token's aud: the API the client named, as
// Auth0 does; without one the library issues the token for the client.
func (a *authRequest) GetAudience() []string {
	if a.audience == "" {
		return nil
	}
	return []string{a.audience}
}

func (a *authRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.req.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.req.CodeChallenge, Method: a.req.CodeChallengeMethod}
}

// call is what the storage needs to know of the HTTP request the library
// is answering, which its interface does not pass: the authorize request's
// audience and organization, and how the token request authenticated.
type call struct {
	audience, org      string
	basic              bool
	code, refreshToken string
}

type callKey struct{}

// withCall is the provider's interceptor that records the call.
func withCall(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		c := call{audience: q.Get("audience"), org: q.Get("organization")}
		if r.Method == http.MethodPost && r.ParseForm() == nil {
			c.code, c.refreshToken = r.PostForm.Get("code"), r.PostForm.Get("refresh_token")
			_, _, c.basic = r.BasicAuth()
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
	})
}

func callOf(ctx context.Context) call {
	c, _ := ctx.Value(callKey{}).(call)
	return c
}

var errNotFound = errors.New("not found")

func (s *storage) CreateAuthRequest(ctx context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	c := callOf(ctx)
	if c.audience != "" && c.audience != apiAudience {
		// As Auth0 answers an audience no API has; the library sends it
		// to the redirect_uri.
		return nil, oidc.ErrAccessDenied().WithDescription("Service not found: %s", c.audience)
	}
	a := &authRequest{id: rand.Text(), req: *req, audience: c.audience, org: c.org, now: s.now}
	switch s.fault {
	case "wrong-aud":
		a.audience = "https://management.azure.com/"
	case "nonce-mismatch":
		a.req.Nonce = rand.Text() // as a server that keeps a session's first nonce
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs[a.id] = a
	return a, nil
}

func (s *storage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.reqs[id]; ok {
		return a, nil
	}
	return nil, errNotFound
}

// AuthRequestByCode reads the code's login. A code works once because the
// library deletes the login when it issues the tokens, not here: it reads
// the code before it checks the client, and a client refused for how it
// sent its secret may try again with the same code (Power Platform does).
func (s *storage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.reqs[s.codes[code]]
	if !ok {
		return nil, errNotFound
	}
	return a, nil
}

func (s *storage) SaveAuthCode(_ context.Context, id, code string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes[code] = id
	return nil
}

func (s *storage) DeleteAuthRequest(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.reqs, id)
	for code, of := range s.codes {
		if of == id {
			delete(s.codes, code)
		}
	}
	return nil
}

// signIn marks the login done for the demo user; the library's callback
// then issues the code.
func (s *storage) signIn(id, login, password string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.reqs[id]
	if !ok || login != demoUser || password != demoPassword {
		return false
	}
	a.subject, a.authTime = login, s.now()
	return true
}

func (s *storage) CreateAccessToken(context.Context, op.TokenRequest) (string, time.Time, error) {
	return rand.Text(), s.now().Add(time.Hour), nil
}

// CreateAccessAndRefreshTokens rotates: the refresh token it was given
// stops working and a new one continues the grant.
func (s *storage) CreateAccessAndRefreshTokens(_ context.Context, req op.TokenRequest, current string) (string, string, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	grant, ok := req.(*authRequest)
	if !ok {
		return "", "", time.Time{}, errors.New("unexpected token request")
	}
	delete(s.rts, current)
	rt := rand.Text()
	s.rts[rt] = grant
	return rand.Text(), rt, s.now().Add(time.Hour), nil
}

func (s *storage) TokenRequestByRefreshToken(_ context.Context, rt string) (op.RefreshTokenRequest, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.rts[rt]; ok && s.fault != "refresh-invalid-grant" {
		return a, nil
	}
	return nil, op.ErrInvalidRefreshToken
}

func (s *storage) TerminateSession(context.Context, string, string) error { return nil }

func (s *storage) RevokeToken(_ context.Context, token, _, _ string) *oidc.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.rts, token)
	return nil
}

func (s *storage) GetRefreshTokenInfo(_ context.Context, _, token string) (string, string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.rts[token]; ok {
		return a.subject, token, nil
	}
	return "", "", op.ErrInvalidRefreshToken
}

func (s *storage) SigningKey(context.Context) (op.SigningKey, error) { return signingKey{s.key}, nil }

func (s *storage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *storage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{&s.key.PublicKey}}, nil
}

// GetClientByClientID is the demo client as this call sees it: the token
// type follows the audience (an opaque token when the client named no API,
// as Auth0 does), and the clock skew carries the demo's clock (see client).
func (s *storage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	if id != clientID {
		return nil, errNotFound
	}
	c := &client{fault: s.fault, skew: time.Since(s.now()), tokenType: op.AccessTokenTypeJWT}
	if a := s.grantOf(callOf(ctx)); a != nil && a.audience == "" {
		c.tokenType = op.AccessTokenTypeBearer
	}
	return c, nil
}

// grantOf is the login a token request continues, if the storage knows it.
func (s *storage) grantOf(c call) *authRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.rts[c.refreshToken]; ok {
		return a
	}
	return s.reqs[s.codes[c.code]]
}

// AuthorizeClientIDSecret checks the secret; with basic-only it refuses
// one sent in the form body, as servers that support only
// client_secret_basic do, and the library answers invalid_client.
func (s *storage) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	if id != clientID || secret != clientSecret {
		return errors.New("wrong client secret")
	}
	if s.fault == "basic-only" && !callOf(ctx).basic {
		return errors.New("client_secret_post is not allowed for this client")
	}
	return nil
}

func (s *storage) SetUserinfoFromScopes(_ context.Context, u *oidc.UserInfo, userID, _ string, _ []string) error {
	u.Subject = userID
	return nil
}

func (s *storage) SetUserinfoFromToken(_ context.Context, u *oidc.UserInfo, _, subject, _ string) error {
	u.Subject = subject
	return nil
}

func (s *storage) SetIntrospectionFromToken(_ context.Context, r *oidc.IntrospectionResponse, _, subject, id string) error {
	r.Active, r.Subject, r.ClientID = true, subject, id
	return nil
}

func (s *storage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return nil, nil
}

// GetPrivateClaimsFromRequest puts the tenant in the access token, as a
// tenant-aware provider does.
func (s *storage) GetPrivateClaimsFromRequest(_ context.Context, req op.TokenRequest, _ []string) (map[string]any, error) {
	if a, ok := req.(*authRequest); ok && a.org != "" {
		return map[string]any{"org_id": a.org}, nil
	}
	return nil, nil
}

func (s *storage) GetKeyByIDAndClientID(context.Context, string, string) (*jose.JSONWebKey, error) {
	return nil, errNotFound
}

func (s *storage) ValidateJWTProfileScopes(context.Context, string, []string) ([]string, error) {
	return nil, errNotFound
}

func (s *storage) Health(context.Context) error { return nil }

// client is the demo's registered application: a native app whose
// redirect_uri is the loopback callback. The library lets a loopback
// redirect_uri vary its port (RFC 8252 §7.3), and its loopback host and
// scheme too; the path and query must match exactly.
type client struct {
	fault     string
	tokenType op.AccessTokenType
	// skew is how far the demo's clock is behind the real one. The library
	// stamps iat and nbf at time.Now() minus the client's clock skew, so
	// this makes tokens carry the demo's clock (StartAt).
	skew time.Duration
}

const idTokenLifetime = time.Hour

func (c *client) GetID() string                    { return clientID }
func (c *client) PostLogoutRedirectURIs() []string { return nil }
func (c *client) ApplicationType() op.ApplicationType {
	return op.ApplicationTypeNative
}
func (c *client) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (c *client) LoginURL(id string) string            { return "/login?authRequestID=" + id }
func (c *client) AccessTokenType() op.AccessTokenType  { return c.tokenType }
func (c *client) DevMode() bool                        { return false }
func (c *client) IsScopeAllowed(string) bool           { return false }
func (c *client) IDTokenUserinfoClaimsAssertion() bool { return false }
func (c *client) ClockSkew() time.Duration             { return c.skew }

// IDTokenLifetime undoes the skew the library adds to the ID token's exp
// (it adds the skew there, to be lenient), so exp is the demo's clock too.
func (c *client) IDTokenLifetime() time.Duration { return idTokenLifetime - 2*c.skew }

// RedirectURIs is the loopback callback; with redirect-unregistered the
// app was registered with another path, as after a connector update.
func (c *client) RedirectURIs() []string {
	if c.fault == "redirect-unregistered" {
		return []string{"http://127.0.0.1/oauth/callback"}
	}
	return []string{"http://127.0.0.1/callback"}
}

// AuthMethod is how the client authenticates at the token endpoint; a
// public client (none) must use PKCE, which the library enforces.
func (c *client) AuthMethod() oidc.AuthMethod {
	switch c.fault {
	case "basic-only":
		return oidc.AuthMethodBasic
	case "pkce-required":
		return oidc.AuthMethodNone
	}
	return oidc.AuthMethodPost
}

// GrantTypes without refresh_token make the library withhold the refresh
// token although offline_access was asked for, as Okta does with the grant
// type off.
func (c *client) GrantTypes() []oidc.GrantType {
	g := []oidc.GrantType{oidc.GrantTypeCode, oidc.GrantTypeRefreshToken}
	if c.fault == "no-refresh" {
		g = g[:1]
	}
	return g
}

func (c *client) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return slices.Clone[[]string]
}

func (c *client) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return slices.Clone[[]string]
}

const keyID = "demo-1"

type signingKey struct{ key *rsa.PrivateKey }

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return keyID }

type publicKey struct{ key *rsa.PublicKey }

func (k publicKey) ID() string                         { return keyID }
func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return k.key }
