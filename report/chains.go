package report

import (
	"fmt"
	"regexp"
	"strings"
)

// A run with chains (trace --connector: once with the platform's redirect
// URI, once with the loopback one) is read chain by chain: the TUI, the
// trace view, the Markdown and the summary all say each chain's answers.
// What they say of a chain comes from here, so they say the same.

// ChainReport is one of a report's chains, the report cut down to it
// (Report.Chain) and that cut's answers.
type ChainReport struct {
	Chain
	Report  Report
	Answers Answers
}

// ByChain is the report's chains, in order, each with its own cut and
// answers; nil for a report without chains.
func (r Report) ByChain() []ChainReport {
	var out []ChainReport
	for _, c := range r.Chains {
		cut := r.Chain(c.Name)
		out = append(out, ChainReport{Chain: c, Report: cut, Answers: cut.Answer()})
	}
	return out
}

// Label says which redirect URI a chain ran with, as a sentence names it:
// "the platform's redirect URI", "the loopback redirect URI"; a chain of
// another name is called by its name.
func (c Chain) Label() string {
	switch c.Name {
	case ChainPlatform:
		return "the platform's redirect URI"
	case ChainLoopback:
		return "the loopback redirect URI"
	}
	if strings.HasPrefix(c.Name, "attempt ") {
		return Printable(c.Name) + "'s redirect URI" // a HAR file's
	}
	return "the " + Printable(c.Name) + " chain's redirect URI"
}

// Short is an answer in a few words, for a header or a summary line:
// the text up to its first explanation ("refused by the provider at hop
// 2", "accepted (hop 4)"), with the hop it is about when the words do not
// name it.
func (a Answer) Short() string {
	s := a.Text
	if i := strings.IndexAny(s, ":("); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	if a.Hop > 0 && !strings.Contains(s, "hop") {
		s += fmt.Sprintf(" (hop %d)", a.Hop)
	}
	return Printable(s)
}

// Mark is an answer's verdict as one symbol: ✓ ok, ✗ a problem, ? not
// known.
func (v Verdict) Mark() string {
	switch v {
	case VerdictOK:
		return "✓"
	case VerdictProblem:
		return "✗"
	}
	return "?"
}

// Outcome says in a line how a chain ended, for the summary of a file of
// several attempts: its worst error ("failed at hop 2: redirect_uri.rejected,
// ..."), or that it reached the callback, or where it stopped.
func (c ChainReport) Outcome() Answer {
	if order := BySeverity(c.Report.Findings); len(order) > 0 && c.Report.Findings[order[0]].Severity == SeverityError {
		f := c.Report.Findings[order[0]]
		where := f.Where()
		if where != "" {
			where = " (" + where + ")"
		}
		return Answer{VerdictProblem, fmt.Sprintf("failed%s: %s: %s", where, f.Code, firstClause(hopPrefix.ReplaceAllString(f.Message, ""))), f.Hop}
	}
	hops := c.Report.Hops
	if len(hops) == 0 {
		return Answer{Verdict: VerdictUnknown, Text: "no hops"}
	}
	last := hops[len(hops)-1]
	if last.Role == RoleCallback {
		text := fmt.Sprintf("reached the callback at hop %d", last.N)
		if _, ok := c.Report.first(CodeHARPlatformLeg); ok {
			text = fmt.Sprintf("reached the platform's redirect URL at hop %d; the platform exchanges the code, out of the file's sight", last.N)
		}
		if c.Report.Exchange != nil && c.Report.Exchange.Response != nil {
			text += fmt.Sprintf("; the code exchange answered HTTP %d", c.Report.Exchange.Response.Status)
		}
		return Answer{VerdictOK, text, last.N}
	}
	return Answer{VerdictUnknown, fmt.Sprintf("stopped at hop %d without reaching the callback", last.N), last.N}
}

// hopPrefix is how a message about a hop starts ("hop 2 (authorize at
// idp.example.com) ", "hop 6: "): said already where an outcome names it.
var hopPrefix = regexp.MustCompile(`^hop \d+( \([^)]*\))?:? `)

// firstClause is a message up to its first colon or semicolon, the
// part that says what happened.
func firstClause(s string) string {
	if i := strings.IndexAny(s, ":;"); i > 20 {
		s = s[:i]
	}
	return Printable(s)
}
