package ui

import (
	"time"

	"charm.land/bubbles/v2/key"

	"github.com/authtrace/authtrace/report"
)

// view is one tab of the screen: a list, and the selected row's detail
// beside or below it. The root model holds one per tab, in an array
// indexed by tab (as soft-serve's repository page holds its panes), and
// talks to them only through this interface.
type view interface {
	// set rebuilds the rows and the detail from the context's report.
	set(c *viewContext)
	// count is the number of rows in the list.
	count() int
	// move moves the selection by d rows.
	move(c *viewContext, d int)
	// pick selects row i, for enter on a finding, which goes to its hop
	// or token.
	pick(c *viewContext, i int)
	// scroll scrolls the detail by d pages, scrollLines by n lines.
	scroll(c *viewContext, d int)
	scrollLines(c *viewContext, n int)
	// rowAt is the item drawn at column x of row r of the list pane (row
	// 0 is its title), for a mouse click.
	rowAt(c *viewContext, x, r int) (int, bool)
	// enter acts on the selected row.
	enter(c *viewContext) request
	// copyText is what c copies from the selected row, and its name for
	// the status line; nothing when there is nothing to copy.
	copyText(c *viewContext) (what, text string)
	// draw returns the visible lines of the list and of the detail.
	draw(c *viewContext) (list, detail []string)
}

// request is what a view asks of the root after enter: a status line, or
// a row of another tab to go to.
type request struct {
	status string
	jump   bool
	tab    tab
	row    int
}

// viewContext is what the views draw from: the screen's layout, the
// styles, the keys, the report, where the run is and the clock. The root
// model makes one for each call, so no view reads the root model, and
// none changes what the context points to.
type viewContext struct {
	layout
	st   styles
	keys keyMap
	rep  *report.Report // redacted: what the screen shows
	// raw is the report as the engine has it, for what a person asks to
	// see or copy on purpose (a raw token); secrets are the values it
	// holds, hidden in text that does not come from rep.
	raw     *report.Report
	secrets *report.Secrets
	state   runState
	now     time.Time
	loc     *time.Location // token times are also shown in it
	isDark  bool
	// failure is why the run stopped, in the words of where it was set
	// up (the form's fields, or the CLI's flags), its secrets hidden; ""
	// when it did not.
	failure string
	command string // the run's name in the header: login, demo
}

// keyName is how a hint names a binding's key: the help's own name for it,
// so hints follow the bindings.
func keyName(b key.Binding) string { return b.Help().Key }
