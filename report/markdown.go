package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// hopValues are the parameters shown under each hop, in this order: what
// the comparisons are about, then the provider's answer.
var hopValues = []string{"state", "redirect_uri", "audience", "resource", "organization", "connection", "code", "error", "error_description"}

// Claim is one member of a token's header or claims as a person reads it:
// the value as text (a string's own, others as compact JSON) and, for a
// time claim, When: the date and how far it is from now.
type Claim struct {
	Name, Value, When string
}

// ClaimsFunc lists the members of a JSON object (a token's claims) in the
// token's order, times worded relative to now. Reading tokens is decode's
// job, and decode imports report, so Markdown's caller hands in
// decode.ReportClaims.
type ClaimsFunc func(raw json.RawMessage, now time.Time) ([]Claim, error)

// Markdown renders a report for a ticket, a chat or a terminal: the result,
// what was sent, the findings with their fixes, the hops with the values
// that matter at each, the token-endpoint steps and the tokens' claims
// (listed by claims). It is the TUI export's .md file and the CLI's
// plain-text output.
//
// r is shown as given: pass r.Redact() unless secrets are wanted. Text from
// providers, proxies and tokens goes through Printable, values sit in code
// spans, and table cells are escaped, so neither a terminal nor a Markdown
// viewer takes any of it as instructions. Token times are in UTC, worded
// relative to when the run finished.
func Markdown(r Report, claims ClaimsFunc) string {
	var b strings.Builder
	title := "authtrace report"
	if r.Command != "" {
		title = "authtrace " + prose(r.Command) + " report"
	}
	fmt.Fprintf(&b, "# %s\n\n", title)
	result := r.Tally()
	if r.Error != "" {
		// Findings are of the part that ran: "no problems found" would
		// read as a clean login.
		result = "incomplete, the run stopped early; " + result + " in what ran"
	}
	fmt.Fprintf(&b, "- result: %s\n", result)
	if !r.Started.IsZero() {
		took := ""
		if !r.Finished.IsZero() {
			took = " (took " + r.Finished.Sub(r.Started).Round(time.Millisecond).String() + ")"
		}
		fmt.Fprintf(&b, "- started: %s%s\n", r.Started.UTC().Format(time.RFC3339), took)
	}
	if r.Error != "" {
		fmt.Fprintf(&b, "- stopped early: %s\n", prose(r.Error))
	}
	mdHAR(&b, r)

	mdSent(&b, r)
	mdChains(&b, r)
	mdFindings(&b, r)
	mdHops(&b, r)
	if ex := r.Exchange; ex != nil {
		b.WriteString("\n## Token exchange\n\n")
		steps := append(slices.Clone(ex.Attempts), ex.Step)
		for i, st := range steps {
			note := ""
			if len(steps) > 1 && i == len(steps)-1 {
				note = "the one that counted"
			}
			mdStep(&b, i+1, st, note)
		}
	}
	if rf := r.Refresh; rf != nil {
		b.WriteString("\n## Refresh\n\n")
		rotated := "no"
		if rf.Rotated {
			rotated = "yes (a new refresh token came back)"
		}
		fmt.Fprintf(&b, "- refresh token rotated: %s\n\n", rotated)
		mdStep(&b, 1, rf.Step, "")
	}
	mdCalls(&b, r)
	mdTokens(&b, r, claims)
	return b.String()
}

// mdHAR says which file a report was read from and, attempt by
// attempt, how each ended: the summary a ticket starts with.
func mdHAR(b *strings.Builder, r Report) {
	h := r.HAR
	if h == nil {
		return
	}
	from := ""
	if h.Creator != "" {
		from = ", written by " + prose(h.Creator)
	}
	fmt.Fprintf(b, "- HAR file: %s (%d entries%s)\n", code(ElidePath(h.File, 80)), h.Entries, from)
	if h.Truncated {
		b.WriteString("- the file is cut short: only the attempts before the cut are here\n")
	}
	if chains := r.ByChain(); len(chains) > 1 {
		o := chains[len(chains)-1].Outcome()
		fmt.Fprintf(b, "- newest attempt (%d of %d): %s %s\n", len(chains), len(chains), o.Verdict.Mark(), prose(o.Text))
	}
	b.WriteString("\n## Attempts\n\n")
	for i, c := range r.ByChain() {
		o := c.Outcome()
		fmt.Fprintf(b, "%d. %s %s\n", i+1, o.Verdict.Mark(), prose(o.Text))
	}
}

