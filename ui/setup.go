package ui

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/authtrace/authtrace/flow"
)

// setupForm collects the connection settings when authtrace starts on a
// terminal with none given: an issuer or the endpoint URLs, the client, the
// scope and extra parameters. It validates as the person types and hands
// back a flow.Config.
type setupForm struct {
	base   flow.Config
	fields []setupField
	focus  int
	keys   setupKeys
	help   help.Model
	st     styles
	tried  bool // submit was attempted: show every error, required ones too
	width  int
	// har is the index of the HAR file field, when the form has one
	// (Options.OpenHAR); -1 otherwise.
	har int
}

type setupField struct {
	label string
	hint  string
	help  string // shown under the field while it has the focus
	input textinput.Model
	check func(string) error
}

const (
	fieldIssuer = iota
	fieldAuthorize
	fieldToken
	fieldClientID
	fieldSecret
	fieldRedirect
	fieldScope
	fieldParams
)

// defaultScope is what the scope field starts with when no scope was
// given: an ID token, and a refresh token, which a connector needs to stay
// signed in.
const defaultScope = "openid profile offline_access"

type setupAction int

const (
	setupNone setupAction = iota
	setupSubmit
	setupQuit
)

func newSetupForm(cfg flow.Config, st styles, isDark bool) setupForm {
	f := setupForm{base: cfg, keys: defaultSetupKeys(), help: help.New(), st: st, width: 80, har: -1}
	add := func(label, hint, val string, check func(string) error) {
		ti := textinput.New()
		ti.Prompt = ""
		ti.Placeholder = hint
		ti.SetValue(val)
		f.fields = append(f.fields, setupField{label: label, hint: hint, input: ti, check: check})
	}
	var params []string
	for _, p := range cfg.Params {
		params = append(params, p.Name+"="+p.Value)
	}
	// A placeholder is sent as nothing, so none may look like a value:
	// examples say "e.g.", and the scope a connector usually needs is a
	// real value, shown as it will be sent, that the person can clear.
	scope := cfg.Scope
	if scope == "" {
		scope = defaultScope
	}
	add("issuer", "e.g. https://tenant.example.com/ (discovery fills the endpoints)", cfg.Issuer, checkURL(flow.SettingIssuer))
	add("authorize URL", "e.g. https://…/authorize (not needed with an issuer)", cfg.AuthorizeURL, checkURL(flow.SettingAuthorizeURL))
	add("token URL", "e.g. https://…/token (not needed with an issuer)", cfg.TokenURL, checkURL(flow.SettingTokenURL))
	add("client id", "the connector's client id", cfg.ClientID, nil)
	add("client secret", "none (a public client); kept out of the report", cfg.ClientSecret, nil)
	add("redirect URI", "none: any free port, which no provider has registered", redirectValue(cfg), checkURL(flow.SettingRedirectURI))
	add("scope", "none: no scope parameter is sent", scope, nil)
	add("extra params", "none; e.g. audience=https://api.example.com prompt=consent", strings.Join(params, " "), checkParams)
	f.fields[fieldRedirect].help = "register exactly this with the provider's app; authtrace listens on it"
	f.fields[fieldScope].help = "sent as shown, space-separated; offline_access asks for a refresh token"
	f.fields[fieldParams].help = "split at spaces, & or commas; values %-decoded (%20: a space)"
	f.fields[fieldSecret].input.EchoMode = textinput.EchoPassword
	f.fields[fieldSecret].input.EchoCharacter = '•'
	f.restyle(st, isDark)
	f.fields[0].input.Focus()
	return f
}

// addHARField adds the last field: a HAR file to read instead of a
// login. Filled in, it is all the form needs.
func (f *setupForm) addHARField(isDark bool) {
	ti := textinput.New()
	ti.Prompt = ""
	ti.Placeholder = "or a browser's HAR export to read instead, e.g. customer.har"
	f.har = len(f.fields)
	f.fields = append(f.fields, setupField{label: "HAR file", input: ti, check: checkHARPath,
		help: "a customer's HAR file (gzip too): its logins are shown instead of running one"})
	f.restyle(f.st, isDark)
}

// harPath is the HAR file field's value as a path; "" without one.
func (f setupForm) harPath() string {
	if f.har < 0 {
		return ""
	}
	return filePath(f.fields[f.har].input.Value())
}

// filePath is a file's name as people paste it: dragged into a terminal
// (quoted), from a browser's address bar (file:///...), or under ~/.
func filePath(v string) string {
	p := strings.TrimSpace(v)
	if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
		p = p[1 : len(p)-1]
	}
	if u, err := url.Parse(p); err == nil && u.Scheme == "file" {
		p = u.Path
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	return p
}

