package har

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func capAll(t testing.TB, in string, max int, chunk bool) string {
	t.Helper()
	var r io.Reader = strings.NewReader(in)
	if chunk {
		r = iotest.OneByteReader(r)
	}
	out, err := io.ReadAll(&stringCap{r: r, max: max})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestStringCap(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, tc := range []struct{ in, want string }{
		{`{"a":"short","b":[1,2]}`, `{"a":"short","b":[1,2]}`},
		{`{"a":"` + long + `"}`, `{"a":"` + long[:20] + `"}`},
		{`{"a":"` + long[:15] + `\"` + long + `","b":"x"}`, `{"a":"` + long[:15] + `\"xxxxxxxxxxxxxxxxxxxx"` + `,"b":"x"}`},
		{`{"a":"` + long[:17] + `\u00e9` + long + `"}`, `{"a":"` + long[:17] + `\u00e9x"}`},
		{`{"a":"` + long[:10] + `\\\\` + long + `"}`, `{"a":"` + long[:10] + `\\\\xxxxxx"}`},
		{`not json "` + long, `not json "` + long[:20]},
	} {
		for _, chunk := range []bool{false, true} {
			if got := capAll(t, tc.in, 20, chunk); got != tc.want {
				t.Errorf("chunked %v: %q\n got %q\nwant %q", chunk, tc.in, got, tc.want)
			}
		}
	}
}

// Whatever the input, valid JSON stays valid JSON, and JSON without long
// strings comes out unchanged.
func FuzzStringCap(f *testing.F) {
	f.Add([]byte(`{"a":"b\"c\\\\d\u00e9e","f":[1,"g"]}`), 8)
	f.Add([]byte(`{"log":{"entries":[{"x":"`+strings.Repeat(`\\u0041\"`, 20)+`"}]}}`), 13)
	f.Fuzz(func(t *testing.T, b []byte, max int) {
		if max < 1 || max > 1<<16 {
			return
		}
		for _, chunk := range []bool{false, true} {
			out := capAll(t, string(b), max, chunk)
			if json.Valid(b) && !json.Valid([]byte(out)) {
				t.Fatalf("valid %q became invalid %q (max %d, chunked %v)", b, out, max, chunk)
			}
			if len(b) <= max && !bytes.Equal(b, []byte(out)) {
				t.Fatalf("%q changed to %q", b, out)
			}
		}
	})
}
