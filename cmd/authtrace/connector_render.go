package main

import (
	"fmt"
	"io"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/authtrace/authtrace/connector"
	"github.com/authtrace/authtrace/report"
)

// The JSON form of connector check (version 1). Field names are public:
// add, never rename.
type (
	checkDoc struct {
		Version int `json:"version"`
		checkEntry
	}
	checkEntry struct {
		Path  string `json:"path,omitempty"`
		Error string `json:"error,omitempty"`
		Note  string `json:"note,omitempty"`
		// Skipped says why a connector of a folder was not checked (no
		// OAuth settings: an API key, or no authentication).
		Skipped   string           `json:"skipped,omitempty"`
		Connector *connectorJSON   `json:"connector,omitempty"`
		Requests  *requestsJSON    `json:"requests,omitempty"`
		All       []requestsJSON   `json:"all_requests,omitempty"`
		Findings  []report.Finding `json:"findings"`
		Counts    map[string]int   `json:"counts,omitempty"`
	}
	folderDoc struct {
		Version    int          `json:"version"`
		Connectors []checkEntry `json:"connectors"`
	}
	connectorJSON struct {
		File     string      `json:"file"`
		Title    string      `json:"title,omitempty"`
		APIName  string      `json:"api_name,omitempty"`
		Host     string      `json:"host,omitempty"`
		BasePath string      `json:"base_path,omitempty"`
		Schemes  []string    `json:"schemes,omitempty"`
		OAuth    []oauthJSON `json:"oauth"`
		Params   []paramJSON `json:"params,omitempty"`
		Notes    []string    `json:"notes,omitempty"`
	}
	oauthJSON struct {
		Path         string            `json:"path"`
		Set          string            `json:"set,omitempty"`
		Parameter    string            `json:"parameter"`
		Provider     string            `json:"identity_provider"`
		ClientID     string            `json:"client_id,omitempty"`
		ClientSecret string            `json:"client_secret,omitempty"` // redacted
		Scopes       []string          `json:"scopes,omitempty"`
		Scope        string            `json:"scope,omitempty"`
		RedirectMode string            `json:"redirect_mode,omitempty"`
		RedirectURL  string            `json:"redirect_url,omitempty"`
		Redirect     string            `json:"platform_redirect_url"`
		FirstParty   bool              `json:"first_party,omitempty"`
		Custom       map[string]string `json:"custom_parameters,omitempty"`
		Used         bool              `json:"used"` // the one --connector uses
		NeededParams []string          `json:"needed_params,omitempty"`
	}
	paramJSON struct {
		Name        string `json:"name"`
		Type        string `json:"type,omitempty"`
		Required    bool   `json:"required,omitempty"`
		Description string `json:"description,omitempty"`
		Set         string `json:"set,omitempty"`
	}
	requestsJSON struct {
		Path      string       `json:"path"`
		Set       string       `json:"set,omitempty"`
		Authorize string       `json:"authorize_url,omitempty"`
		Token     *requestJSON `json:"token,omitempty"`
		Refresh   *requestJSON `json:"refresh,omitempty"`
		Missing   []string     `json:"missing,omitempty"`
		Error     string       `json:"error,omitempty"`
	}
	requestJSON struct {
		Method string            `json:"method"`
		URL    string            `json:"url"`
		Body   string            `json:"body,omitempty"`
		Form   map[string]string `json:"form,omitempty"`
		// ClientAuth says who authenticates the client: "template" (the
		// body as written), or "body, then basic" (the platform adds it).
		ClientAuth string `json:"client_auth"`
	}
)

func checkJSON(ch checked, withPath bool) checkDoc {
	return checkDoc{Version: report.Version, checkEntry: entryJSON(ch, withPath)}
}

func folderJSON(all []checked) folderDoc {
	d := folderDoc{Version: report.Version, Connectors: []checkEntry{}}
	for _, ch := range all {
		d.Connectors = append(d.Connectors, entryJSON(ch, true))
	}
	return d
}

