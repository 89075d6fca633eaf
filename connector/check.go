package connector

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// securityTab is where the platform's wizard keeps the OAuth settings.
const securityTab = "the connector's Security tab (Custom connectors > your connector > Edit > 2. Security)"

// Check says what is wrong with c's OAuth settings, as connector.*
// findings, without the network. Each finding's detail names the
// oauthSetting's path, and the template and placeholder where apt.
func Check(c *Connector) []report.Finding {
	var fs []report.Finding
	for _, o := range c.OAuth {
		fs = append(fs, checkOAuth(c, o)...)
	}
	return fs
}

// checkOAuth is Check for one oauthSetting. Every connector finding is
// about one (there are no connector-wide ones yet): a run that uses o
// reports o's alone.
func checkOAuth(c *Connector, o *OAuth) []report.Finding {
	ch := &checker{c: c, o: o}
	ch.run()
	return ch.fs
}

type checker struct {
	c  *Connector
	o  *OAuth
	fs []report.Finding
}

func (ch *checker) add(code string, sev report.Severity, path, msg, hint string, detail ...string) {
	d := map[string]string{"path": path}
	if ch.o.Set != "" {
		d["set"] = ch.o.Set
	}
	for i := 0; i+1 < len(detail); i += 2 {
		if detail[i+1] != "" {
			d[detail[i]] = detail[i+1]
		}
	}
	ch.fs = append(ch.fs, report.Finding{Code: code, Severity: sev, Message: msg, Hint: hint, Detail: d})
}

func (ch *checker) run() {
	o := ch.o
	ch.secret()
	ch.redirect()
	if why := unsupported(o.Provider); why != "" {
		if o.Provider == "" {
			ch.add(report.CodeConnectorInvalid, report.SeverityError, join(o.Path, "identityProvider"),
				"the OAuth settings name no identity provider",
				`Set "identityProvider" to the one the connector uses: "oauth2" (Generic OAuth 2 in the wizard), "oauth2generic" (templates), or "aad" (Azure Active Directory).`)
			return
		}
		ch.add(report.CodeConnectorProviderUnsupported, report.SeverityWarn, join(o.Path, "identityProvider"),
			fmt.Sprintf("identity provider %q cannot be replayed by authtrace: %s", o.Provider, why),
			"authtrace replays oauth2, oauth2generic and aad connectors. To debug this login, test the connection in Power Automate with the browser's developer tools recording (a HAR file shows every redirect), or point a copy of the connector at Generic OAuth 2 with your own app registration.",
			"provider", o.Provider)
		return
	}
	if problem := o.required(); problem != "" {
		ch.add(report.CodeConnectorInvalid, report.SeverityError, o.Path, "the OAuth settings are incomplete: "+problem,
			ch.requiredHint())
	} else if _, err := o.Requests(ch.c, Fill{Sample: true, RedirectURL: o.PlatformRedirectURL(), State: SampleState}); err != nil && !errors.As(err, new(*UnsupportedError)) {
		ch.add(report.CodeConnectorInvalid, report.SeverityError, o.Path, "the OAuth settings do not make a request: "+err.Error(),
			"Fix the URL on "+securityTab+" (Authorization URL, Token URL, Refresh URL) or in apiProperties.json: each must expand to an https URL with a host.")
	}
	ch.placeholders()
	ch.hardcoded()
	ch.bodies()
	ch.offline()
}

func (ch *checker) requiredHint() string {
	switch ch.o.Provider {
	case ProviderAAD:
		return `Set customParameters.resourceUri to the API's App ID URI (or its client id): on ` + securityTab + ` it is "Resource URL". The platform sends it as resource= and the token's aud carries it.`
	case ProviderOAuth2:
		return `Fill in "Authorization URL" and "Token URL" (and the client id) on ` + securityTab + `, or customParameters.authorizationUrl and tokenUrl in apiProperties.json.`
	}
	return `Give customParameters.authorizationUrlTemplate and tokenUrlTemplate (the provider's /authorize and /token URLs, {placeholders} allowed), and a clientId.`
}

