package ui

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// runState is where the program is, above the engine's phases.
type runState int

const (
	stateSetup   runState = iota // the setup form
	stateRunning                 // the engine runs
	stateDone                    // the engine returned a report
	stateFailed                  // the engine returned an error
)

type tab int

const (
	tabHops tab = iota
	tabTokens
	tabFindings
	tabCount
)

var tabNames = [tabCount]string{"Hops", "Tokens", "Findings"}

// Messages from the engine and from commands.
type (
	eventMsg flow.Event
	doneMsg  struct {
		rep     report.Report
		err     error
		refresh bool
	}
	tickMsg     time.Time
	exportedMsg struct {
		paths []string
		err   error
	}
	openedMsg struct{ err error }
)

// model is the root model: it owns the screen, the report as it grows, and
// the child views, which it keeps in sync with the report.
type model struct {
	opts   Options
	run    engineRun
	now    func() time.Time
	keys   keyMap
	help   help.Model
	styles styles
	spin   spinner.Model

	layout
	isDark bool

	progress
	// rep is the report as it grows; shown is it redacted, what the
	// views draw (the screen is an output like any other), and secrets
	// the values rep holds, hidden in every line of text shown.
	rep     report.Report
	shown   report.Report
	secrets *report.Secrets

	// quitting blanks the last frame. Bubble Tea moves the cursor to the
	// bottom row before it leaves the alternate screen, and a terminal
	// resized meanwhile (tmux) shrinks that screen into the normal one's
	// scrollback as it restores it: whatever the last frame showed, a raw
	// token included, would stay above the summary.
	quitting bool

	tab      tab
	showHelp bool
	status   string // a transient line: copied, exported, errors of keys

	setup  setupForm
	header headerView
	// views are the tabs, indexed by tab. They are pointers, shared by
	// the copies of the model Bubble Tea makes: only the newest is used.
	views [tabCount]view
}

func newModel(ctx context.Context, opts Options) model {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	noColor := false
	for _, kv := range opts.Env {
		if v, ok := strings.CutPrefix(kv, "NO_COLOR="); ok && v != "" {
			noColor = true
		}
	}
	m := model{
		opts:   opts,
		run:    newEngineRun(ctx),
		now:    now,
		keys:   defaultKeys(opts.Refresh != nil, opts.OpenBrowser != nil),
		help:   help.New(),
		isDark: true,
		layout: layout{width: defaultWidth, height: defaultHeight},
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		views:  [tabCount]view{tabHops: &hopsView{}, tabTokens: &tokensView{}, tabFindings: &findingsView{}},
	}
	m.styles = newStyles(m.isDark, noColor)
	m.help.Styles = m.styles.help
	m.rep = seedReport(opts.Config)
	if opts.Setup {
		m.state = stateSetup
		m.setup = newSetupForm(opts.Config, m.styles, m.isDark)
		if opts.OpenHAR != nil {
			m.setup.addHARField(m.isDark)
		}
	} else {
		m.state = stateRunning
		m.phase = flow.PhasePreflight
	}
	m.rebuildViews()
	return m
}

// seedReport fills the profile from the config, so the header and the
// comparison have the sent values before the engine's report arrives.
func seedReport(cfg flow.Config) report.Report {
	p := flow.NewProfile(cfg)
	p.RedirectURI, p.State = cfg.RedirectURI, cfg.State
	return report.Report{Version: report.Version, Command: "login", Profile: p}
}

// ctx is what the current tab draws from, as the model is now.
func (m *model) ctx() *viewContext { return m.ctxOf(m.tab) }

// ctxOf is what tab t draws from.
func (m *model) ctxOf(t tab) *viewContext {
	loc := m.opts.Location
	if loc == nil {
		loc = time.Local
	}
	return &viewContext{layout: m.layoutOf(t), st: m.styles, keys: m.keys, rep: &m.shown, raw: &m.rep,
		secrets: m.secrets, state: m.state, now: m.now(), loc: loc, isDark: m.isDark, failure: m.failure(), command: m.opts.Command}
}

// failure words why the run stopped for the person who set it up: with
// the form's field names after the setup form, else as Options.Phrase
// (the CLI's flags); "" when it did not stop on an error.
func (m *model) failure() string {
	switch {
	case m.err == nil && m.rep.Error == "":
		return ""
	case m.err == nil:
		return errText(m.secrets.Text(m.rep.Error))
	case m.opts.Setup:
		return errText(m.secrets.Text(formPhrase(m.err)))
	case m.opts.Phrase != nil:
		return errText(m.secrets.Text(m.opts.Phrase(m.err)))
	}
	return errText(m.secrets.Text(m.err.Error()))
}

// tokens is the tokens view, whose paste input the root feeds.
func (m *model) tokens() *tokensView { return m.views[tabTokens].(*tokensView) }

