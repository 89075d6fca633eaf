package flow

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// How a state that came back differs from the sent one (DESIGN.md,
// state.changed): re-encodings, cuts, additions, case, replacement.

// State change kinds (DESIGN.md, state.changed).
const (
	stateKindSuffixAdded         = "suffix_added"
	stateKindPrefixAdded         = "prefix_added"
	stateKindWrapped             = "wrapped"
	stateKindPercentDecoded      = "percent_decoded"
	stateKindPercentEncodedTwice = "percent_encoded_twice"
	stateKindPlusToSpace         = "plus_to_space"
	stateKindTruncated           = "truncated"
	stateKindCaseChanged         = "case_changed"
	stateKindReplaced            = "replaced"
)

// classifyState returns "" when got equals sent byte for byte, and otherwise
// the kind of change (one of the stateKind* values) and a detail that shows
// exactly what differs: the text added, the decoded wrapper, the character
// that changed and where (positions count characters from 1).
//
// The order of the checks matters. Re-encodings come first because they are
// the whole story when they match (a value encoded twice may also contain
// the original); then cuts and additions at either end; then wrappers
// (base64, base64url, JSON, text around the original), which by then cannot
// be a plain prefix or suffix; then case; anything else is replaced.
func classifyState(sent, got string) (kind, detail string) {
	if sent == got {
		return "", ""
	}
	if got == "" {
		return stateKindTruncated, fmt.Sprintf("it arrived empty: all %d characters of the sent one were dropped", utf8.RuneCountInString(sent))
	}
	if d, ok := encodedTwice(sent, got); ok {
		return stateKindPercentEncodedTwice, d
	}
	if d, ok := plusToSpace(sent, got); ok {
		return stateKindPlusToSpace, d
	}
	if d, ok := percentDecoded(sent, got); ok {
		return stateKindPercentDecoded, d
	}
	if strings.HasPrefix(sent, got) {
		return stateKindTruncated, truncatedDetail(sent, got)
	}
	if strings.HasPrefix(got, sent) {
		return stateKindSuffixAdded, "appended " + quoteExtra(got[len(sent):])
	}
	if strings.HasSuffix(got, sent) {
		return stateKindPrefixAdded, "prepended " + quoteExtra(got[:len(got)-len(sent)])
	}
	if d, ok := wrapped(sent, got); ok {
		return stateKindWrapped, d
	}
	if d, ok := caseChanged(sent, got); ok {
		return stateKindCaseChanged, d
	}
	// A re-encoding combined with an addition: say what was added, and
	// that the original came back altered.
	for _, alt := range alteredForms(sent) {
		switch {
		case len(got) <= len(alt.value):
			// Not an addition.
		case strings.HasPrefix(got, alt.value):
			return stateKindSuffixAdded, "appended " + quoteExtra(got[len(alt.value):]) + "; the original also came back " + alt.how
		case strings.HasSuffix(got, alt.value):
			return stateKindPrefixAdded, "prepended " + quoteExtra(got[:len(got)-len(alt.value)]) + "; the original also came back " + alt.how
		}
	}
	return stateKindReplaced, replacedDetail(sent, got)
}

// encodedTwice reports whether got still carries percent-escapes that, once
// decoded, give sent: the value was encoded twice on its way (a hop's params
// are already decoded once).
func encodedTwice(sent, got string) (string, bool) {
	if !strings.Contains(got, "%") {
		return "", false
	}
	first, ok := decodesTo(got, sent, false)
	if !ok {
		first, ok = decodesTo(got, sent, true)
	}
	if !ok {
		return "", false
	}
	seq := escapeAt(got, first)
	return fmt.Sprintf("it arrived still percent-encoded: %q stands for %q (character %d); the value was encoded twice on the way (%q on the wire)",
		seq, unescapeSeq(seq), runePos(got, first), "%25"+seq[1:]), true
}