func checkHARPath(v string) error {
	fi, err := os.Stat(filePath(v))
	switch {
	case err != nil:
		return errors.New("no such file")
	case fi.IsDir():
		return errors.New("a folder: give the .har file itself")
	}
	return nil
}

func (f *setupForm) restyle(st styles, isDark bool) {
	f.st = st
	f.help.Styles = st.help
	// The defaults draw a field that lost the focus in #8a8a8a on a light
	// background, fainter than its placeholder: values keep the terminal's
	// own colour, placeholders are faint, so the two never look alike.
	ts := textinput.DefaultStyles(isDark)
	ts.Focused.Placeholder = st.faint
	ts.Blurred.Placeholder = st.faint
	ts.Blurred.Text = lipgloss.NewStyle()
	for i := range f.fields {
		f.fields[i].input.SetStyles(ts)
	}
}

func (f *setupForm) resize(w int) {
	f.width = w
	f.help.SetWidth(w)
	for i := range f.fields {
		f.fields[i].input.SetWidth(max(w-labelW-6, 10))
	}
}

func (f setupForm) focusCmd() tea.Cmd {
	if len(f.fields) == 0 {
		return nil
	}
	return textinput.Blink
}

func (f setupForm) update(msg tea.Msg) (setupForm, tea.Cmd, setupAction) {
	if len(f.fields) == 0 {
		return f, nil, setupNone
	}
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, f.keys.Quit):
			return f, nil, setupQuit
		case key.Matches(k, f.keys.Submit):
			if f.focus < len(f.fields)-1 {
				return f, f.setFocus(f.focus + 1), setupNone
			}
			f.tried = true
			if f.valid() == nil {
				return f, nil, setupSubmit
			}
			return f, nil, setupNone
		case key.Matches(k, f.keys.Next):
			return f, f.setFocus((f.focus + 1) % len(f.fields)), setupNone
		case key.Matches(k, f.keys.Prev):
			return f, f.setFocus((f.focus + len(f.fields) - 1) % len(f.fields)), setupNone
		}
	}
	var cmd tea.Cmd
	f.fields[f.focus].input, cmd = f.fields[f.focus].input.Update(msg)
	return f, cmd, setupNone
}

func (f *setupForm) setFocus(i int) tea.Cmd {
	f.fields[f.focus].input.Blur()
	f.focus = i
	return f.fields[i].input.Focus()
}

// fieldErr is the error shown beside a field as it is typed.
func (f setupForm) fieldErr(i int) error {
	fl := f.fields[i]
	v := strings.TrimSpace(fl.input.Value())
	if fl.check != nil && v != "" {
		if err := fl.check(v); err != nil {
			return err
		}
	}
	if !f.tried {
		return nil
	}
	switch i {
	case fieldClientID:
		if v == "" {
			return errors.New("required")
		}
	case fieldAuthorize, fieldToken:
		if v == "" && strings.TrimSpace(f.fields[fieldIssuer].input.Value()) == "" {
			return errors.New("required without an issuer")
		}
	}
	return nil
}

// valid reports the first problem of the whole form.
func (f setupForm) valid() error {
	if p := f.harPath(); p != "" {
		return checkHARPath(p) // the login's fields are not needed
	}
	for i, fl := range f.fields {
		if err := f.fieldErr(i); err != nil {
			return fmt.Errorf("%s: %w", fl.label, err)
		}
	}
	v := func(i int) string { return strings.TrimSpace(f.fields[i].input.Value()) }
	if v(fieldClientID) == "" {
		return errors.New("client id: required")
	}
	if v(fieldIssuer) == "" && (v(fieldAuthorize) == "" || v(fieldToken) == "") {
		return errors.New("give an issuer, or both the authorize and token URLs")
	}
	return nil
}

// config is the base config with the form's values.
func (f setupForm) config() flow.Config {
	cfg := f.base
	v := func(i int) string { return strings.TrimSpace(f.fields[i].input.Value()) }
	cfg.Issuer = v(fieldIssuer)
	cfg.AuthorizeURL = v(fieldAuthorize)
	cfg.TokenURL = v(fieldToken)
	cfg.ClientID = v(fieldClientID)
	cfg.ClientSecret = f.fields[fieldSecret].input.Value()
	cfg.RedirectURI = v(fieldRedirect)
	cfg.Scope = v(fieldScope)
	cfg.Params, _ = parseParams(v(fieldParams))
	return cfg
}

