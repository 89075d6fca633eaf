package decode

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/authtrace/authtrace/report"
)

// DefaultSkew is the clock skew allowed by default. It is a default, not a
// hidden grace period: callers pass it explicitly in Expect.Skew and show it.
const DefaultSkew = 60 * time.Second

// Token kinds, as in report.Token.Kind and Expect.Kind.
const (
	KindAccess  = "access_token"
	KindID      = "id_token"
	KindRefresh = "refresh_token"
)

// Expect is what the client expected of a token. Empty fields are not
// checked. Skew is the clock skew allowed on each time claim (zero: none).
// Kind is "access_token", "id_token" or "" when unknown: the audience check
// applies to access tokens and tokens of unknown kind, the client id and
// nonce checks to ID tokens.
type Expect struct {
	Audience string
	Issuer   string
	ClientID string
	Nonce    string
	Skew     time.Duration
	Kind     string
}

// AzureManagementAudience is the audience of Azure Resource Manager
// tokens, such as the one the Power Platform portal holds for itself.
const AzureManagementAudience = "https://management.azure.com/"

// Well-known audiences that explain a mismatch on their own.
var azureManagementAudiences = map[string]bool{
	AzureManagementAudience:                true,
	"https://management.azure.com":         true,
	"https://management.core.windows.net/": true,
	"https://management.core.windows.net":  true,
}

// IsAzureManagementAudience reports whether aud is Azure Resource
// Manager's (management.azure.com or the classic management.core.windows.net),
// the audience of the portal's own tokens.
func IsAzureManagementAudience(aud string) bool {
	return azureManagementAudiences[strings.ToLower(aud)]
}

var graphAudiences = map[string]bool{
	"00000003-0000-0000-c000-000000000000": true,
	"https://graph.microsoft.com":          true,
	"https://graph.microsoft.com/":         true,
}

// Inspect parses raw and checks it: a token that does not parse gives one
// jwt.malformed finding (and a nil token).
func Inspect(raw string, exp Expect, now time.Time) (*Token, []report.Finding) {
	tok, err := Parse(raw)
	if err != nil {
		return nil, []report.Finding{MalformedFinding(err, exp.Kind)}
	}
	return tok, Check(tok, exp, now)
}

// MalformedFinding turns a Parse error into a jwt.malformed finding.
func MalformedFinding(err error, kind string) report.Finding {
	f := report.Finding{
		Code:     report.CodeJWTMalformed,
		Severity: report.SeverityError,
		Token:    kind,
		Message:  fmt.Sprintf("token does not parse: %v", err),
		Hint:     "Copy the whole token again: a JWT is three base64url segments (header.payload.signature) with nothing around it; a truncated copy or a line break added by a mail client or terminal is the usual cause.",
	}
	var pe *ParseError
	if errors.As(err, &pe) {
		f.Detail = map[string]string{"part": pe.Segment, "reason": pe.Reason}
		if pe.Offset >= 0 {
			f.Detail["offset"] = fmt.Sprint(pe.Offset)
		}
		switch {
		case errors.Is(err, ErrEmpty):
			f.Hint = "The input holds no token: give the whole token."
		case errors.Is(err, ErrNotToken):
			f.Message = "the input is " + pe.Reason
			f.Hint = "Copy the token itself: " + TokenForm + ". It is the access_token or id_token value of a token response, or what follows \"Bearer \" in an Authorization header."
		}
	}
	return f
}

// Check compares a parsed token with what was expected, at the time now
// with exp.Skew allowed on each time claim. It is pure: the same token,
// expectations and clock always give the same findings, each with a hint
// saying what to change.
func Check(tok *Token, exp Expect, now time.Time) []report.Finding {
	if tok == nil {
		return nil
	}
	c := checker{tok: tok, exp: exp, now: now, skew: max(exp.Skew, 0)}
	c.duplicates()
	switch tok.Format {
	case FormatOpaque:
		c.opaque()
		return c.out
	case FormatJWE:
		if exp.Kind == KindAccess {
			c.encryptedAccess()
		}
		c.add(report.CodeJWTEncrypted, report.SeverityInfo,
			fmt.Sprintf("the token is encrypted (JWE, alg %s, enc %s): its claims cannot be read or checked", orNone(tok.Alg), orNone(tok.Enc)),
			"Only the holder of the decryption key (the API, or the client for an encrypted ID token) can read it. To inspect the claims, turn token encryption off on the app registration while debugging.",
			nil)
		return c.out
	}
	c.alg()
	c.signatureSize()
	c.audience()
	c.issuer()
	c.idToken()
	c.times()
	return c.out
}

