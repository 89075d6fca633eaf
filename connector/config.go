package connector

import (
	"fmt"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/flow"
)

// SampleState shows the platform's state shape, <GUID>_<region-cluster>_azure-apim.net,
// where a request is shown rather than sent; the engine makes real ones.
const SampleState = "3f2b8c1e-9d4a-4e7b-a6c5-0d1e2f3a4b5c_unitedstates-002_azure-apim.net"

// EnvPrefix starts the environment variable that gives a connection
// parameter: AUTHTRACE_CONN_<NAME>, see EnvName.
const EnvPrefix = "AUTHTRACE_CONN_"

// EnvName is the environment variable for a connection parameter: its
// name without "token:", upper case, other characters than letters and
// digits as _ ("token:TenantId" is AUTHTRACE_CONN_TENANTID).
func EnvName(param string) string {
	name := strings.TrimPrefix(strings.ToLower(param), "token:")
	var b strings.Builder
	b.WriteString(EnvPrefix)
	for _, c := range strings.ToUpper(name) {
		if c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// FlagName is a connection parameter's name for --conn-param: without
// "token:", which the templates' {X} leave out too.
func FlagName(param string) string {
	if len(param) > len("token:") && strings.EqualFold(param[:len("token:")], "token:") {
		return param[len("token:"):]
	}
	return param
}

// MissingParamsError names the connection parameters a run needs and
// was not given.
type MissingParamsError struct {
	Names []string
}

func (e *MissingParamsError) Error() string {
	var ways []string
	for _, n := range e.Names {
		ways = append(ways, fmt.Sprintf("%s (--conn-param %s=VALUE or %s)", n, FlagName(n), EnvName(n)))
	}
	s := "s"
	if len(e.Names) == 1 {
		s = ""
	}
	return fmt.Sprintf("the connector's templates need the connection parameter%s %s", s, strings.Join(ways, ", "))
}

// ResolveParams fills in the connection parameters o's templates use
// (every oauthSetting's, when o is nil): each from given, by its name in
// any casing, with or without "token:", else from env(EnvName(name)),
// where env is os.LookupEnv or nil for none. params is given with what
// env gave added under the parameter's name; missing are the names
// neither gave, as written, in the templates' order.
func ResolveParams(c *Connector, o *OAuth, given map[string]string, env func(string) (string, bool)) (params map[string]string, missing []string) {
	params = make(map[string]string, len(given))
	for k, v := range given {
		params[k] = v
	}
	oauth := c.OAuth
	if o != nil {
		oauth = []*OAuth{o}
	}
	for _, o := range oauth {
		for _, name := range c.NeededParams(o) {
			if _, ok := lookupParam(params, name); ok || slices.Contains(missing, name) {
				continue
			}
			if env != nil {
				if v, ok := env(EnvName(name)); ok {
					params[name] = v
					continue
				}
			}
			missing = append(missing, name)
		}
	}
	return params, missing
}

// PlatformRedirectURL is the redirect URL the platform sends for o: its
// redirectUrl, or the global one when the file has none.
func (o *OAuth) PlatformRedirectURL() string {
	if o.RedirectURL != "" {
		return o.RedirectURL
	}
	return GlobalRedirectURL
}

// Config is the flow.Config the platform's login amounts to, for a run
// with these connection parameters. The authorize and token requests come
// from the hooks, built as Requests builds them; the endpoints are set
// too, for the profile and the preflight.
func (o *OAuth) Config(c *Connector, params map[string]string) (flow.Config, error) {
	if _, missing := ResolveParams(c, o, params, nil); len(missing) > 0 {
		return flow.Config{}, &MissingParamsError{Names: missing}
	}
	redirect := o.PlatformRedirectURL()
	// Built once up front, so a template that expands to no URL is an
	// error before the run rather than in the middle of it.
	r, err := o.Requests(c, Fill{Params: params, RedirectURL: redirect, State: SampleState})
	if err != nil {
		return flow.Config{}, err
	}
	e := &expander{o: o, c: c, f: Fill{Params: params}}
	cfg := flow.Config{
		AuthorizeURL: o.endpoint(e, r.Authorize),
		TokenURL:     r.Token.URL,
		RefreshURL:   r.Refresh.URL,
		ClientID:     o.ClientID,
		ClientSecret: o.ClientSecret,
		Scope:        o.Scope(),
		RedirectURI:  redirect,
		NoPKCE:       true,
		ClientAuth:   flow.ClientAuthAuto,
		As:           flow.AsPowerPlatform,
		Connector:    c.File,
		Findings:     checkOAuth(c, o),
	}
	if o.Provider == ProviderAAD {
		// The token's aud is the resource as sent, placeholders filled.
		cfg.ExpectAud = r.Token.Form.Get("resource")
	}
	cfg.AuthorizeRequest = func(redirectURI, state string) (string, error) {
		r, err := o.Requests(c, Fill{Params: params, RedirectURL: redirectURI, State: state})
		return r.Authorize, err
	}
	cfg.TokenRequest = func(tf flow.TokenFill) (flow.TokenRequest, error) {
		r, err := o.Requests(c, Fill{
			ClientID:     tf.ClientID,
			ClientSecret: tf.ClientSecret,
			RedirectURL:  tf.RedirectURI,
			Code:         tf.Code,
			RefreshToken: tf.RefreshToken,
			Params:       params,
		})
		if tf.Grant == grantRefreshToken {
			return r.Refresh, err
		}
		return r.Token, err
	}
	return cfg, nil
}

// endpoint is the authorize endpoint without the query the platform adds:
// the expanded authorizationUrl(Template), or aad's v1 endpoint.
func (o *OAuth) endpoint(e *expander, authorize string) string {
	switch o.Provider {
	case ProviderOAuth2Generic:
		return o.expandKey(e, "authorizationUrlTemplate")
	case ProviderOAuth2:
		return o.expandKey(e, "authorizationUrl")
	}
	base, _, _ := strings.Cut(authorize, "?")
	return base
}
