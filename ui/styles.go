package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/authtrace/authtrace/report"
)

// styles holds every style the UI draws with. It is built in one place by
// newStyles, which knows whether the background is dark and whether colour
// is wanted at all, so no view picks a colour of its own.
type styles struct {
	noColor bool

	title     lipgloss.Style
	faint     lipgloss.Style
	bold      lipgloss.Style
	tabActive lipgloss.Style
	tabIdle   lipgloss.Style
	selected  lipgloss.Style // the cursor row of a list
	paneTitle lipgloss.Style
	status    lipgloss.Style
	url       lipgloss.Style
	key       lipgloss.Style // a claim or parameter name

	errorSev lipgloss.Style
	warnSev  lipgloss.Style
	infoSev  lipgloss.Style
	ok       lipgloss.Style

	// diffAdded marks the characters a hop has that were not sent (an
	// appended suffix, a trailing slash); diffRemoved those sent and lost.
	diffAdded   lipgloss.Style
	diffRemoved lipgloss.Style

	inputErr lipgloss.Style

	help help.Styles
}

// newStyles builds the styles for a dark or light background. With noColor
// (NO_COLOR set) nothing is coloured and the marks that matter (differing
// characters, the selected row, severities) use reverse video, bold and
// underline, which survive a monochrome terminal.
func newStyles(isDark, noColor bool) styles {
	ld := lipgloss.LightDark(isDark)
	s := styles{noColor: noColor}
	base := lipgloss.NewStyle()
	if noColor {
		s.title = base.Bold(true)
		s.faint = base.Faint(true)
		s.bold = base.Bold(true)
		s.tabActive = base.Bold(true).Reverse(true).Padding(0, 1)
		s.tabIdle = base.Padding(0, 1)
		s.selected = base.Reverse(true)
		s.paneTitle = base.Bold(true).Underline(true)
		s.status = base.Bold(true)
		s.url = base.Underline(true)
		s.key = base.Bold(true)
		s.errorSev = base.Bold(true)
		s.warnSev = base.Bold(true)
		s.infoSev = base
		s.ok = base
		s.diffAdded = base.Reverse(true)
		s.diffRemoved = base.Reverse(true).Strikethrough(true)
		s.inputErr = base.Bold(true)
		s.help = help.Styles{
			ShortKey:       base.Bold(true),
			ShortDesc:      base,
			ShortSeparator: base.Faint(true),
			Ellipsis:       base.Faint(true),
			FullKey:        base.Bold(true),
			FullDesc:       base,
			FullSeparator:  base.Faint(true),
		}
		return s
	}

	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B4A2FF"))
	subtle := ld(lipgloss.Color("#6C6C6C"), lipgloss.Color("#8A8A8A"))
	selBg := ld(lipgloss.Color("#DCD6F7"), lipgloss.Color("#3B3357"))
	red := ld(lipgloss.Color("#C0262D"), lipgloss.Color("#FF6B6B"))
	yellow := ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#F2C94C"))
	blue := ld(lipgloss.Color("#1F5FAF"), lipgloss.Color("#7DB7FF"))
	green := ld(lipgloss.Color("#1E7B34"), lipgloss.Color("#6FCF97"))
	addBg := ld(lipgloss.Color("#F9C6C6"), lipgloss.Color("#7A1F24"))
	remBg := ld(lipgloss.Color("#FBE3B0"), lipgloss.Color("#6A4A00"))

	s.title = base.Bold(true).Foreground(accent)
	s.faint = base.Foreground(subtle)
	s.bold = base.Bold(true)
	s.tabActive = base.Bold(true).Foreground(ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#1A1A1A"))).Background(accent).Padding(0, 1)
	s.tabIdle = base.Foreground(subtle).Padding(0, 1)
	s.selected = base.Background(selBg).Bold(true)
	s.paneTitle = base.Bold(true).Foreground(accent)
	s.status = base.Foreground(green).Bold(true)
	s.url = base.Foreground(blue).Underline(true)
	s.key = base.Foreground(blue)
	s.errorSev = base.Foreground(red).Bold(true)
	s.warnSev = base.Foreground(yellow).Bold(true)
	s.infoSev = base.Foreground(blue)
	s.ok = base.Foreground(green)
	s.diffAdded = base.Background(addBg).Foreground(ld(lipgloss.Color("#000000"), lipgloss.Color("#FFFFFF"))).Underline(true)
	s.diffRemoved = base.Background(remBg).Strikethrough(true)
	s.inputErr = base.Foreground(red)
	// bubbles' default help is #b2b2b2 on a light background and #4a4a4a
	// on a dark one, about 2:1 against white or black: unreadable. These
	// keep 4.5:1 or better (WCAG AA) for keys and descriptions; only the
	// separator dot is fainter.
	helpKey := base.Foreground(ld(lipgloss.Color("#4E4E4E"), lipgloss.Color("#B0B0B0")))
	helpDesc := base.Foreground(subtle)
	helpSep := base.Foreground(ld(lipgloss.Color("#9E9E9E"), lipgloss.Color("#5A5A5A")))
	s.help = help.Styles{
		ShortKey:       helpKey,
		ShortDesc:      helpDesc,
		ShortSeparator: helpSep,
		Ellipsis:       helpSep,
		FullKey:        helpKey,
		FullDesc:       helpDesc,
		FullSeparator:  helpSep,
	}
	return s
}

// severity returns the style and the one-letter mark of a finding severity.
// The mark carries the meaning on its own, for a terminal without colour.
func (s styles) severity(sev report.Severity) (lipgloss.Style, string) {
	switch sev {
	case report.SeverityError:
		return s.errorSev, "✗"
	case report.SeverityWarn:
		return s.warnSev, "!"
	default:
		return s.infoSev, "i"
	}
}
