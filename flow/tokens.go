package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

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
		if tok == nil {
			for _, f := range findings {
				r.addFinding(inLogin(f))
			}
			continue
		}
		rt := tok.Report(kt.kind)
		var sigFindings []report.Finding
		if tok.Format == decode.FormatJWT {
			var err error
			rt.Verification, sigFindings, err = r.verify(ctx, keys, tok, kt.kind)
			if err != nil && !keysLogged {
				// The JWKS could not be had: once is enough to say so.
				keysLogged = true
				r.log("signatures not checked: %v", err)
			}
		}
		r.emit(Event{Kind: EventToken, Token: &rt})
		for _, f := range findings {
			r.addFinding(inLogin(f))
		}
		for _, f := range sigFindings {
			r.addFinding(f)
		}
	}
	r.scopeFindings(t)
}

// verify checks a JWT's signature with keys and says how it went, for
// the token's entry in the report. Its error says the keys could not be
// had (the JWKS could not be fetched or read).
func (r *runner) verify(ctx context.Context, keys *decode.KeySource, tok *decode.Token, kind string) (*report.Verification, []report.Finding, error) {
	v := &report.Verification{Status: report.NotChecked, Alg: tok.Alg, Kid: tok.Kid}
	if !tok.Signed {
		v.Reason = "the token has no signature"
		return v, nil, nil
	}
	used, fs, err := keys.Verify(ctx, tok, kind)
	var ue *decode.UnverifiableError
	var fe *decode.FetchError
	switch {
	case errors.As(err, &ue) && r.cfg.JWKSURL == "" && !strings.HasPrefix(tok.Alg, "HS"):
		v.Reason = "no JWKS: the provider's keys are known only through issuer discovery"
		return v, nil, nil
	case errors.As(err, &ue):
		v.Reason = ue.Reason
		return v, nil, nil
	case errors.As(err, &fe):
		v.Source, v.Reason = fe.URL, "cannot fetch the JWKS: "+fe.Reason()
		return v, nil, err
	case err != nil:
		v.Source, v.Reason = r.cfg.JWKSURL, err.Error()
		return v, nil, err
	}
	v.Source = used.Source
	if v.Source == "secret" {
		v.Source = "client secret"
	}
	if len(fs) > 0 {
		v.Status, v.Reason = report.Failed, fs[0].Message
		return v, fs, nil
	}
	v.Status = report.Verified
	return v, nil, nil
}

// inLogin rewrites a token finding's hint for a token this login obtained.
// decode's hints for a management.azure.com audience assume a token copied
// from the Power Platform portal; here it came from the connector's own
// login, so the connector's settings asked for that audience.
func inLogin(f report.Finding) report.Finding {
	if f.Code == report.CodeJWTExpired {
		// A token this login was just given that is already past its
		// lifetime was not kept too long: a clock is wrong, and a refresh
		// brings another like it.
		exp, err1 := time.Parse(time.RFC3339, f.Detail["exp"])
		now, err2 := time.Parse(time.RFC3339, f.Detail["now"])
		life, err3 := time.ParseDuration(f.Detail["lifetime"])
		if err1 == nil && err2 == nil && err3 == nil && now.Sub(exp) > time.Minute {
			f.Message = "this login's token arrived already expired: " + f.Message
			f.Hint = fmt.Sprintf("The provider issued the token just now, yet it was issued for %s and ran out %s ago: the provider's clock is behind this machine's (or this machine's is ahead) by about %s. Sync the clocks (timedatectl set-ntp true, w32tm /resync; for a self-hosted provider, its server's too): refreshing only brings another token like it, and the API refuses each one.",
				decode.Duration(life), decode.Duration(now.Sub(exp)), decode.Duration(now.Sub(exp)+life))
		}
	}
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
