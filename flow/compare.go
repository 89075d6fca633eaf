package flow

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/report"
)

// The comparison: hops and what was sent in, findings out. Every source of
// hops goes through it (DESIGN.md, "Hops"): a producer (the preflight and
// the listener here, a HAR file, a browser capture) builds each hop with
// HopParams and HopRole, reads each page it has with ReadPage, and hands
// the hops to Compare with the params of the authorize request that was
// sent. The live runner compares each hop as it arrives with compareHop,
// the function Compare runs for each.

// comparedParams are the authorize parameters compared between the sent
// request and later authorize hops, besides state and redirect_uri.
var comparedParams = []string{
	"client_id", "response_type", "scope", "audience", "resource",
	"organization", "connection", "prompt",
}

// paramSeverity is how bad it is when a parameter is lost or altered on the
// way. audience and resource pick the token's audience (Auth0 without
// audience issues an opaque token for /userinfo; DESIGN.md story 4);
// client_id and response_type break the request; organization, connection
// and prompt change the login experience (and prompt=consent can be what a
// refresh token needs).
func paramSeverity(name string) report.Severity {
	switch name {
	case "client_id", "response_type", "audience", "resource", "scope":
		return report.SeverityError
	}
	return report.SeverityWarn
}

// Compare compares hops with what was sent and returns the findings, hop
// by hop, each with Hop set to the hop's N. sent holds the params of the
// authorize request that was sent (HopParams of its URL); a hop whose
// Source is sent is that request and is not compared with itself.
// Authorize and callback hops are compared, and an error page that carries
// client_id and response_type is compared as the authorize request it is.
// Provider and other hops give no findings: their state is the provider's
// own. What a page said is read by ReadPage, from its body.
func Compare(sent map[string]string, hops []report.Hop) []report.Finding {
	var out []report.Finding
	for _, h := range hops {
		out = append(out, compareHop(sent, h)...)
	}
	return out
}

// compareHop compares one hop with what was sent, as Compare does.
func compareHop(sent map[string]string, h report.Hop) []report.Finding {
	if h.Source == report.SourceSent {
		return nil
	}
	h.Role = comparedRole(h) // the messages name the role it is compared in
	if h.Role != report.RoleAuthorize && h.Role != report.RoleCallback {
		return nil
	}
	sent, h, unknown := maskPlaceholders(sent, h)
	var out []report.Finding
	if len(unknown) > 0 {
		out = append(out, placeholderFinding(h, unknown))
	}
	if h.Role == report.RoleAuthorize {
		return append(out, compareAuthorize(sent, h)...)
	}
	return append(out, compareCallback(sent, h)...)
}

// maskPlaceholders takes out of the comparison every parameter whose
// value, sent or at the hop, is a sanitiser's placeholder ("[state
// redacted]" in a HAR file from a support portal): what was there is not
// known, so it is neither changed nor dropped. It returns copies and the
// names taken out, state and redirect_uri first.
func maskPlaceholders(sent map[string]string, h report.Hop) (map[string]string, report.Hop, []string) {
	var unknown []string
	for _, name := range append([]string{"state", "redirect_uri"}, comparedParams...) {
		// The compared ones only: a code is never compared, so one a
		// sanitiser replaced loses nothing.
		if report.IsPlaceholder(sent[name]) || report.IsPlaceholder(h.Params[name]) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) == 0 {
		return sent, h, nil
	}
	sent, h.Params = maps.Clone(sent), maps.Clone(h.Params)
	for _, name := range unknown {
		delete(sent, name)
		delete(h.Params, name)
	}
	return sent, h, unknown
}