// redirectValue is what the redirect URI field starts with: the one given,
// or the loopback one the port makes (flow.DefaultRedirectURI unless the
// port was changed); empty when any free port was asked for.
func redirectValue(cfg flow.Config) string {
	switch {
	case cfg.RedirectURI != "":
		return cfg.RedirectURI
	case cfg.Port == flow.DefaultPort:
		return flow.DefaultRedirectURI
	case cfg.Port != 0:
		return fmt.Sprintf("http://127.0.0.1:%d/callback", cfg.Port)
	}
	return ""
}

// checkURL checks an endpoint field with the CLI's rules (flow.CheckURL),
// so the form refuses what the flags refuse.
func checkURL(setting flow.Setting) func(string) error {
	return func(s string) error { return problem(flow.CheckURL(setting, s)) }
}

func checkParams(s string) error {
	_, err := parseParams(s)
	return err
}

// parseParams reads the extra params field: name=value pairs separated by
// spaces, & or commas, each checked by flow.ParseParam as --param is (so
// state, redirect_uri, scope and the like are refused with the flag to use).
// Values are then percent-decoded, as in a query string: in a one-line field
// split on spaces, & and commas, %20, %26 and %2C are the only way to write
// those in a value. A value that does not decode is kept as typed.
func parseParams(s string) ([]flow.Param, error) {
	var out []flow.Param
	for _, kv := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '&' || r == ',' }) {
		p, err := flow.ParseParam(kv)
		if err != nil {
			return out, problem(err)
		}
		if dec, err := url.QueryUnescape(p.Value); err == nil {
			p.Value = dec
		}
		out = append(out, p)
	}
	return out, nil
}

// formFields are the settings the form has a field for, by label.
var formFields = map[flow.Setting]string{
	flow.SettingIssuer:       "issuer",
	flow.SettingAuthorizeURL: "authorize URL",
	flow.SettingTokenURL:     "token URL",
	flow.SettingClientID:     "client id",
	flow.SettingClientSecret: "client secret",
	flow.SettingRedirectURI:  "redirect URI",
	flow.SettingPort:         "redirect URI",
	flow.SettingScope:        "scope",
	flow.SettingParams:       "extra params",
}

// formName words a setting for the form: its field, or the setting's
// plain name when the form has no field for it.
func formName(s flow.Setting) string {
	if label, ok := formFields[s]; ok {
		return "the " + label + " field"
	}
	return s.Name()
}

// formPhrase words an engine error for a run set up in the form: its
// settings named by their fields.
func formPhrase(err error) string {
	var ce *flow.ConfigError
	if errors.As(err, &ce) {
		return ce.Words(formName)
	}
	return flow.Phrase(err, formName)
}

// problem words a flow.ConfigError for the form, without the setting's
// name: the form shows the error under the field it is about. "Use the
// scope setting instead" points at the scope field above; a setting the
// form has no field for is not named ("state" is set by authtrace itself,
// and that is all there is to say).
func problem(err error) error {
	var ce *flow.ConfigError
	if !errors.As(err, &ce) {
		return err
	}
	msg := ce.Problem.In(formName)
	if label, ok := formFields[ce.Use]; ok {
		msg += "; use the " + label + " field above"
	}
	return errors.New(msg)
}

func (f setupForm) view() string {
	st := f.st
	var b strings.Builder
	b.WriteString(st.title.Render("authtrace") + st.faint.Render(" · set up a login") + "\n")
	b.WriteString(st.faint.Render(cut("Give an issuer (discovery fills the endpoints) or the authorize and token URLs.", f.width)) + "\n\n")
	for i, fl := range f.fields {
		label := fit(fl.label, labelW)
		if i == f.focus {
			label = st.bold.Render(label)
		} else {
			label = st.faint.Render(label)
		}
		marker := "  "
		if i == f.focus {
			marker = st.title.Render("▸ ")
		}
		b.WriteString(marker + label + " " + fl.input.View() + "\n")
		indent := strings.Repeat(" ", labelW+3)
		w := max(f.width-labelW-3, 10)
		switch err := f.fieldErr(i); {
		case err != nil:
			// At most two lines, so the form still fits 24 rows.
			lines := wrapWords("✗ "+errText(err.Error()), w)
			if len(lines) > 2 {
				lines = []string{lines[0], cut(strings.Join(lines[1:], " "), w)}
			}
			for _, l := range lines {
				b.WriteString(indent + st.inputErr.Render(l) + "\n")
			}
		case i == f.focus && fl.help != "":
			b.WriteString(indent + st.faint.Render(cut(fl.help, w)) + "\n")
		default:
			b.WriteString("\n")
		}
	}
	if f.tried {
		if err := f.valid(); err != nil {
			b.WriteString(st.inputErr.Render(cut(errText(err.Error()), f.width)) + "\n")
		}
	}
	b.WriteString("\n" + f.help.View(f.keys))
	return b.String()
}
