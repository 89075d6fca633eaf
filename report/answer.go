package report

import "fmt"

// Answer is the short answer to one question a person asks of a chain,
// such as "does the provider accept my redirect URI?".
type Answer struct {
	Verdict Verdict
	Text    string // one sentence, without the subject
	Hop     int    // the hop it is about; 0 for none
}

// Verdict is an answer's kind.
type Verdict string

const (
	VerdictOK      Verdict = "ok"      // as it should be
	VerdictProblem Verdict = "problem" // a finding says what is wrong
	VerdictUnknown Verdict = "unknown" // the chain did not get far enough to say
)

// Answers are the two questions of a trace: does the provider accept the
// redirect URI, and what happens to state on the way. They are read from
// the report's hops and findings alone, so every producer of hops (a
// live run, a HAR file, a browser) gets the same answer.
type Answers struct {
	RedirectURI Answer
	State       Answer
}

// Answer reads the report's answers.
func (r Report) Answer() Answers {
	return Answers{RedirectURI: r.redirectAnswer(), State: r.stateAnswer()}
}

// Chain is the report cut down to one of its chains (Report.Chains): its
// hops, the findings about them or about no hop of another chain, and the
// tokens and token-endpoint steps that are not another chain's. Answer on it
// answers for that chain alone.
func (r Report) Chain(name string) Report {
	in := map[int]bool{}
	c := r
	c.Hops = nil
	for _, h := range r.Hops {
		if h.Chain == name {
			c.Hops = append(c.Hops, h)
			in[h.N] = true
		}
	}
	c.Findings = nil
	for _, f := range r.Findings {
		if in[f.Hop] || f.Hop == 0 && (f.Chain == "" || f.Chain == name) {
			c.Findings = append(c.Findings, f)
		}
	}
	c.Tokens = nil
	for _, t := range r.Tokens {
		if t.Chain == "" || t.Chain == name {
			c.Tokens = append(c.Tokens, t)
		}
	}
	if r.Exchange != nil && r.Exchange.Chain != "" && r.Exchange.Chain != name {
		c.Exchange = nil
	}
	if r.Refresh != nil && r.Refresh.Chain != "" && r.Refresh.Chain != name {
		c.Refresh = nil
	}
	for _, ch := range r.Chains {
		if ch.Name == name {
			c.Profile.RedirectURI, c.Profile.State = ch.RedirectURI, ch.State
		}
	}
	return c
}

// first is the first finding with one of codes, by hop.
func (r Report) first(codes ...string) (Finding, bool) {
	var best Finding
	found := false
	for _, f := range r.Findings {
		for _, c := range codes {
			if f.Code == c && (!found || f.Hop < best.Hop) {
				best, found = f, true
			}
		}
	}
	return best, found
}

func (r Report) redirectAnswer() Answer {
	if f, ok := r.first(CodeRedirectURIRejected); ok {
		return Answer{VerdictProblem, fmt.Sprintf("refused by the provider at hop %d (%s)", f.Hop, f.Detail["signature"]), f.Hop}
	}
	if f, ok := r.first(CodeRedirectURIChanged); ok {
		return Answer{VerdictProblem, fmt.Sprintf("changed on the way at hop %d (%s): the provider is given another URI than the one sent", f.Hop, f.Detail["kind"]), f.Hop}
	}
	for _, f := range r.Findings {
		if f.Code == CodeParamDropped && f.Detail["name"] == "redirect_uri" {
			return Answer{VerdictProblem, fmt.Sprintf("dropped on the way at hop %d: the provider is not given the one sent", f.Hop), f.Hop}
		}
	}
	for i, h := range r.Hops {
		page := h.Status >= 200 && h.Status < 300
		last := i == len(r.Hops)-1
		switch {
		case h.Source == SourceSent:
		case h.Role == RoleCallback:
			return Answer{VerdictOK, fmt.Sprintf("accepted: the provider redirected to it at hop %d", h.N), h.N}
		case page && (h.Role == RoleProvider || last && h.Role == RoleAuthorize):
			// A login page, at a page of its own or at the authorize
			// URL itself: providers check redirect_uri before either.
			return Answer{VerdictOK, fmt.Sprintf("accepted: the provider went on to its login page at hop %d (providers check redirect_uri before that)", h.N), h.N}
		}
	}
	if f, ok := r.first(CodeRedirectLoop, CodeRedirectTooMany); ok {
		return Answer{VerdictUnknown, fmt.Sprintf("not known: the chain never reached a page of the provider (%s at hop %d)", f.Code, f.Hop), f.Hop}
	}
	if len(r.Hops) > 0 {
		last := r.Hops[len(r.Hops)-1]
		switch {
		case last.Error != "":
			return Answer{VerdictUnknown, fmt.Sprintf("not known: hop %d could not be reached", last.N), last.N}
		case last.Role == RoleErrorPage:
			return Answer{VerdictUnknown, fmt.Sprintf("not known: hop %d answered HTTP %d before the provider said", last.N, last.Status), last.N}
		}
	}
	return Answer{Verdict: VerdictUnknown, Text: "not known: the chain stopped before the provider said"}
}

func (r Report) stateAnswer() Answer {
	if f, ok := r.first(CodeStateChanged); ok {
		return Answer{VerdictProblem, fmt.Sprintf("changed at hop %d (%s): the platform will reject the login", f.Hop, f.Detail["kind"]), f.Hop}
	}
	if f, ok := r.first(CodeStateMissing); ok {
		return Answer{VerdictProblem, fmt.Sprintf("missing at hop %d: the platform will reject the login", f.Hop), f.Hop}
	}
	// What was sent: the sent hop's state, or where no hop is the sent
	// one (a HAR file: the browser sent it) the profile's, which is the
	// first authorize request's.
	sent, hasSent := r.Profile.State, false
	for _, h := range r.Hops {
		if h.Source == SourceSent {
			sent, hasSent = h.Params["state"], true
		}
	}
	var carried, own int
	for _, h := range r.Hops {
		if h.Source == SourceSent {
			continue
		}
		st, has := h.Params["state"]
		if !has {
			continue
		}
		if IsPlaceholder(st) || !hasSent && IsPlaceholder(sent) {
			if h.Role == RoleCallback {
				return Answer{VerdictUnknown, fmt.Sprintf("not known: the file has a sanitiser's placeholder where the state was (hop %d)", h.N), h.N}
			}
			continue
		}
		if st != sent && h.Role != RoleProvider {
			// Another state that the comparison found no fault with:
			// an upstream provider's own (a federated login).
			continue
		}
		switch h.Role {
		case RoleCallback:
			return Answer{VerdictOK, fmt.Sprintf("came back unchanged in the callback (hop %d)", h.N), h.N}
		case RoleAuthorize, RoleErrorPage:
			carried++
		case RoleProvider:
			own++
		}
	}
	switch {
	case carried == 0 && own == 0:
		return Answer{Verdict: VerdictUnknown, Text: "not known: no hop after the sent one carries it"}
	case carried == 0:
		return Answer{Verdict: VerdictUnknown, Text: fmt.Sprintf("not known: only the provider's own transaction state is seen (%s), which is its own", plural(own, "hop"))}
	}
	carry := fmt.Sprintf("the %d authorize hops that carry it", carried)
	if carried == 1 {
		carry = "the one authorize hop that carries it"
	}
	return Answer{Verdict: VerdictOK, Text: "unchanged at " + carry + " (what the browser does after the last hop is not seen here)"}
}