// secret flags a client secret written in the file: in clientSecret, or
// literally in a template (LiteralSecrets finds the same ones to hide).
func (ch *checker) secret() {
	o := ch.o
	if strings.TrimSpace(o.ClientSecret) != "" {
		ch.add(report.CodeConnectorSecretInFile, report.SeverityWarn, join(o.Path, "clientSecret"),
			"the connector file holds a client secret",
			"Remove clientSecret from apiProperties.json and rotate the secret if the file was shared or committed: the platform takes the secret when the connector is created or updated (\"Client secret\" on "+securityTab+", or paconn's --secret), never from the file.")
	}
	for _, l := range o.literals() {
		what := "a client secret"
		if l.Name != "client_secret" {
			what = "a credential (" + l.Name + ")"
		}
		ch.add(report.CodeConnectorSecretInFile, report.SeverityWarn, l.Path,
			fmt.Sprintf("%s sends %s written in the template instead of {ClientSecret}", l.Key, what),
			"Write client_secret={ClientSecret} in the template and give the secret as the connector's \"Client secret\"; rotate the one in the file if it was shared.",
			"template", l.Key)
	}
}

// redirect checks the redirect URL against the redirect mode.
func (ch *checker) redirect() {
	o := ch.o
	kind := redirectKind(o.PlatformRedirectURL())
	modePath := join(o.Path, "redirectMode")
	urlPath := join(o.Path, "redirectUrl")
	perConnector := ch.c.sampleRedirect()
	switch o.RedirectMode {
	case "", RedirectGlobal:
		switch kind {
		case "global":
			ch.add(report.CodeConnectorRedirectGlobal, report.SeverityWarn, urlPath,
				"the connector uses the global redirect URL "+GlobalRedirectURL+"; connectors created or updated since 2024 need their own",
				"On "+securityTab+` choose "Update to unique redirect URL", register the per-connector URL it then shows (`+perConnector+`) with your provider's app, and save: apiProperties.json then has "redirectMode": "GlobalPerConnector" and that redirectUrl.`,
				"redirect_url", o.PlatformRedirectURL())
		case "per-connector":
			ch.add(report.CodeConnectorRedirectMismatch, report.SeverityError, modePath,
				fmt.Sprintf("redirectUrl %s is a per-connector URL, but redirectMode is %s: the platform sends the global one", o.RedirectURL, modeOr(o.RedirectMode)),
				`Set "redirectMode": "GlobalPerConnector" (on `+securityTab+`, "Update to unique redirect URL"), so that the platform sends the URL registered with your provider.`,
				"redirect_url", o.RedirectURL, "redirect_mode", o.RedirectMode)
		default:
			ch.add(report.CodeConnectorRedirectMismatch, report.SeverityError, urlPath,
				fmt.Sprintf("redirectUrl %s is not one of the platform's consent URLs, and redirectMode %s sends %s", o.RedirectURL, modeOr(o.RedirectMode), GlobalRedirectURL),
				"The platform only redirects to its own consent host. Remove redirectUrl, or set it to the per-connector URL "+securityTab+" shows, with \"redirectMode\": \"GlobalPerConnector\".",
				"redirect_url", o.RedirectURL, "redirect_mode", o.RedirectMode)
		}
	case RedirectGlobalPerConnector:
		switch {
		case o.RedirectURL == "":
			ch.add(report.CodeConnectorRedirectMismatch, report.SeverityWarn, urlPath,
				"redirectMode is GlobalPerConnector but the file has no redirectUrl: the per-connector URL exists once the connector is created, and authtrace falls back to the global one",
				"Copy the redirect URL "+securityTab+" shows after saving (it looks like "+perConnector+") into redirectUrl, and register it with your provider's app.",
				"redirect_mode", o.RedirectMode)
		case kind != "per-connector":
			ch.add(report.CodeConnectorRedirectMismatch, report.SeverityError, urlPath,
				fmt.Sprintf("redirectMode is GlobalPerConnector but redirectUrl %s is not a per-connector URL", o.RedirectURL),
				"Set redirectUrl to the per-connector URL "+securityTab+" shows (it looks like "+perConnector+"), and register that one with your provider's app.",
				"redirect_url", o.RedirectURL, "redirect_mode", o.RedirectMode)
		}
	case RedirectDirect:
		// Direct sends the provider's own redirect: whatever it is, the
		// platform does not rewrite it, so there is nothing to compare.
	default:
		ch.add(report.CodeConnectorInvalid, report.SeverityError, modePath,
			fmt.Sprintf("redirectMode %q is none the platform knows", o.RedirectMode),
			`Use "Global", "GlobalPerConnector" (the per-connector redirect URL, needed for new and updated connectors) or "Direct".`,
			"redirect_mode", o.RedirectMode)
	}
}

