package ui

import "charm.land/bubbles/v2/key"

// keyMap holds the key bindings of the trace screens. It is built by
// defaultKeys and grouped for bubbles/help.
type keyMap struct {
	NextTab  key.Binding
	PrevTab  key.Binding
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Enter    key.Binding
	Zoom     key.Binding
	Open     key.Binding
	Copy     key.Binding
	CopyURL  key.Binding
	Refresh  key.Binding
	Export   key.Binding
	Paste    key.Binding
	Help     key.Binding
	Quit     key.Binding
}

// defaultKeys returns the bindings. canRefresh and canOpen say whether the
// refresh and browser seams were given; without them the keys stay in the
// help, saying why they do nothing, so nobody hunts for a missing feature.
func defaultKeys(canRefresh, canOpen bool) keyMap {
	k := keyMap{
		NextTab:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next view")),
		PrevTab:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous view")),
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Enter:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "detail")),
		Zoom:     key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom")),
		Open:     key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "reopen browser")),
		Copy:     key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy")),
		CopyURL:  key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "copy the authorize URL")),
		Refresh:  key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "refresh again")),
		Export:   key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "export")),
		Paste:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "paste a token")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
	if !canRefresh {
		k.Refresh.SetHelp("r", "refresh (not available here)")
	}
	if !canOpen {
		k.Open.SetHelp("o", "reopen browser (not available here)")
	}
	return k
}

// ShortHelp is the one-line help under the panes.
func (k keyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.NextTab, k.Enter, k.Zoom, k.Copy, k.Export, k.Help, k.Quit}
}

// FullHelp is the help shown by ?.
func (k keyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.NextTab, k.PrevTab, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Enter, k.Zoom, k.Copy, k.CopyURL, k.Paste, k.Export},
		{k.Open, k.Refresh, k.Help, k.Quit},
	}
}

// setupKeys are the bindings of the setup form.
type setupKeys struct {
	Next   key.Binding
	Prev   key.Binding
	Submit key.Binding
	Quit   key.Binding
}

func defaultSetupKeys() setupKeys {
	return setupKeys{
		Next:   key.NewBinding(key.WithKeys("tab", "down"), key.WithHelp("tab/↓", "next")),
		Prev:   key.NewBinding(key.WithKeys("shift+tab", "up"), key.WithHelp("shift+tab/↑", "back")),
		Submit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "next, on the last: start")),
		Quit:   key.NewBinding(key.WithKeys("ctrl+c", "esc"), key.WithHelp("esc", "quit")),
	}
}

func (k setupKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Next, k.Prev, k.Submit, k.Quit}
}

func (k setupKeys) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }
