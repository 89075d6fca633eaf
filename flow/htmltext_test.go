package flow

import "testing"

func TestPageText(t *testing.T) {
	tests := []struct {
		name string
		body string
		max  int
		want string
	}{
		{"html", `<html><head><title>Oops</title><style>p{color:red}</style></head><body><p>Callback&nbsp;URL <b>mismatch</b>.</p><!-- a <p> comment --><script>alert("<p>")</script><p>Try again</p></body></html>`, 0, "Oops Callback URL mismatch. Try again"},
		{"lone less-than", `<p>1 < 2 and 3 > 2</p>`, 0, "1 < 2 and 3 > 2"},
		{"quoted attribute with >", `<div title="a>b">text</div>`, 0, "text"},
		{"unclosed tag", `<p>before<a href="x`, 0, "before"},
		{"json error", `{"error":"invalid_client","error_description":"Client authentication failed"}`, 0, "error: invalid_client; error_description: Client authentication failed"},
		{"json error object", `{"error":{"code":"InvalidAuthenticationToken","message":"bad"}}`, 0, "error.code: InvalidAuthenticationToken; error.message: bad"},
		{"plain text", "  Not   Found\n\n", 0, "Not Found"},
		{"cut", "<p>abcdefghij</p>", 8, "abcde..."},
		{"cut on a character boundary", "ééééé", 6, "é..."},
		{"tiny max", "abcdef", 2, "ab"},
		{"invalid UTF-8", "a\xffb", 0, "a\uFFFDb"},
		{"nested skipped element", `<p>a</p><svg><svg><text>x</text></svg><text>y</text></svg><p>b</p>`, 0, "a b"},
		{"less-than before a digit is text", `<p>1 <3 cats</p>`, 0, "1 <3 cats"},
		{"entities in the title", `<html><title>a &amp; b</title></html>`, 0, "a & b"},
		{"inline tags join words", `<p>mis<b>match</b></p>`, 0, "mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pageText([]byte(tt.body), tt.max)
			if got != tt.want {
				t.Errorf("pageText(%q, %d) = %q, want %q", tt.body, tt.max, got, tt.want)
			}
			if tt.max > 0 && len(got) > tt.max {
				t.Errorf("pageText(%q, %d) is %d bytes, over the max", tt.body, tt.max, len(got))
			}
		})
	}
}