func entryJSON(ch checked, withPath bool) checkEntry {
	e := checkEntry{Findings: []report.Finding{}}
	if withPath {
		e.Path = ch.path
	}
	if ch.skipped {
		e.Skipped = ch.err.Error()
		return e
	}
	if ch.err != nil {
		e.Error = ch.err.Error()
		return e
	}
	s := ch.hide
	c := ch.c
	cj := &connectorJSON{File: c.File, Title: c.Title, APIName: c.APIName, Host: c.Host, BasePath: c.BasePath, Schemes: c.Schemes}
	for _, n := range c.Notes {
		cj.Notes = append(cj.Notes, s(n))
	}
	for i, o := range c.OAuth {
		oj := oauthJSON{Path: o.Path, Set: o.Set, Parameter: o.Param, Provider: o.Provider, ClientID: s(o.ClientID),
			Scope: s(o.Scope()), RedirectMode: o.RedirectMode, RedirectURL: s(o.RedirectURL),
			Redirect: s(o.PlatformRedirectURL()), FirstParty: o.FirstParty, Used: i == ch.chosen && ch.noSet == "", NeededParams: c.NeededParams(o)}
		for _, sc := range o.Scopes {
			oj.Scopes = append(oj.Scopes, s(sc))
		}
		if o.ClientSecret != "" {
			oj.ClientSecret = report.Redacted
		}
		if len(o.Custom) > 0 {
			oj.Custom = map[string]string{}
			for k, v := range o.Custom {
				oj.Custom[k] = s(v)
			}
		}
		cj.OAuth = append(cj.OAuth, oj)
		rj := requestJSONOf(o, ch.requests[i], s)
		e.All = append(e.All, rj)
	}
	for _, p := range c.Params {
		p.Description = s(p.Description)
		cj.Params = append(cj.Params, paramJSON(p))
	}
	e.Connector = cj
	if ch.noSet != "" {
		e.Note = fmt.Sprintf("no parameter set %s: --connector with --conn-set %s would refuse this connector; the requests shown are its first OAuth setting's", s(ch.noSet), s(ch.noSet))
	}
	e.Requests = &e.All[ch.chosen]
	if len(e.All) == 1 {
		e.All = nil
	}
	for _, f := range ch.findings {
		f.Message, f.Hint = s(f.Message), s(f.Hint)
		if f.Detail != nil {
			d := make(map[string]string, len(f.Detail))
			for k, v := range f.Detail {
				d[k] = s(v)
			}
			f.Detail = d
		}
		e.Findings = append(e.Findings, f)
	}
	errs, warns, infos := (&report.Report{Findings: ch.findings}).Count()
	e.Counts = map[string]int{"error": errs, "warn": warns, "info": infos}
	return e
}

func requestJSONOf(o *connector.OAuth, b builtRequests, s func(string) string) requestsJSON {
	rj := requestsJSON{Path: o.Path, Set: o.Set, Missing: b.r.Missing}
	if b.err != nil {
		rj.Error = s(b.err.Error())
		return rj
	}
	rj.Authorize = s(b.r.Authorize)
	for _, t := range []struct {
		dst **requestJSON
		tr  func() (string, string, map[string]string)
	}{
		{&rj.Token, func() (string, string, map[string]string) { return b.r.Token.URL, b.r.Token.Body, flat(b.r.Token.Form) }},
		{&rj.Refresh, func() (string, string, map[string]string) {
			return b.r.Refresh.URL, b.r.Refresh.Body, flat(b.r.Refresh.Form)
		}},
	} {
		u, body, form := t.tr()
		auth := "body, then basic"
		if body != "" {
			auth = "template"
		}
		for k, v := range form {
			form[k] = s(v)
		}
		*t.dst = &requestJSON{Method: "POST", URL: s(u), Body: s(body), Form: form, ClientAuth: auth}
	}
	return rj
}

func flat(v url.Values) map[string]string {
	if len(v) == 0 {
		return nil
	}
	m := map[string]string{}
	for k := range v {
		m[k] = v.Get(k)
	}
	return m
}

// writeCheck prints one connector's check for a person. Everything read
// from the file goes through report.Printable: a hostile file must not
// drive the terminal.
func writeCheck(w io.Writer, ch checked) error {
	p := func(v string) string { return report.Printable(ch.hide(v)) }
	e := entryJSON(ch, false)
	c := struct {
		*connectorJSON
		oauth []*connector.OAuth
	}{e.Connector, ch.c.OAuth}
	var b strings.Builder
	title := c.Title
	if title == "" {
		title = "(no apiDefinition.swagger.json title)"
	}
	fmt.Fprintf(&b, "Connector   %s\n", p(title))
	fmt.Fprintf(&b, "File        %s\n", p(c.File))
	if c.APIName != "" {
		fmt.Fprintf(&b, "API name    %s\n", p(c.APIName))
	}
	if c.Host != "" {
		fmt.Fprintf(&b, "Host        %s%s\n", p(c.Host), p(c.BasePath))
	}
	if e.Note != "" {
		fmt.Fprintf(&b, "Note        %s\n", p(e.Note))
	}
	for i, o := range c.OAuth {
		r := requestsFor(e, i)
		b.WriteString("\n")
		set := ""
		if o.Set != "" {
			set = " in parameter set " + p(o.Set)
		}
		used := ""
		if len(c.OAuth) > 1 && o.Used {
			used = "  <- --connector uses this one (--conn-set to choose another)"
		}
		fmt.Fprintf(&b, "OAuth setting %q%s%s\n  at %s\n", p(o.Parameter), set, used, p(o.Path))
		row := func(k, v string) {
			if v != "" {
				fmt.Fprintf(&b, "  %-20s %s\n", k, p(v))
			}
		}
		row("identity provider", o.Provider)
		row("client id", o.ClientID)
		row("client secret", o.ClientSecret)
		row("scopes", strings.Join(o.Scopes, ", "))
		row("scope sent", o.Scope)
		row("redirect mode", o.RedirectMode)
		row("redirect URL", o.RedirectURL)
		row("platform sends", o.Redirect)
		if o.FirstParty {
			row("first party", "yes")
		}
		keys := make([]string, 0, len(o.Custom))
		for k := range o.Custom {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			v := o.Custom[k]
			if strings.TrimSpace(v) != v || v == "" {
				v = strconv.Quote(v) // a delimiter of " " must not print as nothing
			}
			row("  "+c.oauth[i].WrittenKey(k), v)
		}
		writeRequests(&b, r, p)
	}
	if len(c.Params) > 0 {
		b.WriteString("\nConnection parameters\n")
		for _, prm := range c.Params {
			req := ""
			if prm.Required {
				req = ", required"
			}
			fmt.Fprintf(&b, "  %-24s %s%s  %s\n", p(prm.Name), p(prm.Type), req, p(prm.Description))
		}
	}
	if len(c.Notes) > 0 {
		b.WriteString("\nNotes (read leniently, as the platform does)\n")
		for _, n := range c.Notes {
			fmt.Fprintf(&b, "  - %s\n", p(n))
		}
	}
	writeFindings(&b, e.Findings, p)
	_, err := io.WriteString(w, b.String())
	return err
}

