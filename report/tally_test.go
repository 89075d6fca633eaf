package report

import "testing"

// TestTally: counts read as a person says them, severities with none left
// out, never "0 warnings" or "no errors, 0 warnings".
func TestTally(t *testing.T) {
	f := func(sevs ...Severity) Report {
		var r Report
		for _, s := range sevs {
			r.Findings = append(r.Findings, Finding{Code: "x", Severity: s})
		}
		return r
	}
	tests := []struct {
		r              Report
		tally, problem string
	}{
		{f(), "no problems found", "no problems found"},
		{f(SeverityInfo), "no problems found, 1 info", "no problems found"},
		{f(SeverityError, SeverityError, SeverityInfo), "2 errors, 1 info", "2 errors"},
		{f(SeverityWarn, SeverityWarn), "2 warnings", "2 warnings"},
		{f(SeverityError, SeverityWarn), "1 error, 1 warning", "1 error, 1 warning"},
	}
	for _, tt := range tests {
		if got := tt.r.Tally(); got != tt.tally {
			t.Errorf("Tally() = %q, want %q", got, tt.tally)
		}
		if got := tt.r.Problems(); got != tt.problem {
			t.Errorf("Problems() = %q, want %q", got, tt.problem)
		}
	}
}