// setHeader recomputes the header, after the status or the clock moved.
func (m *model) setHeader() { m.header.set(m.ctx(), m.progress, m.spin.View()) }

func (m model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	switch m.state {
	case stateSetup:
		cmds = append(cmds, m.setup.focusCmd())
	case stateRunning:
		cmds = append(cmds, m.startEngine(), m.spin.Tick, tick())
	}
	return tea.Batch(cmds...)
}

func tick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

func (m *model) startEngine() tea.Cmd {
	cfg := m.opts.Config
	start := m.opts.Start
	return m.run.start(false, func(ctx context.Context, emit func(flow.Event)) (report.Report, error) {
		return start(ctx, cfg, emit)
	})
}

func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.rebuildViews()
		return m, nil
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.styles = newStyles(m.isDark, m.styles.noColor)
		m.help.Styles = m.styles.help
		m.setup.restyle(m.styles, m.isDark)
		m.rebuildViews()
		return m, nil
	case spinner.TickMsg:
		if m.state != stateRunning && !m.busy {
			return m, nil
		}
		m.spin, cmd = m.spin.Update(msg)
		m.setHeader()
		return m, cmd
	case tickMsg:
		if m.state != stateRunning {
			return m, nil
		}
		m.setHeader()
		return m, tick()
	case eventMsg:
		m.apply(flow.Event(msg))
		m.rebuildViews()
		return m, m.run.listen()
	case doneMsg:
		m.finish(msg)
		m.rebuildViews()
		if !msg.refresh {
			m.openFirstError()
		}
		return m, nil
	case exportedMsg:
		if msg.err != nil {
			m.status = "export failed: " + errText(m.secrets.Text(msg.err.Error()))
		} else {
			m.exported = msg.paths
			// The header names the files in full.
			m.status = "exported " + filepath.Base(msg.paths[0])
			if len(msg.paths) > 1 {
				m.status += " (+ .md)"
			}
		}
		m.setHeader()
		return m, nil
	case openedMsg:
		if msg.err != nil {
			m.status = "could not open the browser: " + errText(m.secrets.Text(msg.err.Error()))
		} else {
			m.status = "opened the authorize URL again"
		}
		m.setHeader()
		return m, nil
	}

	if m.state == stateSetup {
		return m.updateSetup(msg)
	}

	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		return m.updateKey(msg)
	case tea.PasteMsg:
		m.tab = tabTokens
		if status := m.tokens().paste(m.ctx(), msg.Content); status != "" {
			m.status = status
		}
		m.rebuildViews()
		return m, nil
	case tea.MouseClickMsg:
		m.click(msg)
		m.setHeader()
		return m, nil
	case tea.MouseWheelMsg:
		m.wheel(msg)
		return m, nil
	}
	return m, nil
}

func (m model) updateSetup(msg tea.Msg) (tea.Model, tea.Cmd) {
	form, cmd, action := m.setup.update(msg)
	m.setup = form
	switch action {
	case setupQuit:
		m.run.cancel()
		m.quitting = true
		return m, tea.Quit
	case setupSubmit:
		if path := m.setup.harPath(); path != "" && m.opts.OpenHAR != nil {
			// A HAR file instead of a login: read it, and show its
			// report as a login's.
			open := m.opts.OpenHAR
			m.opts.Command = "har"
			m.rep = report.Report{Command: "har"}
			m.state = stateRunning
			m.rebuildViews()
			return m, tea.Batch(m.run.start(false, func(ctx context.Context, emit func(flow.Event)) (report.Report, error) {
				rep, err := open(ctx, path)
				if err == nil {
					flow.Replay(rep)(ctx, flow.Config{}, emit)
				}
				return rep, err
			}), m.spin.Tick, tick())
		}
		m.opts.Config = m.setup.config()
		m.rep = seedReport(m.opts.Config)
		m.state = stateRunning
		m.phase = flow.PhasePreflight
		m.rebuildViews()
		return m, tea.Batch(m.startEngine(), m.spin.Tick, tick())
	}
	return m, cmd
}

