// Package connector reads a Power Platform custom connector definition the
// way the platform reads it (leniently: a BOM, keys in any casing, wrapped
// or bare values, scopes as a string or an array, both places OAuth
// settings live), says what is wrong with its OAuth settings (Check), and
// builds the requests the platform would send for them (Requests, Config).
// It never touches the network.
package connector

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// MaxFile caps each file read: real apiProperties.json files are a few
// KiB and swagger files a few MiB; a larger one is a mistake, not a
// connector.
const MaxFile = 16 << 20

// Error is a connector that cannot be read: not JSON, no OAuth settings,
// no apiProperties.json, too large. Line and Column are 1-based (0 when
// not about a position), Path a JSON path ("properties.connectionParameters").
type Error struct {
	File         string
	Line, Column int
	Path         string
	Problem      string
	// Err is the kind of problem, when callers branch on it: ErrNoOAuth.
	Err error
}

// ErrNoOAuth is a connector without OAuth settings (an API key, or no
// authentication): a connector all the same, with nothing to check here.
var ErrNoOAuth = errors.New("no OAuth settings")

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, ": at %s", e.Path)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	return b.String()
}

// Connector is a connector definition as the platform reads it.
type Connector struct {
	File string // the apiProperties.json read
	// Title is the swagger's info.title; APIName the name the platform
	// knows the connector by (settings.json's connectorId, else Title),
	// which per-connector redirect URLs are made from.
	Title, APIName string
	// Host, BasePath and Schemes are the swagger's.
	Host, BasePath string
	Schemes        []string
	// Operations are the swagger's operations that have an operationId.
	Operations []Operation
	// OAuth holds every oauthSetting: those of connectionParameters, then
	// those of each connectionParameterSets value, in the file's order.
	OAuth []*OAuth
	// Params are the other connection parameters, which templates may
	// use as {Name}.
	Params []Param
	// Notes are the oddities read leniently (a BOM, a key's casing, a bare
	// value), for a person to tidy up.
	Notes []string
}

// Param is a connection parameter that is not an oauthSetting.
type Param struct {
	Name        string // as written: "token:TenantId"
	Type        string
	Required    bool
	Description string
	Set         string // the connectionParameterSets value it is in, if any
}

// Canonical redirect modes.
const (
	RedirectGlobal             = "Global"
	RedirectGlobalPerConnector = "GlobalPerConnector"
	RedirectDirect             = "Direct"
)

// Identity providers the platform knows.
const (
	ProviderOAuth2         = "oauth2"
	ProviderOAuth2Generic  = "oauth2generic"
	ProviderAAD            = "aad"
	ProviderAADCertificate = "aadcertificate"
)

// OAuth is one oauthSetting.
type OAuth struct {
	Path     string // JSON path of its oAuthSettings
	Set      string // the connectionParameterSets value's name, "" outside sets
	Param    string // the connection parameter's name ("token")
	Provider string // identityProvider, lower case
	ClientID string
	// ClientSecret is only there when the file holds one (it should not:
	// connector.secret_in_file).
	ClientSecret string
	// Scopes are as written: an item may hold several scopes.
	Scopes []string
	// RedirectMode is Global, GlobalPerConnector or Direct whatever the
	// casing written, "" when absent, and as written when unknown.
	RedirectMode string
	RedirectURL  string
	FirstParty   bool
	// Custom are the customParameters, keys lower case, values unwrapped
	// from {"value": ...}; a null value is absent.
	Custom map[string]string
	// customKeys are the keys as written, for messages.
	customKeys map[string]string
}

// Load reads a connector: a folder holding apiProperties.json (and
// apiDefinition.swagger.json, settings.json when there), or the
// apiProperties.json file itself, whose folder is then read for the other
// two.
func Load(path string) (*Connector, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Problem: "cannot be read: " + unwrapPathError(err) + "; give a connector folder or its apiProperties.json"}
	}
	dir, props := filepath.Dir(path), path
	var settings []byte
	if fi.IsDir() {
		dir = path
		settings, _ = readCapped(filepath.Join(dir, "settings.json"))
		props = findFile(dir, "apiProperties.json")
		if name := settingsString(settings, "apiProperties"); name != "" && props == "" {
			props = filepath.Join(dir, name)
		}
		if props == "" {
			return nil, &Error{File: path, Problem: "folder without apiProperties.json: give a connector folder (as pac connector download or paconn writes it) or the apiProperties.json file"}
		}
	} else {
		settings, _ = readCapped(filepath.Join(dir, "settings.json"))
	}
	data, err := readCapped(props)
	if err != nil {
		return nil, err
	}
	c, err := Parse(props, data)
	if err != nil {
		return nil, err
	}
	if swagger := findFile(dir, "apiDefinition.swagger.json"); swagger != "" {
		c.readSwagger(swagger)
	}
	if id := settingsString(settings, "connectorId"); id != "" {
		// connectorId may be a whole resource path; the name is its last part.
		c.APIName = id[strings.LastIndexByte(id, '/')+1:]
	}
	if c.APIName == "" {
		c.APIName = c.Title
	}
	return c, nil
}

// findFile finds name in dir, in any casing (a folder copied from Windows).
func findFile(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Stat(p); err == nil {
		return p
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return ""
	}
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(e.Name(), name) {
			return filepath.Join(dir, e.Name())
		}
	}
	return ""
}

func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Problem: "cannot be read: " + unwrapPathError(err)}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() > MaxFile {
		return nil, &Error{File: path, Problem: fmt.Sprintf("%d bytes, over the %d MiB a connector file may have: is this the right file?", fi.Size(), MaxFile>>20)}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, &Error{File: path, Problem: "cannot be read: " + unwrapPathError(err)}
	}
	if len(data) > MaxFile {
		return nil, &Error{File: path, Problem: fmt.Sprintf("over the %d MiB a connector file may have: is this the right file?", MaxFile>>20)}
	}
	return data, nil
}

func unwrapPathError(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

// settingsString reads a top-level string of settings.json; a settings
// file that does not parse is ignored (it only names things).
func settingsString(data []byte, key string) string {
	if len(data) == 0 {
		return ""
	}
	v, err := decodeJSON("settings.json", stripBOM(data))
	if err != nil {
		return ""
	}
	o, _ := v.(*object)
	r := &reader{}
	return strings.TrimSpace(r.str(o, "", key))
}

// readSwagger takes the title, host, base path and schemes from the API
// definition. It is only context for the OAuth settings, so a swagger that
// does not parse is a note, not a failure.
func (c *Connector) readSwagger(path string) {
	data, err := readCapped(path)
	if err == nil {
		var v any
		v, err = decodeJSON(path, stripBOM(data))
		if err == nil {
			o, _ := v.(*object)
			r := &reader{file: path}
			c.Title = strings.TrimSpace(r.str(r.obj(o, "", "info"), "info", "title"))
			c.Host = r.str(o, "", "host")
			c.BasePath = r.str(o, "", "basePath")
			if s, _ := r.get(o, "", "schemes"); s != nil {
				c.Schemes = stringList(s)
			}
			c.Operations = readOperations(r, o)
			return
		}
	}
	c.Notes = append(c.Notes, fmt.Sprintf("%s not read (%v): the title and host are unknown", filepath.Base(path), err))
}

// stringList reads a string or an array of strings; other items are skipped.
func stringList(v any) []string {
	switch v := v.(type) {
	case string:
		if strings.TrimSpace(v) == "" {
			return nil
		}
		return []string{strings.TrimSpace(v)}
	case []any:
		var out []string
		for _, item := range v {
			if s := strings.TrimSpace(scalar(item)); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
