package har

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

func analyzeFile(t *testing.T, name string) (report.Report, error) {
	t.Helper()
	rc, _, err := Open(filepath.Join("testdata", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	return Analyze(rc, Options{Name: name})
}

// codes lists a report's findings as "hop:code" (or "chain:code" for a
// finding about no hop), in the order found.
func codes(rep report.Report) []string {
	var out []string
	for _, f := range rep.Findings {
		where := fmt.Sprint(f.Hop)
		if f.Hop == 0 {
			where = f.Chain
		}
		out = append(out, where+":"+f.Code)
	}
	return out
}

// Each fixture is a login as a browser recorded it; the findings are
// what a support engineer should be told, hop by hop.
func TestAnalyzeFixtures(t *testing.T) {
	for _, tc := range []struct {
		file     string
		chains   int
		hops     int
		findings []string
		state    report.Verdict // of the newest attempt
	}{
		{"pp-healthy.har", 1, 6, []string{"2:param.added", "6:har.platform_leg"}, report.VerdictOK},
		{"pp-healthy.har.gz", 1, 6, []string{"2:param.added", "6:har.platform_leg"}, report.VerdictOK},
		{"pp-state-suffix.har", 1, 6, []string{"2:state.changed", "2:param.added", "6:state.changed", "6:har.platform_leg"}, report.VerdictProblem},
		{"pp-redirect-mismatch.har", 1, 2, []string{"2:redirect_uri.changed", "2:param.added", "2:redirect_uri.rejected"}, report.VerdictOK},
		{"pp-two-attempts.har", 2, 8, []string{"2:redirect_uri.changed", "2:param.added", "2:redirect_uri.rejected", "4:param.added", "8:har.platform_leg"}, report.VerdictOK},
		{"chrome-spa-pkce.har", 1, 4, []string{"attempt 1:refresh_token.missing", "attempt 1:api.rejected"}, report.VerdictOK},
		{"firefox-form-post.har", 1, 4, nil, report.VerdictOK},
		{"sanitised.har", 1, 6, []string{"1:param.placeholder", "2:param.placeholder", "2:param.added", "6:param.placeholder", "6:har.platform_leg"}, report.VerdictUnknown},
		{"fragment.har", 1, 2, []string{"2:har.fragment_lost"}, report.VerdictOK},
		{"bad/truncated.har", 1, 3, []string{"attempt 1:har.truncated", "2:param.added", "3:har.no_callback"}, report.VerdictOK},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rep, err := analyzeFile(t, tc.file)
			if err != nil {
				t.Fatal(err)
			}
			got := codes(rep)
			// A finding about the file is about no chain.
			for i, c := range got {
				got[i] = strings.TrimPrefix(c, ":")
			}
			want := slices.Clone(tc.findings)
			for i, c := range want {
				if strings.HasSuffix(c, "har.truncated") {
					want[i] = "har.truncated"
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("findings\n got %q\nwant %q", got, want)
			}
			if rep.Command != "har" || len(rep.Chains) != tc.chains || len(rep.Hops) != tc.hops {
				t.Errorf("command %q, %d chains, %d hops; want har, %d, %d", rep.Command, len(rep.Chains), len(rep.Hops), tc.chains, tc.hops)
			}
			for i, h := range rep.Hops {
				if h.Source != report.SourceHAR || h.N != i+1 || h.Chain == "" {
					t.Errorf("hop %d: source %q, n %d, chain %q", i+1, h.Source, h.N, h.Chain)
				}
			}
			newest := rep.ByChain()[len(rep.Chains)-1]
			if v := newest.Answers.State.Verdict; v != tc.state {
				t.Errorf("newest attempt's state answer %q (%s), want %q", v, newest.Answers.State.Text, tc.state)
			}
			if rep.HAR == nil || rep.HAR.File != tc.file || rep.HAR.Entries == 0 {
				t.Errorf("HAR source = %+v", rep.HAR)
			}
		})
	}
}

// The browser's own token leg is read like a live one: the exchange with
// its request and answer, the tokens it gave, in the attempt's chain.
func TestAnalyzeTokenLeg(t *testing.T) {
	rep, err := analyzeFile(t, "chrome-spa-pkce.har")
	if err != nil {
		t.Fatal(err)
	}
	ex := rep.Exchange
	if ex == nil || ex.Chain != "attempt 1" || ex.Response == nil || ex.Response.Status != 200 || ex.Request.Form["code_verifier"] == "" {
		t.Fatalf("exchange = %+v", ex)
	}
	var kinds []string
	for _, tk := range rep.Tokens {
		kinds = append(kinds, tk.Kind)
		if tk.Chain != "attempt 1" || tk.Format != "jwt" {
			t.Errorf("token %s: chain %q format %q", tk.Kind, tk.Chain, tk.Format)
		}
	}
	if !slices.Equal(kinds, []string{"access_token", "id_token"}) {
		t.Errorf("tokens %v", kinds)
	}
	if !rep.Profile.PKCE || rep.Profile.ClientID != "0oa8zq1x3vB7nK2pL5d7" || !strings.HasSuffix(rep.Profile.TokenURL, "/v1/token") {
		t.Errorf("profile = %+v", rep.Profile)
	}
}

// A token found alone (an id_token in a form post, a Bearer header) is
// decoded with where it was seen; one for another audience than the
// expected is flagged.
func TestAnalyzeSeenTokens(t *testing.T) {
	rep, err := analyzeFile(t, "firefox-form-post.har")
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tokens) != 1 || rep.Tokens[0].Kind != "id_token" || !strings.Contains(rep.Tokens[0].Seen, "form post") {
		t.Fatalf("tokens = %+v", rep.Tokens)
	}
	// The SPA's API calls carry the access token; expecting another
	// audience flags it.
	rc, _, _ := Open("testdata/chrome-spa-pkce.har", nil)
	defer rc.Close()
	rep, err = Analyze(rc, Options{ExpectAud: "https://api.contoso.com"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(codes(rep), "attempt 1:jwt.aud_mismatch") {
		t.Errorf("no aud mismatch: %v", codes(rep))
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	for _, tc := range []struct {
		file string
		is   error
		says string
	}{
		{"bad/no-login.har", ErrNoLeg, "make.powerautomate.com"},
		{"bad/not-json.har", ErrNotHAR, ""},
		{"bad/page.har", ErrNotHAR, ""},
		{"bad/binary.har", ErrNotHAR, ""},
		{"bad/utf16.har", ErrNotHAR, ""},
		{"bad/empty.har", ErrNotHAR, ""},
	} {
		_, err := analyzeFile(t, tc.file)
		if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want %v saying %q", tc.file, err, tc.is, tc.says)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, name := range []string{"pp-two-attempts.har", "chrome-spa-pkce.har", "firefox-form-post.har", "sanitised.har", "fragment.har"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Analyze(bytes.NewReader(b), Options{})
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without words")
			}
			return
		}
		if len(rep.Chains) == 0 || len(rep.Hops) == 0 {
			t.Fatalf("a report without attempts: %d chains, %d hops", len(rep.Chains), len(rep.Hops))
		}
		for i, h := range rep.Hops {
			if h.N != i+1 {
				t.Fatalf("hop %d numbered %d", i+1, h.N)
			}
		}
	})
}

