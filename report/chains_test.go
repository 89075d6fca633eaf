package report_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

// TestWhereConnector: a connector finding is placed by its JSON path's
// last name, a wrapped value's "value" and array indexes skipped, or as
// "connector" without a path; other findings as before.
func TestWhereConnector(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    report.Finding
		want string
	}{
		{"dotted path, wrapped value", report.Finding{Code: report.CodeConnectorPlaceholderUnknown, Detail: map[string]string{"path": "properties.connectionParameters.token.oAuthSettings.customParameters.tokenBodyTemplate.value"}}, "tokenBodyTemplate"},
		{"parameter sets", report.Finding{Code: report.CodeConnectorRedirectGlobal, Detail: map[string]string{"path": "properties.connectionParameterSets.values[1].parameters.token.oAuthSettings.redirectUrl"}}, "redirectUrl"},
		{"JSON pointer", report.Finding{Code: report.CodeConnectorSecretInFile, Detail: map[string]string{"path": "/properties/connectionParameters/token/oAuthSettings/clientSecret"}}, "clientSecret"},
		{"array index last", report.Finding{Code: report.CodeConnectorNoOfflineAccess, Detail: map[string]string{"path": "$.properties.connectionParameters.token.oAuthSettings.scopes[0]"}}, "scopes"},
		{"no path", report.Finding{Code: report.CodeConnectorProviderUnsupported}, "connector"},
		{"only an index", report.Finding{Code: report.CodeConnectorInvalid, Detail: map[string]string{"path": "[0]"}}, "connector"},
		{"a hop still wins", report.Finding{Code: report.CodeStateChanged, Hop: 3}, "hop 3"},
		{"a login finding", report.Finding{Code: report.CodeRedirectLoop}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.f.Where(); got != tc.want {
				t.Errorf("Where() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestAnswerShort(t *testing.T) {
	for _, tc := range []struct {
		a    report.Answer
		want string
	}{
		{report.Answer{Verdict: report.VerdictProblem, Text: "refused by the provider at hop 2 (Entra AADSTS50011)", Hop: 2}, "refused by the provider at hop 2"},
		{report.Answer{Verdict: report.VerdictOK, Text: "accepted: the provider went on to its login page at hop 4 (providers check redirect_uri before that)", Hop: 4}, "accepted (hop 4)"},
		{report.Answer{Verdict: report.VerdictUnknown, Text: "not known: no hop after the sent one carries it"}, "not known"},
		{report.Answer{Verdict: report.VerdictOK, Text: "came back unchanged in the callback (hop 5)", Hop: 5}, "came back unchanged in the callback (hop 5)"},
	} {
		if got := tc.a.Short(); got != tc.want {
			t.Errorf("Short(%q) = %q, want %q", tc.a.Text, got, tc.want)
		}
	}
}

// twoChains is a trace --connector in brief: the platform's redirect URI
// refused at an error page, the loopback one reaching a login page.
func twoChains() report.Report {
	return report.Report{
		Chains: []report.Chain{{Name: report.ChainPlatform, RedirectURI: "https://p/redirect", State: "s1"}, {Name: report.ChainLoopback, RedirectURI: "http://127.0.0.1:53682/callback", State: "s2"}},
		Hops: []report.Hop{
			{N: 1, Source: report.SourceSent, Role: report.RoleAuthorize, Chain: report.ChainPlatform, Params: map[string]string{"state": "s1"}},
			{N: 2, Source: report.SourcePreflight, Role: report.RoleErrorPage, Status: 400, Chain: report.ChainPlatform},
			{N: 3, Source: report.SourceSent, Role: report.RoleAuthorize, Chain: report.ChainLoopback, Params: map[string]string{"state": "s2"}},
			{N: 4, Source: report.SourcePreflight, Role: report.RoleProvider, Status: 200, Chain: report.ChainLoopback},
		},
		Findings: []report.Finding{{Code: report.CodeRedirectURIRejected, Severity: report.SeverityError, Hop: 2, Detail: map[string]string{"signature": "invalid_redirect_uri"}}},
	}
}

// TestByChain: each chain answered on its own, in the report's order,
// with its label; a report without chains has none.
func TestByChain(t *testing.T) {
	r := twoChains()
	type row struct {
		Name, Label string
		Verdict     report.Verdict
		Hops        int
	}
	var got []row
	for _, cr := range r.ByChain() {
		got = append(got, row{cr.Name, cr.Label(), cr.Answers.RedirectURI.Verdict, len(cr.Report.Hops)})
	}
	want := []row{
		{report.ChainPlatform, "the platform's redirect URI", report.VerdictProblem, 2},
		{report.ChainLoopback, "the loopback redirect URI", report.VerdictOK, 2},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ByChain (-want +got):\n%s", diff)
	}
	if got := (report.Report{Hops: r.Hops}).ByChain(); got != nil {
		t.Errorf("a report without chains: ByChain = %v, want nil", got)
	}
}
