// Package ui is authtrace's terminal interface: a Bubble Tea program that
// runs the flow engine in a command, fed live by its events, and shows the
// login's hops side by side with what was sent, the tokens, and the findings.
// It reads everything from the events and the report.Report, so the screen
// and the JSON output always agree.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// StartFunc runs a login; flow.Run has this shape.
type StartFunc func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error)

// RefreshFunc runs the refresh grant again with the refresh token of rep,
// with the config the login ran with (the setup form may have changed it),
// and returns rep updated; flow.RefreshAgain has this shape.
type RefreshFunc func(ctx context.Context, cfg flow.Config, rep report.Report, emit func(flow.Event)) (report.Report, error)

// Options configures Run.
type Options struct {
	// Start runs the engine (flow.Run). Required.
	Start StartFunc
	// Config is the login to run, or the values the setup form starts from.
	Config flow.Config
	// Setup shows the setup form first, prefilled from Config.
	Setup bool
	// ReportDir is where e exports the report (default: the working
	// directory).
	ReportDir string
	// OpenBrowser reopens the authorize URL (key o); nil disables the key.
	OpenBrowser func(url string) error
	// Refresh runs the refresh grant again (key r); nil disables the key.
	Refresh RefreshFunc

	// Input and Output are the terminal (default stdin and stdout). The
	// summary printed after the program exits goes to Output too.
	Input  io.Reader
	Output io.Writer
	// Env is the environment for colour detection (default os.Environ()).
	// NO_COLOR set to anything turns colour off.
	Env []string
	// Now is the clock for the countdown and token times (default time.Now).
	Now func() time.Time
	// Location is the local zone token times are also shown in (default
	// time.Local).
	Location *time.Location
	// Command names the run in the header: "login" (the default) or
	// "demo".
	Command string
	// OpenHAR, when set, lets the setup form read a HAR file instead of
	// running a login (a field of its own): it returns the file's
	// report, shown as a login's. authtrace har's analysis.
	OpenHAR func(ctx context.Context, path string) (report.Report, error)
	// Phrase words the engine's error for the summary printed after the
	// screen closes, which is the only place it is printed (default
	// err.Error()); the CLI names the settings as its flags.
	Phrase func(error) string
}

// ErrStopped is returned, wrapped, when the person quit before the login
// finished; the report holds what was seen until then.
var ErrStopped = errors.New("login stopped before it finished")

// ErrNothingRan is returned when the person left the setup form before
// starting anything: not a failed login, nothing was sent.
var ErrNothingRan = errors.New("nothing ran")

// ScreenError is a failure of the screen itself (no terminal, raw mode
// refused, a panic in the view): Run printed no summary, so, unlike the
// engine's errors, the caller must say it.
type ScreenError struct{ Err error }

func (e *ScreenError) Error() string { return "terminal ui: " + e.Err.Error() }
func (e *ScreenError) Unwrap() error { return e.Err }

// Run shows the TUI until the person quits, running opts.Start with
// opts.Config (after the setup form, if opts.Setup). Quitting cancels the
// engine's context, so its listener stops, and waits for it to return. A
// short summary is printed to Output after the screen is restored, with
// the error if there was one: callers need not print it again (except a
// *ScreenError, for which there is no summary). It returns
// the engine's report and error; ErrNothingRan when the person closed the
// setup form.
func Run(ctx context.Context, opts Options) (report.Report, error) {
	if opts.Start == nil {
		return report.Report{}, errors.New("ui: Options.Start is nil")
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	if opts.Output == nil {
		opts.Output = os.Stdout
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	m := newModel(ctx, opts)
	popts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithOutput(opts.Output),
		tea.WithEnvironment(opts.Env),
		// A terminal's own size replaces this; an output that is no
		// terminal (a test's) is drawn at the size the model starts with,
		// instead of not at all.
		tea.WithWindowSize(defaultWidth, defaultHeight),
	}
	if opts.Input != nil {
		popts = append(popts, tea.WithInput(opts.Input))
	}
	if m.styles.noColor {
		popts = append(popts, tea.WithColorProfile(colorprofile.ASCII))
	}
	final, err := tea.NewProgram(m, popts...).Run()
	cancel()
	fm, ok := final.(model)
	if !ok {
		fm = m
	}
	// Wait for the engine to see the cancellation and return, so the
	// listener is closed before we do.
	fm.run.wait(10 * time.Second)
	rep, runErr := fm.outcome()
	// Killed is how a cancelled context ends the program; a panic is
	// reported as a kill too, and is a failure.
	if err != nil && (!errors.Is(err, tea.ErrProgramKilled) || errors.Is(err, tea.ErrProgramPanic)) {
		return rep, &ScreenError{err}
	}
	phrase := opts.Phrase
	if opts.Setup {
		phrase = formPhrase // set up in the form: its fields, not flags never typed
	}
	fmt.Fprint(opts.Output, summaryAt(fm.width, rep, runErr, fm.exported, phrase))
	return rep, runErr
}

// outcome is what Run returns: the report the engine returned, or, when the
// person quit first, what was seen so far and ErrStopped.
func (m model) outcome() (report.Report, error) {
	if m.state == stateDone || m.state == stateFailed {
		return m.rep, m.err
	}
	last := m.run.lastResult()
	rep := m.rep
	if last.rep.Version != 0 {
		rep = last.rep
	}
	if m.state == stateSetup {
		return rep, ErrNothingRan
	}
	if last.err != nil && !errors.Is(last.err, context.Canceled) {
		return rep, last.err
	}
	return rep, fmt.Errorf("%w (quit while %s)", ErrStopped, m.phase)
}
