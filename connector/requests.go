package connector

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// GlobalRedirectURL is the platform's shared redirect URL, which
// connectors created or updated since 2024 replace by their own.
const GlobalRedirectURL = flow.PowerPlatformRedirectURI

// The platform's own templates for an oauth2generic connector that leaves
// one out. The refresh body carries no client credentials: connectors
// whose provider wants them on refresh (Salesforce, for one) must write
// refreshBodyTemplate themselves.
const (
	defaultQueryTemplate   = "?client_id={ClientId}&response_type=code&redirect_uri={RedirectUrl}&scope={Scopes}&state={State}"
	defaultTokenBody       = "code={Code}&grant_type=authorization_code&redirect_uri={RedirectUrl}&client_id={ClientId}&client_secret={ClientSecret}"
	defaultRefreshBody     = "refresh_token={RefreshToken}&grant_type=refresh_token&redirect_uri={RedirectUrl}"
	defaultAADLogin        = "https://login.microsoftonline.com"
	defaultAADTenant       = "common"
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
)

// Requests are what the platform would send for one oauthSetting.
type Requests struct {
	// Authorize is the authorize URL the browser is sent to.
	Authorize string
	// Token and Refresh are the code exchange and the refresh. For
	// oauth2generic, Body is the template's exact expansion (the engine
	// sends it as is); for oauth2 and aad, Form holds the grant's fields
	// and the engine adds the client authentication, body then Basic.
	Token, Refresh flow.TokenRequest
	// Missing are the connection parameters the templates use that Fill
	// has no value for (sent literally by the platform).
	Missing []string
}

// template is one of an oauthSetting's templates (or endpoint values),
// with the JSON path it came from; Default says it is the platform's own,
// the connector having none.
type template struct {
	Key, Path, Value string
	ctx              context
	Default          bool
}

// templates lists what the platform builds the requests from, for the
// provider, in the order used.
func (o *OAuth) templates() []template {
	var out []template
	add := func(key, def string, ctx context) {
		v, written, ok := o.custom(key)
		if ok {
			out = append(out, template{Key: key, Path: o.customPath(written), Value: v, ctx: ctx})
		} else if def != "" {
			out = append(out, template{Key: key, Path: o.customPath(key), Value: def, ctx: ctx, Default: true})
		}
	}
	switch o.Provider {
	case ProviderOAuth2Generic:
		add("authorizationUrlTemplate", "", inURL)
		add("authorizationUrlQueryStringTemplate", defaultQueryTemplate, inQuery)
		add("tokenUrlTemplate", "", inURL)
		add("tokenUrlQueryStringTemplate", "", inQuery)
		add("tokenBodyTemplate", defaultTokenBody, inQuery)
		add("refreshUrlTemplate", "", inURL)
		add("refreshUrlQueryStringTemplate", "", inQuery)
		add("refreshBodyTemplate", defaultRefreshBody, inQuery)
	case ProviderOAuth2:
		add("authorizationUrl", "", inURL)
		add("tokenUrl", "", inURL)
		add("refreshUrl", "", inURL)
	case ProviderAAD:
		add("loginUri", defaultAADLogin, inURL)
		add("tenantId", defaultAADTenant, inSegment)
		add("resourceUri", "", inValue)
	}
	return out
}

func (o *OAuth) template(key string) (template, bool) {
	for _, t := range o.templates() {
		if strings.EqualFold(t.Key, key) {
			return t, true
		}
	}
	return template{}, false
}

// UnsupportedError is an identity provider authtrace cannot replay.
type UnsupportedError struct {
	Provider string
	Why      string
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("identity provider %q cannot be replayed: %s", e.Provider, e.Why)
}

// unsupported says why a provider cannot be replayed, or "" when it can.
func unsupported(provider string) string {
	switch provider {
	case ProviderOAuth2, ProviderOAuth2Generic, ProviderAAD:
		return ""
	case ProviderAADCertificate:
		return "the platform signs a client assertion with a certificate it holds (uploaded with the connector), which is neither in the file nor known to authtrace"
	case "":
		return "the oAuthSettings name no identityProvider"
	}
	return "it is one of the platform's named providers: the platform signs in with its own app for it, whose client id, secret and endpoints are the platform's and not in the connector file"
}

// Requests builds what the platform would send, filled from f.
func (o *OAuth) Requests(c *Connector, f Fill) (Requests, error) {
	if why := unsupported(o.Provider); why != "" {
		return Requests{}, &UnsupportedError{Provider: o.Provider, Why: why}
	}
	if problem := o.required(); problem != "" {
		return Requests{}, fmt.Errorf("%s: %s", o.Path, problem)
	}
	e := &expander{o: o, c: c, f: f}
	var r Requests
	var err error
	switch o.Provider {
	case ProviderOAuth2Generic:
		r, err = o.genericRequests(e)
	default:
		r, err = o.formRequests(e)
	}
	r.Missing = e.missing
	if err != nil || len(r.Missing) > 0 {
		// An URL with a parameter not filled in yet is not checked.
		return r, err
	}
	if len(e.problems) > 0 {
		return r, errors.New(e.problems[0])
	}
	for _, u := range []struct{ what, url string }{{"authorize URL", r.Authorize}, {"token URL", r.Token.URL}, {"refresh URL", r.Refresh.URL}} {
		if problem := urlProblem(u.url); problem != "" {
			// Redacted: a template's query may carry a secret.
			return r, fmt.Errorf("the %s expands to %q: %s", u.what, report.RedactURL(u.url), problem)
		}
	}
	return r, nil
}