type checker struct {
	tok  *Token
	exp  Expect
	now  time.Time
	skew time.Duration
	out  []report.Finding
}

func (c *checker) add(code string, sev report.Severity, msg, hint string, detail map[string]string) {
	c.out = append(c.out, report.Finding{
		Code: code, Severity: sev, Token: c.exp.Kind,
		Message: msg, Hint: hint, Detail: detail,
	})
}

func (c *checker) malformedClaim(name, reason, hint string) {
	c.add(report.CodeJWTMalformed, report.SeverityError,
		fmt.Sprintf("claim %s %s", name, reason), hint,
		map[string]string{"part": "claims", "claim": name, "reason": reason})
}

func (c *checker) opaque() {
	if c.exp.Kind == KindRefresh {
		return // refresh tokens are meant to be opaque to the client
	}
	if c.exp.Kind == KindID {
		c.add(report.CodeJWTMalformed, report.SeverityError,
			"the ID token is not a JWT", "An OpenID Connect ID token is always a signed JWT. Check that the value read from the token response is id_token, not access_token or refresh_token.",
			map[string]string{"part": "token", "reason": "opaque"})
		return
	}
	sev, msg := report.SeverityWarn, "the access token is opaque (not a JWT): its audience and expiry cannot be read from it"
	var detail map[string]string
	if c.exp.Audience != "" {
		// An audience was expected, so a JWT was: an API that validates
		// JWTs will refuse this token.
		sev = report.SeverityError
		msg = fmt.Sprintf("the access token is opaque (not a JWT), so it cannot carry the expected audience %s", c.exp.Audience)
		detail = map[string]string{"expected": c.exp.Audience}
	}
	c.add(report.CodeAccessTokenOpaque, sev, msg,
		"Auth0 issues an opaque token, good only for its /userinfo endpoint, when the authorize request carries no `audience`: add "+c.audienceParam()+" to the connector's authorize URL or extra parameters. Entra ID, Okta and oidc-provider need the API named in scope or resource. Google, GitHub and many others always issue opaque access tokens: that is normal there, and only the provider can introspect them.",
		detail)
}

// encryptedAccess reports an access token in JWE form as opaque: an API
// that validates JWTs cannot read it either. Auth0 issues exactly such a
// token (alg dir, enc A256GCM, its iss in the header) for /userinfo when
// the authorize request names no audience.
func (c *checker) encryptedAccess() {
	form := fmt.Sprintf("JWE, alg %s, enc %s", orNone(c.tok.Alg), orNone(c.tok.Enc))
	sev := report.SeverityWarn
	msg := fmt.Sprintf("the access token is encrypted (%s): opaque to an API, which cannot read its audience or expiry", form)
	detail := map[string]string{"format": "jwe"}
	if c.exp.Audience != "" {
		sev = report.SeverityError
		msg = fmt.Sprintf("the access token is encrypted (%s), so no API can find the expected audience %s in it", form, c.exp.Audience)
		detail["expected"] = c.exp.Audience
	}
	var hint string
	if iss, ok := c.tok.HeaderString("iss"); ok && isAuth0Host(iss) {
		detail["issuer"] = iss
		hint = fmt.Sprintf("This is Auth0's token for its /userinfo endpoint (an encrypted JWE, alg dir, from %s): Auth0 issues it when the authorize request carries no `audience`, and only Auth0 can read it. Add %s to the connector's authorize URL or extra parameters to get a signed JWT for your API.", iss, c.audienceParam())
	} else {
		hint = "An encrypted access token (JWE) can be read only by the holder of its key. Auth0 issues one in the JWE dir form, good only for its /userinfo endpoint, when the authorize request carries no `audience`: add " + c.audienceParam() + " to the connector's authorize URL or extra parameters. Other providers encrypt access tokens only when the API's registration asks for it: turn encryption off for the API, or decode the token where its key is."
	}
	c.add(report.CodeAccessTokenOpaque, sev, msg, hint, detail)
}

