package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/report"
)

// checkTokens decodes and checks the tokens of a successful exchange,
// verifies their signatures against the provider's JWKS when it is known,
// and compares the granted scope with the requested one.
func (r *runner) checkTokens(ctx context.Context, t tokenResponse) {
	now := r.now()
	keys := &decode.KeySource{JWKS: r.cfg.JWKSURL, ClientSecret: []byte(r.cfg.ClientSecret), Client: r.client}
	keysLogged := false
	for _, kt := range []struct{ kind, raw string }{
		{decode.KindAccess, t.AccessToken},
		{decode.KindID, t.IDToken},
	} {
		if kt.raw == "" {
			continue
		}
		exp := decode.Expect{Kind: kt.kind, Skew: decode.DefaultSkew}
		switch kt.kind {
		case decode.KindAccess:
			exp.Audience, exp.Issuer = r.cfg.ExpectAud, r.cfg.ExpectIss
		case decode.KindID:
			exp.ClientID, exp.Nonce, exp.Issuer = r.cfg.ClientID, r.rep.Profile.Nonce, r.issuer
		}
		tok, findings := decode.Inspect(kt.raw, exp, now)
		if tok != nil {
			rt := tok.Report(kt.kind)
			r.emit(Event{Kind: EventToken, Token: &rt})
		}
		for _, f := range findings {
			r.addFinding(inLogin(f))
		}
		if tok == nil || tok.Format != decode.FormatJWT || !tok.Signed {
			continue
		}
		_, fs, err := keys.Verify(ctx, tok, kt.kind)
		for _, f := range fs {
			r.addFinding(f)
		}
		if err != nil && !errors.Is(err, decode.ErrNotVerifiable) && !keysLogged {
			// The JWKS could not be had: once is enough to say so.
			keysLogged = true
			r.log("signatures not checked: %v", err)
		}
	}
	r.scopeFindings(t)
}

// inLogin rewrites a token finding's hint for a token this login obtained.
// decode's hints for a management.azure.com audience assume a token copied
// from the Power Platform portal; here it came from the connector's own
// login, so the connector's settings asked for that audience.
func inLogin(f report.Finding) report.Finding {
	if f.Code == report.CodeJWTAudAzureMgmt {
		f.Message = "aud is " + decode.AzureManagementAudience + ": this login's access token is for Azure Resource Manager, not for your API"
	}
	if f.Code == report.CodeJWTAudAzureMgmt || f.Code == report.CodeJWTAudMismatch && strings.Contains(f.Detail["actual"], "management.azure.com") {
		f.Hint = "The provider issued this login's access token for Azure Resource Manager (" + decode.AzureManagementAudience + "), so the connector's settings ask for that resource: in the connector's security settings, set the Resource URL (Entra v1) or the scope (Entra v2, api://<app id>/<scope>) to your API's Application ID URI, not " + decode.AzureManagementAudience + "."
	}
	return f
}

// scopeFindings reports requested scopes the provider did not grant. A
// token response without scope means "as requested" (RFC 6749 §5.1). The
// scope it lists is the access token's: with an API audience (resource,
// audience) the OpenID Connect scopes are not in it, so those are judged by
// what came back instead: openid by an ID token; offline_access by a
// refresh token, whose absence refresh_token.missing reports already.
func (r *runner) scopeFindings(t tokenResponse) {
	requested := r.sentQuery["scope"]
	if t.Scope == "" || requested == "" {
		return
	}
	have := map[string]bool{}
	for _, s := range strings.Fields(t.Scope) {
		have[s] = true
	}
	forAPI := r.sentQuery["resource"] != "" || r.sentQuery["audience"] != ""
	for _, s := range strings.Fields(requested) {
		switch {
		case have[s]:
			continue
		case s == "openid":
			if t.IDToken != "" {
				continue
			}
		case s == "offline_access":
			continue
		case forAPI && (s == "profile" || s == "email" || s == "address" || s == "phone"):
			continue
		}
		hint := fmt.Sprintf("The provider dropped %q: check that the app is allowed that scope (and that the user consented to it).", s)
		if s == "openid" {
			hint = "No ID token came back and openid is not in the granted scope: the provider treated the login as plain OAuth 2.0. Check that the app is an OpenID Connect app and may request openid."
		}
		r.addFinding(report.Finding{
			Code: report.CodeScopeNotGranted, Severity: report.SeverityWarn,
			Message: fmt.Sprintf("scope %q was requested but not granted (granted: %s)", s, t.Scope),
			Hint:    hint,
			Detail:  map[string]string{"scope": s, "granted": t.Scope},
		})
	}
}