func modeOr(mode string) string {
	if mode == "" {
		return "absent (Global)"
	}
	return mode
}

// placeholders flags a placeholder that is neither built in nor a
// connection parameter: the platform sends it literally.
func (ch *checker) placeholders() {
	for _, t := range ch.o.templates() {
		if t.Default {
			continue
		}
		for _, name := range Placeholders(t.Value) {
			if isBuiltin(name) {
				continue
			}
			if _, ok := ch.c.param(name); ok {
				continue
			}
			ch.add(report.CodeConnectorPlaceholderUnknown, report.SeverityError, t.Path,
				fmt.Sprintf("%s uses {%s}, which is neither a built-in placeholder nor a connection parameter: the platform sends it literally, as %%7B%s%%7D", t.Key, name, name),
				fmt.Sprintf("The platform fills {ClientId}, {ClientSecret}, {RedirectUrl}, {State}, {Scopes}, {Code} and {RefreshToken}, and any connection parameter by its name. Correct the spelling, add a connection parameter %q to connectionParameters, or take the placeholder out (the platform sends no PKCE, so {CodeChallenge} cannot work).", name),
				"template", t.Key, "placeholder", name)
		}
	}
}

// hardcoded flags a redirect_uri written into a template, where the
// platform's {RedirectUrl} belongs.
func (ch *checker) hardcoded() {
	for _, t := range ch.o.templates() {
		if t.Default || t.ctx != inQuery && !strings.Contains(t.Value, "?") {
			continue
		}
		for _, kv := range pairs(t.Value) {
			if !strings.EqualFold(kv[0], "redirect_uri") || isPlaceholder(kv[1], "RedirectUrl") {
				continue
			}
			ch.add(report.CodeConnectorRedirectHardcoded, report.SeverityError, t.Path,
				fmt.Sprintf("%s sends redirect_uri=%s instead of {RedirectUrl}: a per-connector or regional redirect URL, or a loopback replay, does not reach it", t.Key, kv[1]),
				"Write redirect_uri={RedirectUrl} in the template: the platform fills in the redirect URL shown on "+securityTab+".",
				"template", t.Key)
		}
	}
}

// bodies checks the token and refresh body templates.
func (ch *checker) bodies() {
	o := ch.o
	if o.Provider != ProviderOAuth2Generic {
		return
	}
	if t, ok := o.template("tokenBodyTemplate"); ok && !t.Default {
		if lack := lacking(t.Value, "grant_type=authorization_code", "code={Code}", "redirect_uri={RedirectUrl}"); len(lack) > 0 {
			ch.add(report.CodeConnectorTokenTemplate, report.SeverityError, t.Path,
				"tokenBodyTemplate lacks "+strings.Join(lack, ", ")+": the provider cannot redeem the code",
				"A code exchange needs grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl} (the redirect URL must equal the authorize request's), with client_id={ClientId}&client_secret={ClientSecret} unless the provider takes them as Basic.",
				"template", t.Key, "missing", strings.Join(lack, " "))
		}
	}
	t, _ := o.template("refreshBodyTemplate")
	tok, _ := o.template("tokenBodyTemplate")
	switch {
	case t.Default && hasName(tok.Value, "client_secret") && !tok.Default:
		ch.add(report.CodeConnectorRefreshTemplate, report.SeverityWarn, t.Path,
			"no refreshBodyTemplate: the platform refreshes with refresh_token, grant_type and redirect_uri only, without the client_secret the token body sends; providers that want it (Salesforce, for one) refuse the refresh an hour in",
			"Add \"refreshBodyTemplate\": {\"value\": \"grant_type=refresh_token&refresh_token={RefreshToken}&client_id={ClientId}&client_secret={ClientSecret}\"} to customParameters.",
			"template", t.Key)
	case t.Default:
	default:
		if lack := lacking(t.Value, "grant_type=refresh_token", "refresh_token={RefreshToken}"); len(lack) > 0 {
			ch.add(report.CodeConnectorRefreshTemplate, report.SeverityError, t.Path,
				"refreshBodyTemplate lacks "+strings.Join(lack, ", ")+": the refresh fails and the connection stops working when the access token expires",
				"A refresh needs grant_type=refresh_token&refresh_token={RefreshToken} (with client_id={ClientId}&client_secret={ClientSecret} where the provider wants them).",
				"template", t.Key, "missing", strings.Join(lack, " "))
		}
	}
}