// percentDecoded reports whether got is sent with some or all of its
// percent-escapes decoded.
func percentDecoded(sent, got string) (string, bool) {
	if !strings.Contains(sent, "%") {
		return "", false
	}
	first, ok := decodesTo(sent, got, false)
	how := ""
	if !ok {
		first, ok = decodesTo(sent, got, true)
		if ok && strings.Contains(sent, "+") {
			how = ", and '+' became a space"
		}
	}
	if !ok {
		return "", false
	}
	seq := escapeAt(sent, first)
	if seq == "+" {
		return fmt.Sprintf("'+' became a space (character %d), and percent-escapes were decoded", runePos(sent, first)), true
	}
	return fmt.Sprintf("%q was decoded to %q (character %d)%s; the sent state contains percent-escapes that must come back as they were",
		seq, unescapeSeq(seq), runePos(sent, first), how), true
}

// plusToSpace reports whether got is sent with some or all '+' turned into
// spaces, as form decoding does.
func plusToSpace(sent, got string) (string, bool) {
	if len(sent) != len(got) || !strings.Contains(sent, "+") {
		return "", false
	}
	first, n := -1, 0
	for i := 0; i < len(sent); i++ {
		if sent[i] == got[i] {
			continue
		}
		if sent[i] != '+' || got[i] != ' ' {
			return "", false
		}
		if first < 0 {
			first = i
		}
		n++
	}
	if n == 0 {
		return "", false
	}
	return fmt.Sprintf("'+' became a space at character %d (%d of %d '+' signs); something read the query as a form and decoded '+' to space",
		runePos(sent, first), n, strings.Count(sent, "+")), true
}

func truncatedDetail(sent, got string) string {
	lost := sent[len(got):]
	d := fmt.Sprintf("cut after %d of %d characters; lost %s", utf8.RuneCountInString(got), utf8.RuneCountInString(sent), quoteCut(lost, 60))
	switch c := lost[0]; {
	case strings.IndexByte("&#+; ", c) >= 0:
		d += fmt.Sprintf("; the cut is at %q, which ends a query value when it is not percent-encoded", string(c))
	case (c == '_' || c == '.') && isPlatformState(sent):
		// <GUID>_<region-cluster>_azure-apim.net: a proxy that splits
		// state on '_' (or keeps what looks like a GUID) cuts it here.
		d += fmt.Sprintf("; the cut is at %q, between parts of Power Platform's state (<GUID>_<region-cluster>_azure-apim.net): something on the way splits state there", string(c))
	}
	return d
}

// quoteExtra quotes text added to a state, and says what it decodes to when
// it is (a separator and) base64 or JSON, as platform SDKs add.
func quoteExtra(extra string) string {
	q := quoteCut(extra, 120)
	trimmed := strings.TrimLeft(extra, ".|:~,;_-= ")
	if trimmed == "" {
		return q
	}
	if v, how, ok := decodeWrapper(trimmed, 2); ok && how != "" {
		return fmt.Sprintf("%s (%s: %s)", q, how, quoteCut(v, 120))
	}
	return q
}

// replacedDetail shows the part of got that differs from sent, between
// their common prefix and suffix.
func replacedDetail(sent, got string) string {
	p := commonPrefix(sent, got)
	s := commonSuffix(sent[p:], got[p:])
	ms, mg := sent[p:len(sent)-s], got[p:len(got)-s]
	if p == 0 && s == 0 {
		return fmt.Sprintf("a different value: %d characters with nothing in common with the %d sent (the provider or a proxy returned its own state)",
			utf8.RuneCountInString(got), utf8.RuneCountInString(sent))
	}
	return fmt.Sprintf("%s became %s at character %d", quoteCut(ms, 80), quoteCut(mg, 80), runePos(sent, p))
}

type alteredForm struct{ value, how string }

// alteredForms are the ways a proxy re-encodes a state on its way, for
// recognising an addition made to an already altered value.
func alteredForms(sent string) []alteredForm {
	var out []alteredForm
	add := func(v, how string) {
		if v != sent && v != "" {
			out = append(out, alteredForm{v, how})
		}
	}
	add(strings.ReplaceAll(sent, "+", " "), "with '+' turned into spaces")
	if d, err := url.QueryUnescape(sent); err == nil {
		add(d, "percent-decoded")
	}
	add(url.QueryEscape(sent), "percent-encoded once more")
	return out
}
