package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// checkTokens decodes and checks the tokens of a successful exchange, and
// compares the granted scope with the requested one.
func (r *runner) checkTokens(ctx context.Context, t tokenResponse) {
	r.scopeFindings(t.Scope)
}

// scopeFindings reports requested scopes the provider did not grant. A
// token response without scope means "as requested" (RFC 6749 §5.1).
func (r *runner) scopeFindings(granted string) {
	if granted == "" || r.cfg.Scope == "" {
		return
	}
	have := map[string]bool{}
	for _, s := range strings.Fields(granted) {
		have[s] = true
	}
	for _, s := range strings.Fields(r.cfg.Scope) {
		if have[s] {
			continue
		}
		hint := fmt.Sprintf("The provider dropped %q: check that the app is allowed that scope (and that the user consented to it).", s)
		if s == "offline_access" {
			hint = "Without offline_access no refresh token is issued on most providers. Check that the app may request it and that consent was given (prompt=consent)."
		}
		r.addFinding(report.Finding{
			Code: report.CodeScopeNotGranted, Severity: report.SeverityWarn,
			Message: fmt.Sprintf("scope %q was requested but not granted (granted: %s)", s, granted),
			Hint:    hint,
			Detail:  map[string]string{"scope": s, "granted": granted},
		})
	}
}