// audienceParam is the authorize parameter that names the API to Auth0.
func (c *checker) audienceParam() string {
	if c.exp.Audience != "" {
		return "audience=" + c.exp.Audience
	}
	return "audience=API_IDENTIFIER (the Identifier in Auth0 > Applications > APIs, exactly)"
}

// isAuth0Host reports whether iss is a URL on an auth0.com host (a tenant
// domain such as acme.auth0.com or acme.eu.auth0.com; custom domains
// cannot be told apart).
func isAuth0Host(iss string) bool {
	u, err := url.Parse(iss)
	if err != nil || u.Scheme != "https" {
		return false
	}
	host := strings.ToLower(u.Hostname())
	return host == "auth0.com" || strings.HasSuffix(host, ".auth0.com")
}

// signatureSize flags a signature that is missing although the header
// names an alg, or whose size no key of that alg gives: a token cut (or
// run into the next text) when it was copied.
// Verification would fail too, but most people decode without keys.
func (c *checker) signatureSize() {
	if c.tok.SignatureRedacted || c.tok.Alg == "" || strings.EqualFold(c.tok.Alg, "none") {
		return
	}
	if !c.tok.Signed {
		// Says it is signed and is not: no API accepts it, and it must
		// not read as a clean token to someone without the keys.
		c.add(report.CodeJWTMalformed, report.SeverityError,
			fmt.Sprintf("the token says alg %s but its signature is empty", c.tok.Alg),
			"The signature segment (after the second dot) is empty: the token was cut when it was copied, or something stripped its signature. Copy the whole token; if the issuer makes it so, it is broken.",
			map[string]string{"part": "signature", "reason": "missing"})
		return
	}
	segs := strings.Split(c.tok.Raw, ".")
	got := len(strings.TrimRight(segs[len(segs)-1], "=")) * 6 / 8
	switch complete(c.tok) {
	case 0:
		c.add(report.CodeJWTMalformed, report.SeverityError,
			fmt.Sprintf("the signature is cut short: %d bytes, fewer than any %s signature has", got, c.tok.Alg),
			"The token was cut when it was copied (a terminal's line limit, a log line, a column of a table). Copy it whole again, or pipe it in from where it is.",
			map[string]string{"part": "signature", "reason": "truncated", "bytes": fmt.Sprint(got)})
	case 2:
		c.add(report.CodeJWTMalformed, report.SeverityError,
			fmt.Sprintf("the signature is too long: %d bytes, more than any %s signature has", got, c.tok.Alg),
			"Something was joined to the token when it was copied (the next line, a quote, a second token). Copy it alone again.",
			map[string]string{"part": "signature", "reason": "too_long", "bytes": fmt.Sprint(got)})
	}
}

func (c *checker) alg() {
	if c.tok.Alg == "" && (c.tok.Signed || c.tok.SignatureRedacted) {
		c.add(report.CodeJWTMalformed, report.SeverityError, "the header has no alg, but the token is signed",
			"RFC 7515 requires alg in the header of a signed token; no library can verify the token without it. The issuer builds its tokens by hand: ask for a standard JWT library.",
			map[string]string{"part": "header", "claim": "alg", "reason": "missing"})
		return
	}
	if strings.EqualFold(c.tok.Alg, "none") || (c.tok.Alg == "" && !c.tok.Signed && !c.tok.SignatureRedacted) {
		c.add(report.CodeJWTAlgNone, report.SeverityError,
			fmt.Sprintf("the token is unsigned (alg %s): anyone can forge one like it", orNone(c.tok.Alg)),
			"No API should accept an unsigned token. Configure the provider to sign its tokens (RS256 or ES256: the signing algorithm setting of the application or API), and make the API reject alg none.",
			map[string]string{"alg": c.tok.Alg})
	}
}

