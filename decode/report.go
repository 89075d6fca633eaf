package decode

import (
	"encoding/json"
	"time"

	"github.com/authtrace/authtrace/report"
)

// ReportClaims lists a token's claims for report.Markdown, which cannot
// read tokens itself: Members in token order, worded by Fields in UTC.
func ReportClaims(raw json.RawMessage, now time.Time) ([]report.Claim, error) {
	ms, err := Members(raw)
	if err != nil {
		return nil, err
	}
	fs := Fields(ms, now, nil)
	out := make([]report.Claim, len(fs))
	for i, f := range fs {
		out[i] = report.Claim{Name: f.Name, Value: f.Value, When: f.When}
	}
	return out, nil
}