func placeholderFinding(h report.Hop, unknown []string) report.Finding {
	return report.Finding{
		Code: report.CodeParamPlaceholder, Severity: report.SeverityInfo, Hop: h.N,
		Message: fmt.Sprintf("%s: %s %s a sanitiser's placeholder, not the value: not compared", hopName(h), strings.Join(unknown, ", "), isAre(len(unknown))),
		Hint:    "The file was sanitised before it reached you (a support portal, a browser's sanitised export). To compare these values, ask for a HAR exported without sanitising, or run the login yourself with authtrace login.",
		Detail:  map[string]string{"names": strings.Join(unknown, " ")},
	}
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

// comparedRole is the role h is compared in. An authorize request
// answered with an error page is still an authorize request: what a proxy
// changed on the way is often why it was refused.
func comparedRole(h report.Hop) report.Role {
	_, hasClient := h.Params["client_id"]
	_, hasType := h.Params["response_type"]
	if h.Role == report.RoleErrorPage && hasClient && hasType {
		return report.RoleAuthorize
	}
	return h.Role
}

func compareAuthorize(sent map[string]string, h report.Hop) []report.Finding {
	name := hopName(h)
	if f, ok := upstreamAuthorize(sent, h, name); ok {
		return []report.Finding{f}
	}
	var out []report.Finding
	if f, ok := compareState(sent, h, name); ok {
		out = append(out, f)
	}
	if want, ok := sent["redirect_uri"]; ok {
		got, present := h.Params["redirect_uri"]
		switch {
		case !present:
			out = append(out, report.Finding{
				Code: report.CodeParamDropped, Severity: report.SeverityError, Hop: h.N,
				Message: fmt.Sprintf("%s has no redirect_uri; %q was sent", name, want),
				Hint:    "Something between the platform and the provider dropped redirect_uri. The provider then falls back to a registered default (or fails), and the token request's redirect_uri no longer matches. Pass redirect_uri through unchanged.",
				Detail:  map[string]string{"name": "redirect_uri", "sent": want},
			})
		default:
			if kind, detail := classifyRedirectURI(want, got); kind != "" {
				out = append(out, report.Finding{
					Code: report.CodeRedirectURIChanged, Severity: report.SeverityError, Hop: h.N,
					Message: fmt.Sprintf("%s carries a different redirect_uri than sent (%s): %s", name, kind, detail),
					Hint:    redirectURIHint(kind, want),
					Detail:  map[string]string{"kind": kind, "sent": want, "got": got, "detail": detail},
				})
			}
		}
	}
	for _, p := range comparedParams {
		want, wasSent := sent[p]
		got, present := h.Params[p]
		switch {
		case wasSent && !present:
			out = append(out, report.Finding{
				Code: report.CodeParamDropped, Severity: paramSeverity(p), Hop: h.N,
				Message: fmt.Sprintf("%s lost %s=%q on the way", name, p, want),
				Hint:    paramDroppedHint(p, want),
				Detail:  map[string]string{"name": p, "sent": want},
			})
		case wasSent && want != got:
			out = append(out, paramChanged(name, h.N, p, want, got))
		case !wasSent && present:
			out = append(out, report.Finding{
				Code: report.CodeParamAdded, Severity: report.SeverityInfo, Hop: h.N,
				Message: fmt.Sprintf("%s adds %s=%q, which was not sent", name, p, got),
				Hint:    paramAddedHint(p),
				Detail:  map[string]string{"name": p, "got": got},
			})
		}
	}
	return out
}

// upstreamAuthorize recognises another client's authorize request: a
// broker (Auth0 with an enterprise or social connection, Entra B2C, a
// tenant proxy that is itself an OAuth client) signing the user in at an
// upstream identity provider with its own client_id, redirect_uri and
// state. Comparing that hop with what was sent would flag every value as
// altered, so it gets one informational note instead.
func upstreamAuthorize(sent map[string]string, h report.Hop, name string) (report.Finding, bool) {
	sentClient, ok1 := sent["client_id"]
	gotClient, ok2 := h.Params["client_id"]
	sentRedirect, ok3 := sent["redirect_uri"]
	gotRedirect, ok4 := h.Params["redirect_uri"]
	if !ok1 || !ok2 || !ok3 || !ok4 || sentClient == gotClient {
		return report.Finding{}, false
	}
	su, err1 := url.Parse(sentRedirect)
	gu, err2 := url.Parse(gotRedirect)
	if err1 != nil || err2 != nil || gu.Host == "" || strings.EqualFold(su.Host, gu.Host) {
		return report.Finding{}, false
	}
	return report.Finding{
		Code: report.CodeParamChanged, Severity: report.SeverityInfo, Hop: h.N,
		Message: fmt.Sprintf("%s is another client's authorize request (client_id %q, redirect_uri %q): a federated login at an upstream identity provider; its state and redirect_uri are its own and are not compared", name, gotClient, gotRedirect),
		Hint:    "Expected when the provider federates to another identity provider (an Auth0 connection, Entra B2C, a tenant proxy acting as an OAuth client). If it is not meant to, something replaced the connector's client_id and redirect_uri on the way.",
		Detail:  map[string]string{"name": "client_id", "sent": sentClient, "got": gotClient, "upstream": "true"},
	}, true
}

func paramChanged(name string, n int, p, want, got string) report.Finding {
	f := report.Finding{
		Code: report.CodeParamChanged, Severity: paramSeverity(p), Hop: n,
		Message: fmt.Sprintf("%s changed %s from %q to %q", name, p, want, got),
		Detail:  map[string]string{"name": p, "sent": want, "got": got},
	}
	switch p {
	case "scope":
		removed, added := scopeDiff(want, got)
		if len(removed) == 0 && len(added) == 0 {
			f.Severity = report.SeverityInfo
			f.Message = fmt.Sprintf("%s reordered or re-spaced scope: %q instead of %q (the same scopes)", name, got, want)
			f.Hint = "Only the order or spacing changed; providers treat scope as a set, so this is harmless."
			return f
		}
		if len(removed) == 0 {
			f.Severity = report.SeverityWarn
		}
		f.Detail["removed"] = strings.Join(removed, " ")
		f.Detail["added"] = strings.Join(added, " ")
		f.Hint = "Scopes were changed on the way to the provider. The token is issued for the scopes that reach the provider, not the ones in the connector's Scope field; pass scope through unchanged."
		if slices.Contains(removed, "offline_access") {
			f.Hint += " Without offline_access no refresh token comes back, and the connection fails after the first access token expires."
		}
	case "audience", "resource":
		f.Hint = fmt.Sprintf("The %s selects the API the access token is for; changed on the way, the token is issued for %q and your API will reject it. Pass %s through unchanged (in Power Platform it usually sits in the connector's Authorization URL query string).", p, got, p)
	case "client_id":
		f.Hint = "client_id was replaced on the way: the provider signs the user in to another application, and the code it returns cannot be exchanged with the connector's Client ID. Pass client_id through unchanged."
	case "response_type":
		f.Hint = "response_type must stay \"code\" for the authorization-code flow the platform runs; pass it through unchanged."
	default:
		f.Hint = fmt.Sprintf("%s was changed on the way to the provider; if that is not intended, pass it through unchanged.", p)
	}
	return f
}

func scopeDiff(sent, got string) (removed, added []string) {
	s, g := strings.Fields(sent), strings.Fields(got)
	for _, x := range s {
		if !slices.Contains(g, x) {
			removed = append(removed, x)
		}
	}
	for _, x := range g {
		if !slices.Contains(s, x) {
			added = append(added, x)
		}
	}
	return removed, added
}

func compareCallback(sent map[string]string, h report.Hop) []report.Finding {
	var out []report.Finding
	name := hopName(h)
	if f, ok := compareState(sent, h, name); ok {
		out = append(out, f)
	}
	if code, ok := h.Params["error"]; ok {
		desc := h.Params["error_description"]
		msg := fmt.Sprintf("%s: the provider answered error %q", name, code)
		if desc != "" {
			msg += fmt.Sprintf(": %s", desc)
		}
		d := map[string]string{"error": code}
		if desc != "" {
			d["error_description"] = desc
		}
		if num, _, _ := readAADSTS(desc); num != "" {
			d["aadsts"] = num // what scripts match Entra's errors on
		}
		out = append(out, report.Finding{
			Code: report.CodeAuthorizeError, Severity: report.SeverityError, Hop: h.N,
			Message: msg,
			Hint:    authorizeErrorHint(code, desc, sent),
			Detail:  d,
		})
	}
	return out
}

// compareState compares the state of an authorize or callback hop with the
// sent one; no state was sent means nothing to compare.
func compareState(sent map[string]string, h report.Hop, name string) (report.Finding, bool) {
	want, ok := sent["state"]
	if !ok {
		return report.Finding{}, false
	}
	got, present := h.Params["state"]
	where := "on the way to the provider"
	if h.Role == report.RoleCallback {
		where = "at the callback, where the platform compares it byte for byte and rejects the login"
	}
	if !present {
		return report.Finding{
			Code: report.CodeStateMissing, Severity: report.SeverityError, Hop: h.N,
			Message: fmt.Sprintf("%s has no state; %q was sent", name, want),
			Hint:    "state was dropped " + where + ". The provider must return the client's state unchanged (RFC 6749 §4.1.2); a proxy in front of it must pass state through.",
			Detail:  map[string]string{"sent": want},
		}, true
	}
	kind, detail := classifyState(want, got)
	if kind == "" {
		return report.Finding{}, false
	}
	return report.Finding{
		Code: report.CodeStateChanged, Severity: report.SeverityError, Hop: h.N,
		Message: fmt.Sprintf("%s carries a different state than sent (%s): %s", name, kind, detail),
		Hint:    stateHint(kind, h.Role),
		Detail:  map[string]string{"kind": kind, "sent": want, "got": got, "detail": detail},
	}, true
}

// hopName names a hop in messages: "hop 2 (authorize at login.acme.com)".
func hopName(h report.Hop) string {
	host := ""
	if u, err := url.Parse(h.URL); err == nil {
		host = u.Host
	}
	if host == "" {
		return fmt.Sprintf("hop %d (%s)", h.N, h.Role)
	}
	return fmt.Sprintf("hop %d (%s at %s)", h.N, h.Role, host)
}

// WrongCallback is what a hop means that carries the provider's answer
// (a code or an error, with the state that was sent) at a URL that is
// not the redirect URI: the provider, or something after it, sent the
// answer elsewhere (http for https, another path). A producer of hops
// that saw the browser go there (a HAR file) reports it; sent is the
// redirect_uri sent, got the hop's URL.
func WrongCallback(n int, sent, got string) report.Finding {
	at := got
	if u, err := url.Parse(got); err == nil {
		u.RawQuery, u.Fragment = "", ""
		at = u.String()
	}
	kind, detail := classifyRedirectURI(sent, at)
	return report.Finding{
		Code: report.CodeRedirectURIChanged, Severity: report.SeverityError, Hop: n,
		Message: fmt.Sprintf("hop %d: the answer (code or error, with the state sent) went to %s, not to the redirect_uri sent (%s): %s", n, at, kind, detail),
		Hint:    redirectURIHint(kind, sent),
		Detail:  map[string]string{"kind": kind, "sent": sent, "got": at, "detail": detail},
	}
}

// StateChangedAt says where the state of a callback's state.changed
// finding in fs changed: at the first of hops (those before it, of its
// chain) whose redirect carried the value the callback got. After the
// login page that is a hop only a browser capture or a HAR file has (a
// rule or action's redirect, a proxy on the way back); it goes in the
// finding's message and in its detail as changed_at. Other findings are
// returned as they are.
func StateChangedAt(hops []report.Hop, fs []report.Finding) []report.Finding {
	for i, f := range fs {
		if f.Code != report.CodeStateChanged || f.Hop == 0 {
			continue
		}
		var cb *report.Hop
		for j := range hops {
			if hops[j].N == f.Hop {
				cb = &hops[j]
			}
		}
		if cb == nil || cb.Role != report.RoleCallback {
			continue
		}
		got := f.Detail["got"]
		// With a capture, the callback came through the browser's
		// hops; the preflight's are twins it never followed.
		browser := slices.ContainsFunc(hops, func(h report.Hop) bool { return h.Source == report.SourceBrowser && h.Chain == cb.Chain })
		for _, h := range hops {
			if h.N >= cb.N || h.Chain != cb.Chain || h.Location == "" || browser && h.Source == report.SourcePreflight {
				continue
			}
			lu, err := url.Parse(h.Location)
			if err != nil {
				continue
			}
			if v, ok := HopParams(lu)["state"]; ok && v == got {
				g := f
				g.Detail = maps.Clone(f.Detail)
				g.Detail["changed_at"] = fmt.Sprint(h.N)
				g.Message += fmt.Sprintf("; it changed at %s, whose redirect carried it", hopName(h))
				fs[i] = g
				break
			}
		}
	}
	return fs
}
