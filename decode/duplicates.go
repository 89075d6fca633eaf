package decode

import (
	"fmt"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// Duplicate is a member name that a JSON object has more than once, with
// each value in the order written.
type Duplicate struct {
	Name   string
	Values []string // compact JSON
}

// Duplicates lists the names that occur more than once among members, in
// the order each first occurs. Names are compared after JSON unescaping,
// so "alg" and "\u0061lg" are the same name, as they are to every parser.
func Duplicates(members []Claim) []Duplicate {
	seen := make(map[string]int, len(members)) // name -> index in out, or -1
	var out []Duplicate
	for i, m := range members {
		j, ok := seen[m.Name]
		switch {
		case !ok:
			seen[m.Name] = -1 - i // first occurrence, not yet a duplicate
		case j < 0:
			first := members[-1-j]
			seen[m.Name] = len(out)
			out = append(out, Duplicate{Name: m.Name, Values: []string{compact(first.Value), compact(m.Value)}})
		default:
			out[j].Values = append(out[j].Values, compact(m.Value))
		}
	}
	return out
}

// duplicates reports members given twice. In the header that is an
// error: RFC 7515 §4 requires unique names, and parsers disagree on which
// value counts (Go takes the last, others the first), so one library may
// verify an RS256 token that another reads as alg none. In the claims it
// is a warning (RFC 7519 §4 lets a parser reject or take the last).
func (c *checker) duplicates() {
	for _, d := range Duplicates(c.tok.Header) {
		c.add(report.CodeJWTDuplicateHeader, report.SeverityError,
			fmt.Sprintf("the header gives %s %d times: %s", d.Name, len(d.Values), strings.Join(d.Values, ", ")),
			"RFC 7515 requires each header parameter once. Libraries disagree on which value counts (Go's takes the last, others the first), so what this tool checked may not be what the API checks: a token built this way is broken or forged. Find out who issued it; a provider never does this.",
			map[string]string{"part": "header", "name": d.Name, "values": strings.Join(d.Values, ", ")})
	}
	for _, d := range Duplicates(c.tok.Claims) {
		c.add(report.CodeJWTDuplicateClaim, report.SeverityWarn,
			fmt.Sprintf("the claims give %s %d times: %s (this tool reads the last)", d.Name, len(d.Values), strings.Join(d.Values, ", ")),
			"RFC 7519 lets a parser reject such a token or take the last value; APIs differ. The issuer builds its tokens by hand or merges claims twice (a rule or action adding a claim that is already there): give each claim once.",
			map[string]string{"part": "claims", "name": d.Name, "values": strings.Join(d.Values, ", ")})
	}
}