func mdSent(b *strings.Builder, r Report) {
	p := r.Profile
	b.WriteString("\n## Sent\n\n")
	fmt.Fprintf(b, "- provider: %s\n", code(p.Provider()))
	if p.Name != "" {
		fmt.Fprintf(b, "- saved profile: %s\n", code(p.Name))
	}
	line := func(name, v string) {
		if v != "" {
			fmt.Fprintf(b, "- %s: %s\n", name, code(v))
		}
	}
	line("issuer", p.Issuer)
	line("authorize URL", p.AuthorizeURL)
	line("token URL", p.TokenURL)
	if p.RefreshURL != p.TokenURL {
		line("refresh URL", p.RefreshURL)
	}
	fmt.Fprintf(b, "- client_id: %s\n", code(p.ClientID))
	if len(r.Chains) == 0 {
		fmt.Fprintf(b, "- redirect_uri: %s\n", code(p.RedirectURI))
		fmt.Fprintf(b, "- state: %s\n", code(p.State))
	}
	// Each chain sent its own redirect URI and state.
	for _, c := range r.Chains {
		fmt.Fprintf(b, "- redirect_uri (%s): %s\n", prose(c.Name), code(c.RedirectURI))
		fmt.Fprintf(b, "- state (%s): %s\n", prose(c.Name), code(c.State))
	}
	line("scope", p.Scope)
	names := slices.Sorted(maps.Keys(p.Params))
	for _, k := range names {
		fmt.Fprintf(b, "- %s: %s\n", prose(k), code(p.Params[k]))
	}
	pkce := "off"
	if p.PKCE {
		pkce = "S256"
	}
	fmt.Fprintf(b, "- PKCE: %s\n", pkce)
	if r.Command != "trace" { // a trace sends nothing to the token endpoint
		line("client auth", p.ClientAuth)
	}
	line("expected audience", p.ExpectAud)
	line("expected issuer", p.ExpectIss)
	line("requests as", p.As)
	if p.Connector != "" {
		line("connector", ElidePath(p.Connector, 80))
	}
}

// mdChains is a run's chains side by side, a column each: what each sent
// and its answers.
func mdChains(b *strings.Builder, r Report) {
	chains := r.ByChain()
	if len(chains) == 0 {
		return
	}
	b.WriteString("\n## Chains\n\n|  |")
	for _, c := range chains {
		fmt.Fprintf(b, " %s |", cell(prose(c.Name)))
	}
	b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(chains)) + "\n")
	row := func(name string, val func(ChainReport) string) {
		fmt.Fprintf(b, "| %s |", name)
		for _, c := range chains {
			fmt.Fprintf(b, " %s |", cell(val(c)))
		}
		b.WriteString("\n")
	}
	answer := func(a Answer) string { return a.Verdict.Mark() + " " + prose(a.Text) }
	row("redirect_uri sent", func(c ChainReport) string { return code(c.RedirectURI) })
	row("does the provider accept it?", func(c ChainReport) string { return answer(c.Answers.RedirectURI) })
	row("state sent", func(c ChainReport) string { return code(c.State) })
	row("what happens to state?", func(c ChainReport) string { return answer(c.Answers.State) })
	row("hops", func(c ChainReport) string {
		if len(c.Report.Hops) == 0 {
			return "none"
		}
		return fmt.Sprintf("%d to %d", c.Report.Hops[0].N, c.Report.Hops[len(c.Report.Hops)-1].N)
	})
}