// lacking are the name=value pairs of want that tmpl does not send.
func lacking(tmpl string, want ...string) []string {
	var lack []string
	for _, kv := range want {
		name, value, _ := strings.Cut(kv, "=")
		if !hasPair(tmpl, name, value) {
			lack = append(lack, kv)
		}
	}
	return lack
}

// offlineScopes ask for a refresh token in the scope; offlineParams do
// it as a provider's own authorize parameter.
var (
	offlineScopes = []string{"offline_access", "offline", "refresh_token"}
	offlineParams = [][2]string{{"access_type", "offline"}, {"token_access_type", "offline"}, {"duration", "permanent"}}
)

// offline flags a connector that asks for no refresh token. aad's v1
// endpoint returns one without asking.
func (ch *checker) offline() {
	o := ch.o
	if o.Provider == ProviderAAD {
		return
	}
	sep := " "
	if d, _, ok := o.custom("scopeListDelimiter"); ok && o.Provider == ProviderOAuth2Generic {
		sep = d
	}
	for _, item := range o.Scopes {
		for _, s := range strings.FieldsFunc(item, func(r rune) bool { return r == ' ' || strings.ContainsRune(sep, r) }) {
			if slices.Contains(offlineScopes, strings.ToLower(s)) {
				return
			}
		}
	}
	for _, t := range o.templates() {
		if t.Key != "authorizationUrlQueryStringTemplate" && t.Key != "authorizationUrl" {
			continue
		}
		for _, p := range offlineParams {
			if hasPair(t.Value, p[0], p[1]) {
				return
			}
		}
	}
	ch.add(report.CodeConnectorNoOfflineAccess, report.SeverityWarn, join(o.Path, "scopes"),
		"the connector asks for no offline access (no offline_access scope, nor access_type=offline or the like): the provider may send no refresh token, and the connection fails when the access token expires, about an hour in",
		`Add offline_access to "Scope" on `+securityTab+` (for Auth0 also enable "Allow Offline Access" on the API; for Google add access_type=offline&prompt=consent to the authorize query).`,
		"scopes", strings.Join(o.Scopes, " "))
}

// pairs splits a query or body template into name, value pairs.
func pairs(tmpl string) [][2]string {
	if i := strings.IndexByte(tmpl, '?'); i >= 0 {
		tmpl = tmpl[i+1:]
	}
	var out [][2]string
	for _, p := range strings.Split(tmpl, "&") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if k != "" {
			out = append(out, [2]string{k, v})
		}
	}
	return out
}

func hasName(tmpl, name string) bool {
	for _, kv := range pairs(tmpl) {
		if strings.EqualFold(kv[0], name) {
			return true
		}
	}
	return false
}

// hasPair says whether tmpl sends name=value; a {Placeholder} value
// matches in any casing.
func hasPair(tmpl, name, value string) bool {
	for _, kv := range pairs(tmpl) {
		if strings.EqualFold(kv[0], name) && strings.EqualFold(kv[1], value) {
			return true
		}
	}
	return false
}

// isPlaceholder says whether v is exactly the placeholder {name}, in any
// casing.
func isPlaceholder(v, name string) bool { return strings.EqualFold(v, "{"+name+"}") }
