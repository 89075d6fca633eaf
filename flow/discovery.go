package flow

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// discover reads the issuer's OpenID Connect discovery document
// (issuer/.well-known/openid-configuration) for the endpoints the login
// needs.
func discover(ctx context.Context, client *http.Client, issuer string) (decode.Metadata, error) {
	u, err := parseHTTPURL(SettingIssuer, issuer)
	if err != nil {
		return decode.Metadata{}, err
	}
	wellKnown := strings.TrimSuffix(u.String(), "/") + decode.WellKnownOpenID
	m, err := decode.FetchMetadata(ctx, client, wellKnown, decode.AuthorizationEndpoint, decode.TokenEndpoint)
	if err != nil {
		return decode.Metadata{}, discoveryError(err, client.Timeout)
	}
	return m, nil
}

// discoveryError words what decode.FetchMetadata returned: a network
// failure by its host alone (the URL's query may carry secrets), an
// unusable endpoint the way a setting's URL is worded.
func discoveryError(err error, timeout time.Duration) *DiscoveryError {
	e := &DiscoveryError{Problem: err.Error(), Err: err}
	var fe *decode.FetchError
	var me *decode.MetadataError
	var ue *decode.URLError
	switch {
	case errors.As(err, &fe) && fe.Status == 0:
		u, _ := url.Parse(fe.URL)
		e.Problem = describeNetError(u, fe.Err, timeout)
	case errors.Is(err, decode.ErrTooLarge):
		e.Problem = fmt.Sprintf("%s is %v", fe.URL, decode.ErrTooLarge)
	case errors.As(err, &fe) && fe.Err != nil:
		e.Problem = fmt.Sprintf("reading %s: %v", fe.URL, fe.Err)
	case errors.As(err, &fe):
		e.Problem, e.Status = fmt.Sprintf("%s answered HTTP %d", fe.URL, fe.Status), fe.Status
	case errors.As(err, &me) && errors.As(me.Err, &ue):
		e.Problem = fmt.Sprintf("%s has an unusable %v", me.URL, urlConfigError(Setting(me.Member), ue))
	}
	return e
}

// DiscoveryError says OIDC discovery through the issuer failed. Status is
// the HTTP status when the server answered with something else than 200.
type DiscoveryError struct {
	Problem string
	Status  int
	Err     error
}

func (e *DiscoveryError) Error() string { return e.Words(nil) }

// Words is the error with name(setting) for the settings to change.
func (e *DiscoveryError) Words(name func(Setting) string) string {
	instead := words("give %s and %s instead", mark(SettingAuthorizeURL), mark(SettingTokenURL))
	if e.Status != 0 {
		instead = words("check %s (it is the issuer URL without /.well-known/..., e.g. https://TENANT.auth0.com/), or ", mark(SettingIssuer)) + instead
	}
	return "OIDC discovery: " + e.Problem + "; " + instead.In(name)
}

func (e *DiscoveryError) Unwrap() error { return e.Err }

// unusableMetadataFinding says an endpoint of the discovery document was
// dropped: a jwks_uri that is not an http(s) URL leaves the signatures
// unchecked, which the login must not keep quiet about.
func unusableMetadataFinding(err error) report.Finding {
	f := report.Finding{
		Code: report.CodeDiscoveryUnusable, Severity: report.SeverityWarn,
		Message: fmt.Sprintf("the discovery document's %v; it is ignored", err),
		Hint:    "The provider publishes an endpoint no client can use. Fix the provider's metadata (a custom domain or a proxy in front of it often rewrites these URLs).",
	}
	var me *decode.MetadataError
	if errors.As(err, &me) {
		f.Detail = map[string]string{"member": me.Member}
		if me.Member == decode.JWKSURI {
			f.Message = fmt.Sprintf("the discovery document's jwks_uri is unusable (%v): token signatures are not checked", errors.Unwrap(err))
			f.Hint = "The provider's keys could not be found, so authtrace did not verify the tokens' signatures. Fix jwks_uri in the provider's metadata (an absolute https URL such as https://TENANT.auth0.com/.well-known/jwks.json); a custom domain or a proxy in front of it often rewrites it."
		}
	}
	return f
}