// required says which setting the provider needs is missing, or "".
func (o *OAuth) required() string {
	need := map[string][]string{
		ProviderOAuth2:        {"authorizationUrl", "tokenUrl"},
		ProviderOAuth2Generic: {"authorizationUrlTemplate", "tokenUrlTemplate"},
		ProviderAAD:           {"resourceUri"},
	}[o.Provider]
	var lack []string
	for _, k := range need {
		if v, _, ok := o.custom(k); !ok || strings.TrimSpace(v) == "" {
			lack = append(lack, "customParameters."+k)
		}
	}
	if o.ClientID == "" && !o.FirstParty {
		lack = append(lack, "clientId")
	}
	if len(lack) == 0 {
		return ""
	}
	return fmt.Sprintf("no %s: %s needs it", strings.Join(lack, ", "), o.Provider)
}

func (o *OAuth) expandKey(e *expander, key string) string {
	t, ok := o.template(key)
	if !ok {
		return ""
	}
	out := e.expand(t.Value, t.ctx)
	if t.ctx == inURL && hostTemplated(t.Value) {
		if problem := hostProblem(out); problem != "" {
			e.problems = append(e.problems, fmt.Sprintf("%s expands to an URL whose host a connection parameter made, and %s: check the value given for it", t.Key, problem))
		}
	}
	return out
}

// withQuery appends a query string template's expansion to an URL: as
// written when it starts with ? or &, after a ? otherwise.
func withQuery(base, query string) string {
	if query == "" || strings.HasPrefix(query, "?") || strings.HasPrefix(query, "&") {
		return base + query
	}
	return base + "?" + query
}

func (o *OAuth) genericRequests(e *expander) (Requests, error) {
	authorize := o.expandKey(e, "authorizationUrlTemplate")
	token := o.expandKey(e, "tokenUrlTemplate")
	refresh := token
	if _, ok := o.template("refreshUrlTemplate"); ok {
		refresh = o.expandKey(e, "refreshUrlTemplate")
	}
	return Requests{
		Authorize: withQuery(authorize, o.expandKey(e, "authorizationUrlQueryStringTemplate")),
		Token: flow.TokenRequest{
			URL:  withQuery(token, o.expandKey(e, "tokenUrlQueryStringTemplate")),
			Body: o.expandKey(e, "tokenBodyTemplate"),
		},
		Refresh: flow.TokenRequest{
			URL:  withQuery(refresh, o.expandKey(e, "refreshUrlQueryStringTemplate")),
			Body: o.expandKey(e, "refreshBodyTemplate"),
		},
	}, nil
}

// formRequests builds oauth2's and aad's requests: the platform's own
// parameters, in the order it sends them.
func (o *OAuth) formRequests(e *expander) (Requests, error) {
	var authorize, token, refresh string
	extra := url.Values{} // resource, for aad
	if o.Provider == ProviderAAD {
		base := strings.TrimRight(o.expandKey(e, "loginUri"), "/") + "/" + strings.Trim(o.expandKey(e, "tenantId"), "/") + "/oauth2/"
		authorize, token, refresh = base+"authorize", base+"token", base+"token"
		extra.Set("resource", o.expandKey(e, "resourceUri"))
	} else {
		authorize = o.expandKey(e, "authorizationUrl")
		token = o.expandKey(e, "tokenUrl")
		refresh = token
		if _, ok := o.template("refreshUrl"); ok {
			refresh = o.expandKey(e, "refreshUrl")
		}
	}
	sample := func(name, v string) string {
		if v == "" && e.f.Sample {
			return "{" + name + "}"
		}
		return v
	}
	clientID := o.ClientID
	if e.f.ClientID != "" {
		clientID = e.f.ClientID
	}
	q := []string{
		"client_id=" + url.QueryEscape(clientID),
		"response_type=code",
		"redirect_uri=" + url.QueryEscape(sample("RedirectUrl", e.f.RedirectURL)),
	}
	if res := extra.Get("resource"); res != "" {
		q = append(q, "resource="+url.QueryEscape(res))
	} else if s := o.Scope(); s != "" {
		q = append(q, "scope="+url.QueryEscape(s))
	}
	q = append(q, "state="+url.QueryEscape(sample("State", e.f.State)))
	sep := "?"
	if strings.Contains(authorize, "?") {
		sep = "&"
	}
	tokenForm := url.Values{
		"grant_type":   {grantAuthorizationCode},
		"code":         {sample("Code", e.f.Code)},
		"redirect_uri": {sample("RedirectUrl", e.f.RedirectURL)},
	}
	refreshForm := url.Values{
		"grant_type":    {grantRefreshToken},
		"refresh_token": {sample("RefreshToken", e.f.RefreshToken)},
	}
	if res := extra.Get("resource"); res != "" {
		tokenForm.Set("resource", res)
		refreshForm.Set("resource", res)
	} else {
		refreshForm.Set("redirect_uri", sample("RedirectUrl", e.f.RedirectURL))
	}
	return Requests{
		Authorize: authorize + sep + strings.Join(q, "&"),
		Token:     flow.TokenRequest{URL: token, Form: tokenForm},
		Refresh:   flow.TokenRequest{URL: refresh, Form: refreshForm},
	}, nil
}

// NeededParams are the connection parameters (names as written) o's
// templates use, in order, each once.
func (c *Connector) NeededParams(o *OAuth) []string {
	var out []string
	for _, t := range o.templates() {
		for _, name := range Placeholders(t.Value) {
			if isBuiltin(name) {
				continue
			}
			if p, ok := c.param(name); ok && !slices.Contains(out, p.Name) {
				out = append(out, p.Name)
			}
		}
	}
	return out
}
