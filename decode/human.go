package decode

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Duration renders a span for people, to the precision that matters at its
// size: "42s", "4m30s", "59m", "3h12m", "2d3h". Negative spans are shown
// by their size.
func Duration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	s := int64(d / time.Second)
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 10*60:
		if s%60 == 0 {
			return fmt.Sprintf("%dm", s/60)
		}
		return fmt.Sprintf("%dm%ds", s/60, s%60)
	case s < 3600:
		return fmt.Sprintf("%dm", s/60)
	case s < 48*3600:
		if (s%3600)/60 == 0 {
			return fmt.Sprintf("%dh", s/3600)
		}
		return fmt.Sprintf("%dh%dm", s/3600, (s%3600)/60)
	case s < 365*86400:
		if (s%86400)/3600 == 0 {
			return fmt.Sprintf("%dd", s/86400)
		}
		return fmt.Sprintf("%dd%dh", s/86400, (s%86400)/3600)
	}
	return fmt.Sprintf("%.1fy", float64(s)/(365.25*86400))
}

// Relative says when t is from now: "3h12m ago", "in 59m" or "now" (within
// a second).
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	switch {
	case d > -time.Second && d < time.Second:
		return "now"
	case d < 0:
		return Duration(d) + " ago"
	}
	return "in " + Duration(d)
}

// HumanTime renders t in UTC and in local time with its distance from now:
// "2026-11-29 11:47:35 UTC (12:47:35 CET), 3h12m ago".
func HumanTime(t, now time.Time) string {
	return HumanTimeIn(t, now, time.Local)
}

// HumanTimeIn is HumanTime with the local zone given (tests, or a zone the
// user chose). The local part is left out when the zone is UTC.
func HumanTimeIn(t, now time.Time, loc *time.Location) string {
	var b strings.Builder
	b.WriteString(t.UTC().Format("2006-01-02 15:04:05 UTC"))
	if loc != nil {
		lt := t.In(loc)
		if name, off := lt.Zone(); off != 0 || name != "UTC" {
			layout := "15:04:05 MST"
			if lt.YearDay() != t.UTC().YearDay() {
				layout = "Jan 2 15:04:05 MST"
			}
			b.WriteString(" (" + lt.Format(layout) + ")")
		}
	}
	b.WriteString(", ")
	b.WriteString(Relative(t, now))
	return b.String()
}

// ClaimTime words a time claim's distance from now the way people talk
// about that claim: exp "expired 3h12m ago" / "expires in 59m", nbf "valid
// from 2m ago" / "not valid for 5m", iat "issued 3h ago" / "issued 4m in
// the future"; other claims ("auth_time", "updated_at") like Relative.
func ClaimTime(name string, t, now time.Time) string {
	past := !t.After(now)
	d := Duration(t.Sub(now))
	switch name {
	case "exp":
		if past {
			return "expired " + d + " ago"
		}
		return "expires in " + d
	case "nbf":
		if past {
			return "valid since " + d + " ago"
		}
		return "not valid for another " + d
	case "iat":
		if past {
			return "issued " + d + " ago"
		}
		return "issued " + d + " in the future"
	}
	return Relative(t, now)
}

// timeClaims are the claims holding a NumericDate.
var timeClaims = map[string]bool{
	"exp": true, "nbf": true, "iat": true, "auth_time": true, "updated_at": true,
	"rat": true, "pwd_exp": true, "xms_tcdt": true,
}

// claimNames says in a few words what well-known claims mean.
var claimNames = map[string]string{
	"iss": "issuer", "sub": "subject", "aud": "audience", "exp": "expires",
	"nbf": "not before", "iat": "issued at", "jti": "token id", "azp": "authorized party",
	"nonce": "nonce", "auth_time": "signed in at", "scp": "scopes (Entra ID)",
	"scope": "scopes", "scopes": "scopes", "roles": "app roles", "tid": "tenant (Entra ID)",
	"oid": "user object id (Entra ID)", "appid": "client id (Entra ID v1.0)",
	"azpacr": "client auth (Entra ID v2.0)", "appidacr": "client auth (Entra ID v1.0)",
	"ver": "token version", "client_id": "client id", "cid": "client id (Okta)",
	"uid": "user id (Okta)", "idp": "identity provider", "amr": "auth methods",
	"acr": "auth context", "at_hash": "access token hash", "c_hash": "code hash",
	"sid": "session id", "upn": "user principal name", "unique_name": "user name",
	"preferred_username": "user name", "email": "email", "name": "name",
	"gty": "grant type (Auth0)", "permissions": "permissions (Auth0 RBAC)",
	"org_id": "organization (Auth0)", "typ": "token type", "alg": "signing algorithm",
	"kid": "key id", "enc": "content encryption", "x5t": "certificate thumbprint",
	"cty": "content type", "jku": "key set URL",
}

// Field is one claim (or header member) ready to show: Name, its value as
// text (a string's own text, other values as compact JSON), what the claim
// is (About, for well-known names) and, for time claims, When: the date in
// UTC and local time with its relative wording.
type Field struct {
	Name  string
	Value string
	About string
	When  string
	// Time is the parsed time of a NumericDate claim (zero otherwise).
	Time time.Time
}

// Fields lists members in token order with rendered values, local times in
// loc (nil: UTC only).
func Fields(members []Claim, now time.Time, loc *time.Location) []Field {
	out := make([]Field, 0, len(members))
	for _, m := range members {
		f := Field{Name: m.Name, About: claimNames[m.Name]}
		if s, ok := jsonString(m.Value); ok {
			f.Value = s
		} else {
			f.Value = CompactJSON(m.Value)
		}
		if timeClaims[m.Name] {
			if t, ok := NumericDate(m.Value); ok {
				f.Time = t
				f.When = HumanTimeIn(t, now, loc)
				if rel := ClaimTime(m.Name, t, now); rel != Relative(t, now) {
					f.When = strings.TrimSuffix(f.When, Relative(t, now)) + rel
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// CompactJSON renders a JSON value on one line, keeping the token's own
// order of keys; a value that is not valid JSON comes back as it was.
func CompactJSON(v json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	return b.String()
}