func (c *checker) audience() {
	aud, ok := c.tok.Audience()
	if v, present := c.tok.Claim("aud"); present && !ok {
		c.malformedClaim("aud", "is neither a string nor an array of strings: "+compact(v),
			"RFC 7519 makes aud a string or an array of strings; APIs built on standard libraries reject anything else.")
		return
	}
	// An ID token is for the client, whatever else its aud lists
	// (id_token.aud_not_client says when it is not); the portal's token is
	// an access token.
	for _, a := range aud {
		if IsAzureManagementAudience(a) && c.exp.Kind != KindID {
			c.add(report.CodeJWTAudAzureMgmt, report.SeverityWarn,
				fmt.Sprintf("aud is %s: this is the Azure portal's own token for Azure Resource Manager", a),
				"The JWT visible in the Power Automate / Power Apps UI (or the browser's developer tools) is the portal's token for management.azure.com, not the one your connector sends. The connector's token is kept server-side by Power Platform and never shown there: to see it, run the login with authtrace, or log the Authorization header in your API.",
				map[string]string{"actual": a})
			break
		}
	}
	if c.exp.Audience == "" || c.exp.Kind == KindID {
		return
	}
	for _, a := range aud {
		if a == c.exp.Audience {
			return
		}
	}
	if ver := c.entraVersion(); ver != "" {
		if f, ok := entraOtherForm(ver, c.exp.Audience, aud); ok {
			c.add(report.CodeJWTAudMismatch, report.SeverityWarn, f.msg, f.hint,
				map[string]string{"expected": c.exp.Audience, "actual": strings.Join(aud, ", "), "kind": "entra_v1_other_form"})
			return
		}
	}
	actual := strings.Join(aud, ", ")
	msg := fmt.Sprintf("aud %s does not contain the expected audience %s", orNone(actual), c.exp.Audience)
	if !ok {
		msg = fmt.Sprintf("the token has no aud claim; expected %s", c.exp.Audience)
	}
	c.add(report.CodeJWTAudMismatch, report.SeverityError, msg, c.audHint(aud),
		map[string]string{"expected": c.exp.Audience, "actual": actual})
}

func (c *checker) audHint(aud []string) string {
	want := c.exp.Audience
	if len(aud) > 0 {
		userinfoOnly := true
		for _, a := range aud {
			userinfoOnly = userinfoOnly && strings.HasSuffix(a, "/userinfo")
		}
		if userinfoOnly {
			return fmt.Sprintf("Auth0 issued this token for its /userinfo endpoint only, which means the authorize request carried no `audience`. Add audience=%s (the API identifier, exactly as in Auth0 > Applications > APIs) to the connector's authorize URL or extra parameters.", want)
		}
	}
	// An ID token is for the client, whatever else its aud lists
	// (id_token.aud_not_client says when it is not); the portal's token is
	// an access token.
	for _, a := range aud {
		if IsAzureManagementAudience(a) && c.exp.Kind != KindID {
			return "This is the Azure portal's own token (see jwt.aud_azure_management), not your connector's: decode the token your API receives instead."
		}
		if graphAudiences[a] {
			return fmt.Sprintf("This is a Microsoft Graph token: Entra ID issues a token for one resource per request, and the scope named only Graph permissions (openid, User.Read, ...) or named Graph first. Put your API's scope first, for example %s/.default or %s/access_as_user, in the connector's scope.", want, want)
		}
	}
	if ver := c.entraVersion(); ver != "" {
		return entraAudHint(ver, want, aud)
	}
	return fmt.Sprintf("The provider issued the token for another API. Name %s in the authorize request the way the provider wants it: Auth0 audience=, Entra ID scope=%s/.default, RFC 8707 resource= (oidc-provider, PingFederate), or the audience of an Okta custom authorization server.", want, want)
}