func requestsFor(e checkEntry, i int) requestsJSON {
	if e.All == nil {
		return *e.Requests
	}
	return e.All[i]
}

func writeRequests(b *strings.Builder, r requestsJSON, p func(string) string) {
	if r.Error != "" {
		fmt.Fprintf(b, "\n  The platform's requests cannot be built: %s\n", p(r.Error))
		return
	}
	fmt.Fprintf(b, "\n  Authorize URL (the browser is sent to)\n    %s\n", p(r.Authorize))
	for _, t := range []struct {
		name string
		req  *requestJSON
	}{{"Token request", r.Token}, {"Refresh request", r.Refresh}} {
		fmt.Fprintf(b, "  %s\n    POST %s\n", t.name, p(t.req.URL))
		if t.req.Body != "" {
			fmt.Fprintf(b, "    %s\n    (the body as the template writes it, client credentials and all)\n", p(t.req.Body))
			continue
		}
		keys := make([]string, 0, len(t.req.Form))
		for k := range t.req.Form {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(b, "    %s=%s\n", p(k), p(t.req.Form[k]))
		}
		b.WriteString("    (client_id and client_secret added in the body, then as Basic if refused)\n")
	}
	if len(r.Missing) > 0 {
		b.WriteString("  Connection parameters not given, shown as {Name}:\n")
		for _, n := range r.Missing {
			fmt.Fprintf(b, "    %s: --conn-param %s=VALUE or %s\n", p(n), p(connector.FlagName(n)), connector.EnvName(n))
		}
	}
}

func writeFindings(b *strings.Builder, fs []report.Finding, p func(string) string) {
	if len(fs) == 0 {
		b.WriteString("\nFindings: none\n")
		return
	}
	rep := report.Report{Findings: fs}
	fmt.Fprintf(b, "\nFindings (%s)\n", rep.Tally())
	for _, i := range report.BySeverity(fs) {
		f := fs[i]
		fmt.Fprintf(b, "  %-5s %s: %s\n", strings.ToUpper(string(f.Severity)), f.Code, p(f.Message))
		if path := f.Detail["path"]; path != "" {
			fmt.Fprintf(b, "        at %s\n", p(path))
		}
		if f.Hint != "" {
			fmt.Fprintf(b, "        fix: %s\n", p(f.Hint))
		}
	}
}

// writeFolder prints every connector of a folder, one section each, and a
// summary.
func writeFolder(w io.Writer, all []checked) error {
	var b strings.Builder
	var bad, withErrs, withWarns, noSet, skipped int
	set := ""
	for i, ch := range all {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "== %s\n", report.Printable(ch.path))
		if ch.skipped {
			skipped++
			b.WriteString("skipped: no OAuth settings (an API key, or no authentication)\n")
			continue
		}
		if ch.err != nil {
			bad++
			fmt.Fprintf(&b, "cannot be read: %s\n", report.Printable(ch.err.Error()))
			continue
		}
		if ch.noSet != "" {
			noSet++
			set = ch.noSet
		}
		var sec strings.Builder
		if err := writeCheck(&sec, ch); err != nil {
			return err
		}
		b.WriteString(sec.String())
		errs, warns, _ := (&report.Report{Findings: ch.findings}).Count()
		if errs > 0 {
			withErrs++
		} else if warns > 0 {
			withWarns++
		}
	}
	fmt.Fprintf(&b, "\nSummary: %d connectors: %d with errors, %d with warnings only, %d clean, %d unreadable",
		len(all), withErrs, withWarns, len(all)-withErrs-withWarns-bad-skipped, bad)
	if skipped > 0 {
		fmt.Fprintf(&b, ", %d without OAuth settings (skipped)", skipped)
	}
	if noSet > 0 {
		fmt.Fprintf(&b, "; %d without parameter set %s (their first OAuth setting shown)", noSet, report.Printable(set))
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}
