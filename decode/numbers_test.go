package decode

import (
	"testing"
	"time"

	"github.com/authtrace/authtrace/report"
)

// TestTimeClaimOutOfRange: a time claim that is a number too large for a
// date says so, rather than "not a number".
func TestTimeClaimOutOfRange(t *testing.T) {
	now := time.Unix(testNowUnix, 0)
	for _, tt := range []struct{ claim, value, want string }{
		{"exp", "1e20", "is out of range for a date (NumericDate): 1e20"},
		{"nbf", "-99999999999999", "is out of range for a date (NumericDate): -99999999999999"},
		{"iat", "1e400", "is out of range for a date (NumericDate): 1e400"},
		{"exp", `"1795957200"`, `is not a number (NumericDate): "1795957200"`},
	} {
		tok, err := Parse(unsigned(`{"alg":"none"}`, `{"`+tt.claim+`":`+tt.value+`}`) + ".")
		if err != nil {
			t.Fatalf("%s=%s: %v", tt.claim, tt.value, err)
		}
		found := false
		for _, f := range Check(tok, Expect{Skew: DefaultSkew}, now) {
			if f.Code == report.CodeJWTMalformed && f.Detail["claim"] == tt.claim {
				found = f.Detail["reason"] == tt.want
				if !found {
					t.Errorf("%s=%s: reason %q, want %q", tt.claim, tt.value, f.Detail["reason"], tt.want)
				}
			}
		}
		if !found {
			t.Errorf("%s=%s: no jwt.malformed finding for the claim", tt.claim, tt.value)
		}
	}
}
