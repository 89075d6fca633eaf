package decode

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestDuration(t *testing.T) {
	cases := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{42 * time.Second, "42s"},
		{-42 * time.Second, "42s"},
		{4*time.Minute + 30*time.Second, "4m30s"},
		{5 * time.Minute, "5m"},
		{59*time.Minute + 59*time.Second, "59m"},
		{time.Hour, "1h"},
		{3*time.Hour + 12*time.Minute + 40*time.Second, "3h12m"},
		{47 * time.Hour, "47h"},
		{51 * time.Hour, "2d3h"},
		{72 * time.Hour, "3d"},
		{3 * 365 * 24 * time.Hour, "3.0y"},
	}
	for _, tc := range cases {
		if got := Duration(tc.in); got != tc.want {
			t.Errorf("Duration(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClaimTime(t *testing.T) {
	cases := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"exp", -3*time.Hour - 12*time.Minute, "expired 3h12m ago"},
		{"exp", 59 * time.Minute, "expires in 59m"},
		{"nbf", -2 * time.Minute, "valid since 2m ago"},
		{"nbf", 5 * time.Minute, "not valid for another 5m"},
		{"iat", -time.Hour, "issued 1h ago"},
		{"iat", 4 * time.Minute, "issued 4m in the future"},
		{"auth_time", -90 * time.Second, "1m30s ago"},
		{"auth_time", 0, "now"},
		{"updated_at", 20 * time.Second, "in 20s"},
	}
	for _, tc := range cases {
		if got := ClaimTime(tc.name, testNow.Add(tc.d), testNow); got != tc.want {
			t.Errorf("ClaimTime(%s, now%+v) = %q, want %q", tc.name, tc.d, got, tc.want)
		}
	}
}

func TestHumanTimeIn(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	cases := []struct {
		name string
		t    time.Time
		loc  *time.Location
		want string
	}{
		{"local zone", testNow.Add(-3*time.Hour - 12*time.Minute), cet, "2026-11-29 08:48:00 UTC (09:48:00 CET), 3h12m ago"},
		{"utc only", testNow.Add(59 * time.Minute), time.UTC, "2026-11-29 12:59:00 UTC, in 59m"},
		{"no zone", testNow, nil, "2026-11-29 12:00:00 UTC, now"},
		{"other day", testNow.Add(11*time.Hour + 30*time.Minute), cet, "2026-11-29 23:30:00 UTC (Nov 30 00:30:00 CET), in 11h30m"},
	}
	for _, tc := range cases {
		if got := HumanTimeIn(tc.t, testNow, tc.loc); got != tc.want {
			t.Errorf("%s: HumanTimeIn = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestFields(t *testing.T) {
	members := []Claim{
		{"sub", json.RawMessage(`"auth0|1"`)},
		{"aud", json.RawMessage(`[ "a", "b" ]`)},
		{"exp", json.RawMessage(at(-time.Hour))},
		{"iat", json.RawMessage(`"not a date"`)},
		{"custom", json.RawMessage(`{"z":1, "a":2}`)},
	}
	got := Fields(members, testNow, time.UTC)
	want := []Field{
		{Name: "sub", Value: "auth0|1", About: "subject"},
		{Name: "aud", Value: `["a","b"]`, About: "audience"},
		{Name: "exp", Value: at(-time.Hour), About: "expires", When: "2026-11-29 11:00:00 UTC, expired 1h ago", Time: testNow.Add(-time.Hour)},
		{Name: "iat", Value: "not a date", About: "issued at"},
		{Name: "custom", Value: `{"z":1,"a":2}`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Fields (-want +got):\n%s", diff)
	}
}

func TestNumericDate(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"1795953600", testNow, true},
		{"1795953600.5", testNow.Add(500 * time.Millisecond), true},
		{`"1795953600"`, time.Time{}, false},
		{"1e400", time.Time{}, false},
		{"1e300", time.Time{}, false},
		{"null", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tc := range cases {
		got, ok := NumericDate(json.RawMessage(tc.in))
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("NumericDate(%s) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}
