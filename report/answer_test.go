package report_test

import (
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

func TestAnswer(t *testing.T) {
	st := map[string]string{"state": "abc", "redirect_uri": testRedirect}
	sent := report.Hop{N: 1, Source: report.SourceSent, Role: report.RoleAuthorize, Params: st}
	authz := report.Hop{N: 2, Source: report.SourcePreflight, Role: report.RoleAuthorize, Status: 302, Location: "https://idp/u/login", Params: st}
	login := report.Hop{N: 3, Source: report.SourcePreflight, Role: report.RoleProvider, Status: 200, Params: map[string]string{"state": "provider-own"}}
	errPage := report.Hop{N: 3, Source: report.SourcePreflight, Role: report.RoleErrorPage, Status: 500}
	down := report.Hop{N: 2, Source: report.SourcePreflight, Role: report.RoleAuthorize, Error: "connection refused"}
	callback := report.Hop{N: 4, Source: report.SourceCallback, Role: report.RoleCallback, Params: st}
	finding := func(code string, hop int, detail map[string]string) report.Finding {
		return report.Finding{Code: code, Severity: report.SeverityError, Hop: hop, Detail: detail}
	}
	tests := []struct {
		name               string
		hops               []report.Hop
		findings           []report.Finding
		redirect, state    report.Verdict
		redirectHas, stHas string
		redirectHop, stHop int
	}{
		{
			name:     "healthy up to the login page",
			hops:     []report.Hop{sent, authz, login},
			redirect: report.VerdictOK, redirectHas: "login page at hop 3", redirectHop: 3,
			state: report.VerdictOK, stHas: "the one authorize hop that carries it",
		},
		{
			name:     "refused",
			hops:     []report.Hop{sent, errPage},
			findings: []report.Finding{finding(report.CodeRedirectURIRejected, 3, map[string]string{"signature": "Auth0 \"Callback URL mismatch\""})},
			redirect: report.VerdictProblem, redirectHas: "Callback URL mismatch", redirectHop: 3,
			state: report.VerdictUnknown, stHas: "no hop",
		},
		{
			name: "state changed at two hops: the first is the answer",
			hops: []report.Hop{sent, authz, login},
			findings: []report.Finding{
				finding(report.CodeStateChanged, 5, map[string]string{"kind": "replaced"}),
				finding(report.CodeStateChanged, 2, map[string]string{"kind": "suffix_added"}),
				finding(report.CodeRedirectURIChanged, 2, map[string]string{"kind": "trailing_slash"}),
			},
			redirect: report.VerdictProblem, redirectHas: "trailing_slash", redirectHop: 2,
			state: report.VerdictProblem, stHas: "suffix_added", stHop: 2,
		},
		{
			name:     "state missing",
			hops:     []report.Hop{sent, authz, login},
			findings: []report.Finding{finding(report.CodeStateMissing, 2, nil)},
			redirect: report.VerdictOK, redirectHop: 3,
			state: report.VerdictProblem, stHas: "missing at hop 2", stHop: 2,
		},
		{
			name:     "callback reached",
			hops:     []report.Hop{sent, authz, login, callback},
			redirect: report.VerdictOK, redirectHop: 3,
			state: report.VerdictOK, stHas: "callback", stHop: 4,
		},
		{
			name:     "unreachable",
			hops:     []report.Hop{sent, down},
			redirect: report.VerdictUnknown, redirectHas: "could not be reached", redirectHop: 2,
			state: report.VerdictUnknown,
		},
		{
			name:     "error page without a known rejection",
			hops:     []report.Hop{sent, authz, errPage},
			redirect: report.VerdictUnknown, redirectHas: "HTTP 500", redirectHop: 3,
			state: report.VerdictOK,
		},
		{
			name:     "loop",
			hops:     []report.Hop{sent, authz},
			findings: []report.Finding{finding(report.CodeRedirectLoop, 2, nil)},
			redirect: report.VerdictUnknown, redirectHas: "redirect.loop", redirectHop: 2,
			state: report.VerdictOK,
		},
		{
			name:     "only the provider's own state",
			hops:     []report.Hop{sent, login},
			redirect: report.VerdictOK, redirectHop: 3,
			state: report.VerdictUnknown, stHas: "provider's own",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := report.Report{Hops: tt.hops, Findings: tt.findings}.Answer()
			check := func(what string, got report.Answer, verdict report.Verdict, has string, hop int) {
				if got.Verdict != verdict || !strings.Contains(got.Text, has) || got.Hop != hop {
					t.Errorf("%s = %s %q (hop %d), want %s with %q (hop %d)", what, got.Verdict, got.Text, got.Hop, verdict, has, hop)
				}
			}
			check("redirect_uri", a.RedirectURI, tt.redirect, tt.redirectHas, tt.redirectHop)
			check("state", a.State, tt.state, tt.stHas, tt.stHop)
		})
	}
}

func TestChainAnswers(t *testing.T) {
	r := twoChains()
	p, l := r.Chain(report.ChainPlatform), r.Chain(report.ChainLoopback)
	if got := p.Answer().RedirectURI.Verdict; got != report.VerdictProblem {
		t.Errorf("platform chain: redirect verdict %s, want problem", got)
	}
	if got := l.Answer().RedirectURI.Verdict; got != report.VerdictOK {
		t.Errorf("loopback chain: redirect verdict %s, want ok", got)
	}
	if len(l.Findings) != 0 || len(p.Findings) != 1 || len(l.Hops) != 2 {
		t.Errorf("cut: platform %d findings, loopback %d findings and %d hops; want 1, 0, 2", len(p.Findings), len(l.Findings), len(l.Hops))
	}
	if l.Profile.State != "s2" {
		t.Errorf("loopback chain profile state %q, want s2", l.Profile.State)
	}
}