func mdFindings(b *strings.Builder, r Report) {
	fmt.Fprintf(b, "\n## Findings (%s)\n\n", r.Tally())
	if len(r.Findings) == 0 {
		b.WriteString("None.\n")
	}
	for _, i := range BySeverity(r.Findings) {
		f := r.Findings[i]
		where := prose(f.Where())
		if where != "" {
			where = " (" + where + ")"
		}
		fmt.Fprintf(b, "- **%s** %s%s: %s\n", prose(string(f.Severity)), code(f.Code), where, prose(f.Message))
		if f.Hint != "" {
			fmt.Fprintf(b, "  - fix: %s\n", prose(f.Hint))
		}
		if len(f.Detail) > 0 {
			var parts []string
			for _, k := range slices.Sorted(maps.Keys(f.Detail)) {
				parts = append(parts, prose(k)+" "+code(f.Detail[k]))
			}
			fmt.Fprintf(b, "  - detail: %s\n", strings.Join(parts, ", "))
		}
	}
}

func mdHops(b *strings.Builder, r Report) {
	b.WriteString("\n## Hops\n\n")
	if len(r.Hops) == 0 {
		b.WriteString("None.\n")
	}
	chains := r.ByChain()
	if len(chains) == 0 {
		mdHopList(b, r.Hops)
		return
	}
	for i, c := range chains {
		if i > 0 {
			b.WriteString("\n")
		}
		if strings.HasPrefix(c.Name, "attempt ") {
			fmt.Fprintf(b, "### %s: %s\n\n", prose(c.Name), prose(c.Outcome().Text)) // a HAR file's
		} else {
			fmt.Fprintf(b, "### %s: with %s\n\n", prose(c.Name), prose(c.Label()))
		}
		mdHopList(b, c.Report.Hops)
	}
}

// mdHopList is hops as a numbered list, numbered as the report numbers
// them.
func mdHopList(b *strings.Builder, hops []Hop) {
	for _, h := range hops {
		head := []string{"**" + prose(string(h.Source)) + "**", prose(h.Method)}
		if h.Status > 0 {
			head = append(head, fmt.Sprint(h.Status))
		}
		head = append(head, prose(h.Role.Label()), code(ShortURL(h.URL)))
		if h.BrowserOnly {
			head = append(head, "only the browser saw it")
		}
		fmt.Fprintf(b, "%d. %s\n", h.N, strings.Join(head, " · "))
		if len(h.Fields) > 0 {
			fmt.Fprintf(b, "   - form fields: %s\n", code(strings.Join(h.Fields, " ")))
		}
		for _, k := range hopValues {
			v, ok := h.Params[k]
			if !ok {
				continue
			}
			if k == "code" {
				fmt.Fprintf(b, "   - code: present\n")
				continue
			}
			fmt.Fprintf(b, "   - %s: %s\n", k, code(v))
		}
		if h.Error != "" {
			fmt.Fprintf(b, "   - request failed: %s\n", code(oneLine(h.Error)))
		}
		if h.Page != "" {
			fmt.Fprintf(b, "   - page says: %s\n", code(oneLine(h.Page)))
		}
		if h.URL != ShortURL(h.URL) {
			fmt.Fprintf(b, "   - URL: %s\n", code(h.URL))
		}
		// Every Location is listed, followed or not: it is what the server
		// answered, and the next hop's URL may differ from it (resolved
		// against the hop, or rewritten on the way).
		if h.Location != "" {
			fmt.Fprintf(b, "   - location: %s\n", code(h.Location))
		}
	}
}

// mdStep is one token-endpoint round trip as a numbered item.
func mdStep(b *strings.Builder, n int, st Step, note string) {
	method := st.Request.Method
	if method == "" {
		method = "POST"
	}
	head := []string{prose(method), code(st.Request.URL)}
	if st.Request.ClientAuth != "" {
		head = append(head, "client auth "+prose(st.Request.ClientAuth))
	}
	if resp := st.Response; resp != nil {
		head = append(head, fmt.Sprintf("HTTP %d", resp.Status))
		if resp.Format != "" {
			head = append(head, prose(resp.Format))
		}
		head = append(head, fmt.Sprintf("%d ms", resp.DurationMS))
	}
	if note != "" {
		head = append(head, note)
	}
	fmt.Fprintf(b, "%d. %s\n", n, strings.Join(head, " · "))
	if resp := st.Response; resp != nil {
		if resp.Format != "json" && resp.ContentType != "" {
			fmt.Fprintf(b, "   - content type: %s\n", code(resp.ContentType))
		}
		for _, k := range []string{"error", "error_description", "error_uri"} {
			if v := resp.Fields[k]; v != "" {
				fmt.Fprintf(b, "   - %s: %s\n", k, code(oneLine(v)))
			}
		}
	}
	if st.Error != "" {
		fmt.Fprintf(b, "   - error: %s\n", code(oneLine(st.Error)))
	}
}

