// Package hostile is, for tests, text a provider, a proxy or a token could
// send to drive a terminal, a login full of it, and the check that none of
// it reaches the screen: the TUI's views and the Markdown report are held
// to the same check.
package hostile

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/authtrace/authtrace/report"
)

// Text is an OSC that retitles the terminal, a bell, a C1 CSI and a
// cursor move.
const Text = "\x1b]0;PWNED\x07x\u009b2J\x1b[2A"

// Fill puts Text into every part of a login that comes from outside: hop
// 3's URL and state, methods, error pages, request errors, the callback's
// parameters, the exchange's error, the run's error, a token's header and
// claims, and the findings. rep needs five hops and an exchange, as the
// healthy login has.
func Fill(rep *report.Report) {
	rep.Hops[2].URL += Text
	rep.Hops[2].Params["state"] += Text
	rep.Hops[1].Method = "G\x1bET"
	rep.Hops[2].Page = "oops " + Text
	rep.Hops[3].Error = "dial: " + Text
	rep.Hops[4].Params["error"] = "access_denied" + Text
	rep.Hops[4].Params["error_description"] = "no " + Text
	rep.Hops[4].Params["organization"+Text] = Text
	rep.Exchange.Error = "token " + Text
	rep.Error = "stopped " + Text
	// In JSON the controls are escapes, which a reader turns back.
	sub := strings.NewReplacer("\x1b", `\u001b`, "\x07", `\u0007`, "\u009b", `\u009b`).Replace(Text)
	header, claims := `{"alg":"RS256","kid":"k`+sub+`"}`, `{"sub":"`+sub+`","aud":"`+sub+`","exp":1}`
	enc := base64.RawURLEncoding.EncodeToString
	bad := report.Token{Kind: "access_token" + Text, Format: "jwt", Header: json.RawMessage(header), Claims: json.RawMessage(claims),
		Raw: enc([]byte(header)) + "." + enc([]byte(claims)) + ".c2lnbmF0dXJl"}
	rep.Tokens = append(rep.Tokens, bad)
	rep.Findings = []report.Finding{
		{Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: 3, Message: "state " + Text,
			Hint: "fix " + Text, Detail: map[string]string{"kind": "suffix_added" + Text, "got" + Text: Text}},
		{Code: report.CodeJWTAudMismatch, Severity: report.SeverityError, Token: bad.Kind, Message: "aud " + Text, Hint: Text},
		{Code: "made.up" + Text, Severity: report.SeverityWarn, Message: Text},
	}
}

// sgr matches colour sequences, which the TUI's styles draw themselves.
var sgr = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// Inert fails the test when s, colour sequences set aside, still holds a
// control character.
func Inert(t testing.TB, where, s string) {
	t.Helper()
	rest := sgr.ReplaceAllString(s, "")
	for _, r := range rest {
		if (r < 0x20 && r != '\n') || (r >= 0x7f && r <= 0x9f) {
			t.Errorf("%s: control character %U reached the terminal:\n%q", where, r, rest)
			return
		}
	}
}