func (c *checker) issuer() {
	iss, isStr := c.tok.String("iss")
	if v, present := c.tok.Claim("iss"); present && !isStr {
		c.malformedClaim("iss", "is not a string: "+compact(v), "RFC 7519 makes iss a string (a URL for OpenID Connect providers).")
		return
	}
	want := c.exp.Issuer
	if want == "" || iss == want {
		return
	}
	detail := map[string]string{"expected": want, "actual": iss}
	var hint string
	switch {
	case iss == "":
		hint = "The token carries no iss claim, so an API that checks the issuer rejects it. OpenID Connect requires iss in ID tokens; ask the provider to include it."
	case strings.TrimSuffix(iss, "/") == strings.TrimSuffix(want, "/"):
		detail["kind"] = "trailing_slash"
		hint = fmt.Sprintf("The issuers differ only in the trailing slash, and issuers are compared byte for byte. Use exactly %s (Auth0's iss ends with a slash; Entra ID v2.0's ends with /v2.0, no slash).", iss)
	case strings.HasPrefix(iss, "https://sts.windows.net/") != strings.HasPrefix(want, "https://sts.windows.net/") &&
		(strings.HasPrefix(want, "https://login.microsoftonline.com/") || strings.HasPrefix(iss, "https://login.microsoftonline.com/")):
		detail["kind"] = "entra_version"
		hint = "https://sts.windows.net/{tenant}/ is the issuer of Entra ID v1.0 tokens and https://login.microsoftonline.com/{tenant}/v2.0 that of v2.0 tokens. The version follows the API's \"accessTokenAcceptedVersion\" in its manifest, not the endpoint the connector signs in with: accept the issuer of the version the API gets, or change that setting."
	default:
		hint = fmt.Sprintf("The token comes from %s. Check that the connector's authorize and token URLs belong to the issuer the API trusts (same tenant; for Auth0 a custom domain and the tenant domain are different issuers; for Entra ID a login through /common or /organizations yields the user's own tenant).", iss)
	}
	c.add(report.CodeJWTIssMismatch, report.SeverityError,
		fmt.Sprintf("iss %s is not the expected issuer %s", orNone(iss), want), hint, detail)
}

func (c *checker) idToken() {
	if c.exp.Kind != KindID {
		return
	}
	if c.exp.ClientID != "" {
		aud, _ := c.tok.Audience()
		found := false
		for _, a := range aud {
			found = found || a == c.exp.ClientID
		}
		actual := strings.Join(aud, ", ")
		if !found {
			c.add(report.CodeIDTokenAudNotClient, report.SeverityError,
				fmt.Sprintf("the ID token's aud %s does not contain the client id %s", orNone(actual), c.exp.ClientID),
				"An ID token is issued to the client that logged in, so its aud must contain that client id. The login used another client id (check the connector's Client ID against the app registration), or this is an access token read as an ID token.",
				map[string]string{"expected": c.exp.ClientID, "actual": actual})
		} else if azp, ok := c.tok.String("azp"); ok && len(aud) > 1 && azp != c.exp.ClientID {
			c.add(report.CodeIDTokenAudNotClient, report.SeverityWarn,
				fmt.Sprintf("the ID token has several audiences and its azp %s is not the client id %s", azp, c.exp.ClientID),
				"OpenID Connect clients reject an ID token whose azp (authorized party) is another client. Check which client the provider thinks made the request.",
				map[string]string{"expected": c.exp.ClientID, "actual": azp, "claim": "azp"})
		}
	}
	if c.exp.Nonce != "" {
		nonce, ok := c.tok.String("nonce")
		switch {
		case !ok:
			c.add(report.CodeIDTokenNonceMismatch, report.SeverityError,
				"the ID token has no nonce, but the authorize request sent one",
				"The provider must copy the nonce of the authorize request into the ID token. It did not: the nonce parameter was dropped on the way (a proxy in front of /authorize), or this ID token came from a refresh, where providers may omit it.",
				map[string]string{"expected": c.exp.Nonce, "actual": ""})
		case nonce != c.exp.Nonce:
			c.add(report.CodeIDTokenNonceMismatch, report.SeverityError,
				fmt.Sprintf("the ID token's nonce %s is not the one sent, %s", nonce, c.exp.Nonce),
				"The ID token belongs to another login (a cached session or a replayed response), or something between the client and the provider altered the nonce parameter. Compare the authorize hops' nonce with what was sent.",
				map[string]string{"expected": c.exp.Nonce, "actual": nonce})
		}
	}
}