// A browser's own API call that the API refused (401 with an RFC 6750
// challenge) is judged as --call's answer is: api.rejected with its cause.
func TestAnalyzeAPIRefusal(t *testing.T) {
	rep, err := analyzeFile(t, "chrome-spa-pkce.har")
	if err != nil {
		t.Fatal(err)
	}
	var got []report.Finding
	for _, f := range rep.Findings {
		if f.Code == report.CodeAPIRejected {
			got = append(got, f)
		}
	}
	if len(got) != 1 || got[0].Detail["cause"] != flow.CallCauseAudience || got[0].Detail["error"] != "invalid_token" || got[0].Chain != "attempt 1" {
		t.Fatalf("api.rejected findings %+v, want one, of the audience, once for the token", got)
	}
	if !strings.Contains(got[0].Message, "this browser call") || !strings.Contains(got[0].Hint, "aud") {
		t.Errorf("finding %+v", got[0])
	}
}

// A Bearer challenge on a second WWW-Authenticate line (after
// Negotiate, as IIS sends) is read too, not only the first line.
func TestAnalyzeAPIRefusalSecondChallenge(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "chrome-spa-pkce.har"))
	if err != nil {
		t.Fatal(err)
	}
	const first = `"name": "www-authenticate",`
	if !bytes.Contains(b, []byte(first)) {
		t.Fatal("the fixture has no www-authenticate header")
	}
	b = bytes.Replace(b, []byte(first), []byte(`"name": "www-authenticate", "value": "Negotiate"}, {`+first), 1)
	rep, err := Analyze(bytes.NewReader(b), Options{Name: "two-challenges.har"})
	if err != nil {
		t.Fatal(err)
	}
	var f report.Finding
	ok := false
	for _, g := range rep.Findings {
		if g.Code == report.CodeAPIRejected {
			f, ok = g, true
		}
	}
	if !ok || f.Detail["cause"] != flow.CallCauseAudience || f.Detail["error"] != "invalid_token" {
		t.Fatalf("finding %+v (%v), want api.rejected of the audience, read from the second line", f, ok)
	}
}
