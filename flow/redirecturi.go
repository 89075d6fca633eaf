package flow

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// How a redirect_uri that came back differs from the sent one (DESIGN.md,
// redirect_uri.changed). Providers compare it as a string.

// Redirect URI change kinds (DESIGN.md, redirect_uri.changed).
const (
	redirectKindTrailingSlash = "trailing_slash"
	redirectKindScheme        = "scheme"
	redirectKindHost          = "host"
	redirectKindPort          = "port"
	redirectKindPath          = "path"
	redirectKindQuery         = "query"
	redirectKindCase          = "case"
	redirectKindEncoding      = "encoding"
	redirectKindReplaced      = "replaced"
)

// classifyRedirectURI returns "" when got equals sent byte for byte, and
// otherwise the kind of change (one of the redirectKind* values) and a detail.
// Providers compare redirect_uri as a string, so every difference counts,
// even ones a URL library would call equivalent. When several parts differ
// the kind names the first of scheme, host, port, path, query and the
// detail lists them all; case and encoding are kinds only when they are the
// whole difference.
func classifyRedirectURI(sent, got string) (kind, detail string) {
	if sent == got {
		return "", ""
	}
	if got == "" {
		return redirectKindReplaced, "it arrived empty"
	}
	if strings.EqualFold(sent, got) {
		ds, err1 := url.PathUnescape(sent)
		dg, err2 := url.PathUnescape(got)
		if err1 == nil && err2 == nil && ds == dg {
			// Only the hex digits of percent-escapes changed case.
			d, _ := caseChanged(sent, got)
			return redirectKindEncoding, "percent-escapes written in another case: " + d
		}
		return redirectKindCase, caseDetail(sent, got)
	}
	if first, ok := decodesTo(got, sent, false); ok {
		seq := escapeAt(got, first)
		return redirectKindEncoding, fmt.Sprintf("%q arrived where %q was sent (character %d): percent-encoded once more than sent", seq, unescapeSeq(seq), runePos(got, first))
	}
	if first, ok := decodesTo(sent, got, false); ok {
		seq := escapeAt(sent, first)
		return redirectKindEncoding, fmt.Sprintf("%q arrived where %q was sent (character %d): percent-escapes were decoded", unescapeSeq(seq), seq, runePos(sent, first))
	}
	su, err1 := url.Parse(sent)
	gu, err2 := url.Parse(got)
	if err1 != nil || err2 != nil || !su.IsAbs() || !gu.IsAbs() {
		return redirectKindReplaced, fmt.Sprintf("a different URL: %s instead of %s", quoteCut(got, 200), quoteCut(sent, 200))
	}
	if su.Opaque != "" || gu.Opaque != "" || su.Host == "" || gu.Host == "" {
		return redirectKindReplaced, fmt.Sprintf("a different URL: %s instead of %s", quoteCut(got, 200), quoteCut(sent, 200))
	}
	if d, ok := encodingOnly(su, gu); ok {
		return redirectKindEncoding, d
	}

	type diff struct{ kind, text string }
	var diffs []diff
	if su.Scheme != gu.Scheme {
		k := redirectKindScheme
		if strings.EqualFold(su.Scheme, gu.Scheme) {
			k = redirectKindCase
		}
		diffs = append(diffs, diff{k, fmt.Sprintf("scheme %q instead of %q", gu.Scheme, su.Scheme)})
	}
	if su.Hostname() != gu.Hostname() || su.User.String() != gu.User.String() {
		k := redirectKindHost
		text := fmt.Sprintf("host %q instead of %q", gu.Hostname(), su.Hostname())
		switch {
		case strings.EqualFold(su.Hostname(), gu.Hostname()) && su.User.String() == gu.User.String():
			k = redirectKindCase
			text = "host differs in case: " + fmt.Sprintf("%q instead of %q", gu.Host, su.Host)
		case loopbackSpelling(su.Hostname()) && loopbackSpelling(gu.Hostname()):
			text += " (both loopback, but different strings to the provider and a different address to the listener)"
		}
		diffs = append(diffs, diff{k, text})
	}
	if su.Port() != gu.Port() {
		text := fmt.Sprintf("port %q instead of %q", gu.Port(), su.Port())
		if defaultedPort(su) == defaultedPort(gu) {
			text += " (the default port, written out on one side only)"
		}
		diffs = append(diffs, diff{redirectKindPort, text})
	}
	if sp, gp := su.EscapedPath(), gu.EscapedPath(); sp != gp {
		diffs = append(diffs, pathDiff(sp, gp))
	}
	switch {
	case su.RawQuery != gu.RawQuery:
		diffs = append(diffs, diff{redirectKindQuery, fmt.Sprintf("query %q instead of %q", gu.RawQuery, su.RawQuery)})
	case gu.ForceQuery && !su.ForceQuery:
		diffs = append(diffs, diff{redirectKindQuery, `an empty query ("?") was added at the end`})
	case su.ForceQuery && !gu.ForceQuery:
		diffs = append(diffs, diff{redirectKindQuery, `the empty query ("?") at the end was dropped`})
	}
	if su.EscapedFragment() != gu.EscapedFragment() {
		diffs = append(diffs, diff{redirectKindReplaced, fmt.Sprintf("fragment %q instead of %q", gu.EscapedFragment(), su.EscapedFragment())})
	}
	if len(diffs) == 0 {
		// Equal parts spelled differently (an opaque URL, "https:host").
		return redirectKindReplaced, fmt.Sprintf("a different URL: %s instead of %s", quoteCut(got, 200), quoteCut(sent, 200))
	}
	texts := make([]string, len(diffs))
	for i, d := range diffs {
		texts[i] = d.text
	}
	k := diffs[0].kind
	if k == redirectKindCase && len(diffs) > 1 {
		k = diffs[1].kind
	}
	return k, strings.Join(texts, "; ")
}