// mdCalls are the requests made to the API with the access token, and
// what in each answer says why it was refused.
func mdCalls(b *strings.Builder, r Report) {
	if len(r.Calls) == 0 {
		return
	}
	b.WriteString("\n## API calls\n\n")
	for _, c := range r.Calls {
		mdStep(b, c.N, c.Step, "with "+prose(CallTokenWords(c.Token)))
		if c.Location != "" {
			fmt.Fprintf(b, "   - redirected to: %s (not followed)\n", code(c.Location))
		}
		resp := c.Response
		if resp == nil {
			continue
		}
		for _, k := range slices.Sorted(maps.Keys(resp.Headers)) {
			if strings.EqualFold(k, "WWW-Authenticate") {
				fmt.Fprintf(b, "   - WWW-Authenticate: %s\n", code(oneLine(resp.Headers[k])))
			}
		}
		if body := strings.Join(strings.Fields(resp.Body), " "); body != "" {
			if r := []rune(body); len(r) > 300 {
				body = string(r[:300]) + "…"
			}
			fmt.Fprintf(b, "   - body starts: %s\n", code(body))
		}
		if resp.Truncated {
			fmt.Fprintf(b, "   - the answer was longer than the %d KiB read; the rest was not read\n", len(resp.Body)>>10)
		}
	}
}

func mdTokens(b *strings.Builder, r Report, claims ClaimsFunc) {
	if len(r.Tokens) == 0 {
		return
	}
	now := r.Finished
	if now.IsZero() {
		now = time.Now()
	}
	b.WriteString("\n## Tokens\n")
	for _, t := range r.Tokens {
		fmt.Fprintf(b, "\n### %s (%s)\n\n", prose(t.Kind), prose(t.Format))
		if len(t.Header) > 0 {
			fmt.Fprintf(b, "- header: %s\n", code(compactJSON(t.Header)))
		}
		if t.Verification != nil {
			fmt.Fprintf(b, "- signature: %s\n", code(t.Verification.Line()))
		}
		if len(t.Claims) == 0 {
			b.WriteString("- no claims to read (not a JWT)\n")
			continue
		}
		cs, err := claims(t.Claims, now)
		if err != nil {
			fmt.Fprintf(b, "- claims (not a JSON object): %s\n", code(string(t.Claims)))
			continue
		}
		b.WriteString("\n| claim | value |\n| --- | --- |\n")
		for _, c := range cs {
			v := code(c.Value)
			if c.When != "" {
				v += " · " + prose(c.When)
			}
			fmt.Fprintf(b, "| %s | %s |\n", cell(code(c.Name)), cell(v))
		}
	}
}

// compactJSON is a token header on one line, in its own key order; one
// that is not valid JSON is shown as it is.
func compactJSON(v json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return string(v)
	}
	return b.String()
}

// code puts a value in a Markdown code span, made printable first: a
// backtick in it lengthens the fence, so it cannot end the span early.
func code(s string) string {
	s = Printable(s)
	if s == "" {
		return "(empty)"
	}
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if longest > 0 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// prose is text outside code spans: on one line, printable, and with the
// Markdown of links with text of their own, images and HTML escaped, since
// a provider's page or error text lands here and the report goes into
// tickets that render it: "[sign in](https://evil)" stays text, and so
// does <redacted>, which a renderer would drop as an unknown tag. A bare
// URL may still be linked by the renderer, but shows as itself.
func prose(s string) string {
	return mdEscaper.Replace(Printable(oneLine(s)))
}

var mdEscaper = strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`, "<", `\<`)

// oneLine joins the lines of a page or an error message with spaces.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t\v\f") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// cell makes text safe in a table cell: a pipe would end the cell (GFM
// reads \| as a pipe, inside code spans too).
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// ShortURL drops the query and fragment: the values that matter are
// listed under the hop.
func ShortURL(raw string) string {
	raw = redactUserinfo(raw)
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		return raw[:i]
	}
	return raw
}
