package report

import "testing"

func TestWorst(t *testing.T) {
	f := func(sevs ...Severity) []Finding {
		var out []Finding
		for _, s := range sevs {
			out = append(out, Finding{Severity: s})
		}
		return out
	}
	tests := []struct {
		name   string
		fs     []Finding
		want   Severity
		wantOK bool
	}{
		{"none", nil, "", false},
		{"info", f(SeverityInfo), SeverityInfo, true},
		{"warn over info", f(SeverityInfo, SeverityWarn, SeverityInfo), SeverityWarn, true},
		{"error over all", f(SeverityWarn, SeverityError, SeverityInfo), SeverityError, true},
		{"unknown ranks lowest", f("fatal", SeverityInfo), SeverityInfo, true},
		{"only unknown", f("fatal"), "", false},
	}
	for _, tt := range tests {
		got, ok := Worst(tt.fs)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: Worst = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}