// numericDate reads a NumericDate claim. present says the claim is there;
// ok that it is a number.
func (c *checker) numericDate(name string) (t time.Time, present, ok bool) {
	v, present := c.tok.Claim(name)
	if !present {
		return time.Time{}, false, false
	}
	t, ok = NumericDate(v)
	switch {
	case ok:
	case isJSONNumber(v):
		c.malformedClaim(name, "is out of range for a date (NumericDate): "+compact(v),
			fmt.Sprintf("RFC 7519 makes %s a number of seconds since 1970; this one is beyond year 300000, so it is not seconds (milliseconds or nanoseconds, perhaps). JWT libraries in APIs reject the token, or ignore the claim.", name))
	default:
		c.malformedClaim(name, "is not a number (NumericDate): "+compact(v),
			fmt.Sprintf("RFC 7519 makes %s a number of seconds since 1970 (not a string or a date text); JWT libraries in APIs reject the token, or ignore the claim.", name))
	}
	return t, true, ok
}

// maxNumericDate bounds the dates read, in seconds either side of 1970:
// year 318857, far beyond any real token and within what time.Time holds.
const maxNumericDate = 1e13

// NumericDate reads a JSON number of seconds since 1970 (fractions
// allowed) within ±maxNumericDate. ok is false for anything else,
// including strings of digits.
func NumericDate(v json.RawMessage) (time.Time, bool) {
	var f float64
	if !isJSONNumber(v) || json.Unmarshal(v, &f) != nil || math.IsInf(f, 0) || math.Abs(f) > maxNumericDate {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// isJSONNumber reports whether v, a valid JSON value, is a number.
func isJSONNumber(v json.RawMessage) bool {
	return len(v) > 0 && (v[0] == '-' || v[0] >= '0' && v[0] <= '9')
}

func (c *checker) times() {
	skewNote := fmt.Sprintf("skew %s", c.skew)
	now := c.now
	iat, _, iatOK := c.numericDate("iat")
	if exp, _, ok := c.numericDate("exp"); ok && now.After(exp.Add(c.skew)) {
		detail := map[string]string{"exp": exp.Format(time.RFC3339), "now": now.UTC().Format(time.RFC3339), "skew": c.skew.String()}
		hint := "Get a new token: the connector should refresh it with the refresh token before it expires (see refresh_token.missing if it has none)."
		if iatOK && exp.After(iat) {
			life := exp.Sub(iat)
			detail["lifetime"] = life.String()
			if now.Sub(exp) < 5*time.Minute && life >= 5*time.Minute {
				hint += " It expired only moments ago: if it was issued just now, this machine's clock is fast; compare it with the provider's Date header."
			}
		}
		c.add(report.CodeJWTExpired, report.SeverityError,
			fmt.Sprintf("expired %s ago, at %s (%s)", Duration(now.Sub(exp)), utcText(exp), skewNote), hint, detail)
	}
	if nbf, _, ok := c.numericDate("nbf"); ok && nbf.After(now.Add(c.skew)) {
		c.add(report.CodeJWTNotYetValid, report.SeverityError,
			fmt.Sprintf("not valid until %s, in %s (%s)", utcText(nbf), Duration(nbf.Sub(now)), skewNote),
			"The provider's clock is ahead of this machine's (or this machine's is behind) by more than the skew: sync the clock (timedatectl set-ntp true, w32tm /resync), or allow a larger clock skew if the provider's clock is known to drift.",
			map[string]string{"nbf": nbf.Format(time.RFC3339), "now": now.UTC().Format(time.RFC3339), "skew": c.skew.String()})
	}
	if iatOK && iat.After(now.Add(c.skew)) {
		c.add(report.CodeJWTIatFuture, report.SeverityWarn,
			fmt.Sprintf("issued in the future: iat is %s, %s from now (%s)", utcText(iat), Duration(iat.Sub(now)), skewNote),
			"The provider's clock and this machine's disagree by more than the skew. APIs with strict clock checks reject such tokens; sync the clocks (timedatectl set-ntp true, w32tm /resync).",
			map[string]string{"iat": iat.Format(time.RFC3339), "now": now.UTC().Format(time.RFC3339), "skew": c.skew.String()})
	}
	c.numericDate("auth_time")
}

func utcText(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// compact renders a JSON value on one line, cut to a readable length.
func compact(v json.RawMessage) string {
	s := strings.Join(strings.Fields(string(v)), " ")
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