func (m model) updateKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.tokens().typing() {
		cmd, status := m.tokens().updateInput(m.ctx(), msg)
		if status != "" {
			m.status = status
		}
		m.rebuildViews()
		return m, cmd
	}
	m.status = ""
	k := m.keys
	switch {
	case key.Matches(msg, k.Quit):
		m.run.cancel()
		m.quitting = true
		return m, tea.Quit
	case key.Matches(msg, k.Help):
		m.showHelp = !m.showHelp
	case m.showHelp && msg.String() == "esc":
		m.showHelp = false
	case key.Matches(msg, k.NextTab):
		m.tab = (m.tab + 1) % tabCount
	case key.Matches(msg, k.PrevTab):
		m.tab = (m.tab + tabCount - 1) % tabCount
	case key.Matches(msg, k.Up):
		m.moveSel(-1)
	case key.Matches(msg, k.Down):
		m.moveSel(1)
	case key.Matches(msg, k.PageUp):
		m.scrollDetail(-1)
	case key.Matches(msg, k.PageDown):
		m.scrollDetail(1)
	case key.Matches(msg, k.Top):
		m.moveSel(-1 << 20)
	case key.Matches(msg, k.Bottom):
		m.moveSel(1 << 20)
	case key.Matches(msg, k.Enter):
		m.enter()
	case key.Matches(msg, k.Zoom):
		m.zoom = (m.zoom + 1) % zoomCount
		m.rebuildViews()
		m.status = [zoomCount]string{"showing the list and the detail", "showing the list only (z: the detail only)", "showing the detail only (z: both)"}[m.zoom]
	case key.Matches(msg, k.Copy):
		return m, m.copySelected()
	case key.Matches(msg, k.CopyURL):
		u := m.authorizeURL()
		if u == "" {
			m.status = "no authorize URL yet"
			break
		}
		m.status = "copied the authorize URL to the clipboard (OSC 52)"
		m.setHeader()
		return m, tea.SetClipboard(u)
	case key.Matches(msg, k.Open):
		return m, m.reopen()
	case key.Matches(msg, k.Refresh):
		return m, m.refreshAgain()
	case key.Matches(msg, k.Export):
		m.status = "exporting…"
		return m, exportCmd(m.rep, m.opts.ReportDir, m.now())
	case key.Matches(msg, k.Paste):
		m.tab = tabTokens
		return m, m.tokens().openInput(m.ctx())
	default:
		return m, nil
	}
	m.setHeader()
	return m, nil
}

// apply adds one engine event to the live report, with the engine's own
// reducer, and keeps what only the screen shows: the phase, the listener,
// the last line of progress.
func (m *model) apply(ev flow.Event) {
	flow.Apply(&m.rep, ev)
	switch ev.Kind {
	case flow.EventPhase:
		m.phase = ev.Phase
		m.logLine = "" // a line of the phase before: stale now
		if ev.Phase == flow.PhaseCalling {
			m.calling = ev.Text
		}
		if ev.Phase == flow.PhaseWaiting {
			m.listen = ev.Listen
			m.authURL = ev.AuthorizeURL
			m.deadline = ev.Deadline
		}
	case flow.EventHop:
		if ev.Hop != nil && ev.Hop.Source == report.SourceSent && m.authURL == "" {
			m.authURL = ev.Hop.URL
		}
	case flow.EventLog:
		m.logLine = ev.Text
	}
}

// finish takes the engine's (or a refresh's) result.
func (m *model) finish(d doneMsg) {
	if d.refresh {
		m.busy = false
		if d.err != nil {
			m.status = "refresh failed: " + errText(m.secrets.Text(d.err.Error()))
		} else {
			m.status = "refreshed again"
		}
	}
	if d.rep.Version != 0 || len(d.rep.Hops) > 0 {
		m.rep = d.rep
	}
	if d.refresh {
		return
	}
	// The listener is closed now: a browser reopened on the authorize URL
	// would sign in and redirect to nothing.
	if m.opts.OpenBrowser != nil {
		m.keys.Open.SetHelp("o", "reopen browser (not after the login: its listener is closed)")
	}
	m.err = d.err
	if d.err != nil {
		m.state = stateFailed
		m.phase = flow.PhaseFailed
		if m.rep.Error == "" {
			m.rep.Error = d.err.Error()
		}
		return
	}
	m.state = stateDone
	m.phase = flow.PhaseDone
}

// rebuildViews recomputes everything the views draw from the report, the
// styles and the size, so View only joins visible rows.
func (m *model) rebuildViews() {
	m.secrets = report.SecretsOf(m.rep)
	m.shown = m.rep.Redact()
	m.help.SetWidth(m.width)
	m.setHeader()
	for i, v := range m.views {
		v.set(m.ctxOf(tab(i)))
	}
	m.setup.resize(m.width)
}

// View joins the precomputed parts; it only slices the visible rows.
func (m model) View() tea.View {
	var b strings.Builder
	switch {
	case m.quitting:
	case m.state == stateSetup:
		b.WriteString(m.setup.view())
	default:
		b.WriteString(m.header.view())
		b.WriteByte('\n')
		b.WriteString(m.tabBar())
		b.WriteByte('\n')
		if m.showHelp {
			b.WriteString(m.fullHelp())
		} else {
			b.WriteString(m.body())
		}
		b.WriteByte('\n')
		b.WriteString(m.footer())
	}
	v := tea.NewView(b.String())
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "authtrace"
	return v
}
