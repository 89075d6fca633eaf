package ui

import (
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/authtrace/authtrace/report"
)

// fit pads or cuts a styled string to exactly w cells.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	sw := ansi.StringWidth(s)
	if sw > w {
		return ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", w-sw)
}

// cut shortens a plain string to w cells with an ellipsis. Like every
// helper here that takes plain text (cutMiddle, wrapWords, wrapMarked), it
// makes the text safe with report.Printable first: values come from
// providers, proxies and tokens, and an escape sequence in one must neither
// reach the terminal nor hide in a comparison. Printable keeps one rune for
// one rune, so diff ranges stay valid.
func cut(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = report.Printable(s)
	if utf8.RuneCountInString(s) <= w && ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// cutMiddle shortens a plain string to w cells keeping both ends (see
// report.CutMiddle).
func cutMiddle(s string, w int) string {
	if w < 5 {
		return cut(s, w)
	}
	return report.CutMiddle(s, w)
}

// wrapWords wraps plain text at spaces to lines of at most w cells; a word
// longer than w is broken.
func wrapWords(s string, w int) []string {
	if w < 1 {
		w = 1
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		para = report.Printable(para)
		line := ""
		for _, word := range strings.Fields(para) {
			for utf8.RuneCountInString(word) > w {
				if line != "" {
					lines = append(lines, line)
					line = ""
				}
				r := []rune(word)
				lines = append(lines, string(r[:w]))
				word = string(r[w:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= w:
				line += " " + word
			default:
				lines = append(lines, line)
				line = word
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// wrapMarked hard-wraps a value to lines of w cells, drawing the runes in
// [lo, hi) with mark and the rest with base. It is how a comparison shows
// exactly which characters differ, even when the value spans lines.
func wrapMarked(val string, lo, hi, w int, base, mark lipgloss.Style) []string {
	r := []rune(report.Printable(val))
	if w < 1 {
		w = 1
	}
	var lines []string
	for start := 0; start < len(r) || start == 0; start += w {
		end := min(start+w, len(r))
		var b strings.Builder
		seg := func(a, z int, st lipgloss.Style) {
			if a < z {
				b.WriteString(st.Render(string(r[a:z])))
			}
		}
		seg(start, min(end, max(lo, start)), base)
		seg(max(start, lo), min(end, hi), mark)
		seg(max(start, hi), end, base)
		lines = append(lines, b.String())
		if len(r) == 0 {
			break
		}
	}
	return lines
}

// diffRange returns the runes of a and b that differ once their common
// prefix and suffix are set aside: b[lo:hiB] replaced a[lo:hiA]. For an
// appended suffix the range covers exactly the suffix; for a trailing slash,
// the slash.
func diffRange(a, b string) (lo, hiA, hiB int) {
	ra, rb := []rune(a), []rune(b)
	for lo < len(ra) && lo < len(rb) && ra[lo] == rb[lo] {
		lo++
	}
	ea, eb := len(ra), len(rb)
	for ea > lo && eb > lo && ra[ea-1] == rb[eb-1] {
		ea--
		eb--
	}
	return lo, ea, eb
}

// errText makes an error message, or other free text from the engine, fit
// to show: secrets it quotes are hidden (an HTTP client error repeats the
// callback URL, code and all) and it is made printable. The screen shows
// no more than a report written without --reveal.
func errText(s string) string {
	return report.Printable(report.RedactText(s))
}

// visibleWidth is the width in cells of a styled string.
func visibleWidth(s string) int { return ansi.StringWidth(s) }

// lipglossStyle is a short name for the style type in signatures.
type lipglossStyle = lipgloss.Style

// lipglossPlain draws text as it is.
var lipglossPlain = lipgloss.NewStyle()