// pathDiff classifies a path difference: a trailing slash, the shared
// Power Platform redirect path against a per-connector one, or another path.
func pathDiff(sp, gp string) struct{ kind, text string } {
	type diff = struct{ kind, text string }
	switch {
	case sp+"/" == gp:
		return diff{redirectKindTrailingSlash, fmt.Sprintf("a trailing %q was added to the path %q", "/", sp)}
	case gp+"/" == sp:
		return diff{redirectKindTrailingSlash, fmt.Sprintf("the trailing %q of the path %q was dropped", "/", sp)}
	case strings.EqualFold(sp, gp):
		return diff{redirectKindCase, fmt.Sprintf("path differs in case: %q instead of %q", gp, sp)}
	case sp == "" || gp == "":
		// No per-connector reading of a missing path.
	case strings.HasPrefix(gp, sp+"/") && !strings.Contains(gp[len(sp)+1:], "/"):
		return diff{redirectKindPath, fmt.Sprintf("path %q instead of %q: this one is a per-connector redirect URI (.../redirect/<id>), the shared one was sent", gp, sp)}
	case strings.HasPrefix(sp, gp+"/") && !strings.Contains(sp[len(gp)+1:], "/"):
		return diff{redirectKindPath, fmt.Sprintf("path %q instead of %q: this one is the shared redirect URI, a per-connector one (.../redirect/<id>) was sent", gp, sp)}
	}
	return diff{redirectKindPath, fmt.Sprintf("path %q instead of %q", gp, sp)}
}

// encodingOnly reports whether su and gu differ only in how their path and
// query are percent-encoded.
func encodingOnly(su, gu *url.URL) (string, bool) {
	if su.Scheme != gu.Scheme || su.Host != gu.Host || su.Path != gu.Path || su.Fragment != gu.Fragment || su.ForceQuery != gu.ForceQuery {
		return "", false
	}
	sq, err1 := url.QueryUnescape(su.RawQuery)
	gq, err2 := url.QueryUnescape(gu.RawQuery)
	if err1 != nil || err2 != nil || sq != gq {
		return "", false
	}
	sp, gp := su.EscapedPath()+"?"+su.RawQuery, gu.EscapedPath()+"?"+gu.RawQuery
	p := commonPrefix(sp, gp)
	s := commonSuffix(sp[p:], gp[p:])
	if p == len(sp) && p == len(gp) {
		return "", false
	}
	return fmt.Sprintf("%q instead of %q: the same URL, percent-encoded differently", gp[p:len(gp)-s], sp[p:len(sp)-s]), true
}

// caseDetail shows a redirect URI that differs only in case: the parts
// that differ, whole, and the first character that changed.
func caseDetail(sent, got string) string {
	var parts []string
	su, err1 := url.Parse(sent)
	gu, err2 := url.Parse(got)
	if err1 == nil && err2 == nil {
		add := func(name, s, g string) {
			if s != g {
				parts = append(parts, fmt.Sprintf("%s %q instead of %q", name, g, s))
			}
		}
		add("scheme", su.Scheme, gu.Scheme)
		add("host", su.Host, gu.Host)
		add("path", su.EscapedPath(), gu.EscapedPath())
		add("query", su.RawQuery, gu.RawQuery)
		add("fragment", su.EscapedFragment(), gu.EscapedFragment())
	}
	first := ""
	if d, ok := caseChanged(sent, got); ok {
		first = d
	}
	if len(parts) == 0 {
		return "differs in case: " + first
	}
	return "differs in case: " + strings.Join(parts, "; ") + "; " + first
}

func loopbackSpelling(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
