package decode

import (
	"errors"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadCapped(t *testing.T) {
	cases := []struct {
		in            string
		max           int64
		want          string
		wantTruncated bool
	}{
		{"", 4, "", false},
		{"abcd", 4, "abcd", false},
		{"abcde", 4, "abcd", true},
		{strings.Repeat("x", 100), 10, strings.Repeat("x", 10), true},
	}
	for _, tc := range cases {
		got, truncated, err := ReadCapped(strings.NewReader(tc.in), tc.max)
		if err != nil || string(got) != tc.want || truncated != tc.wantTruncated {
			t.Errorf("ReadCapped(%q, %d) = %q, %v, %v; want %q, %v", tc.in, tc.max, got, truncated, err, tc.want, tc.wantTruncated)
		}
	}
	boom := errors.New("connection reset")
	if _, _, err := ReadCapped(iotest.ErrReader(boom), 4); !errors.Is(err, boom) {
		t.Errorf("ReadCapped of a failing reader: %v, want its error", err)
	}
}
