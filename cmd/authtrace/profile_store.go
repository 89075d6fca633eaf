package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/authtrace/authtrace/internal/editdist"
	"github.com/authtrace/authtrace/report"
)

// profileVersion is the version of the profile file this authtrace writes
// and reads.
const profileVersion = 1

// maxProfileSize bounds what is read of a profile file: a real one is a
// few hundred bytes, and a huge one is not a profile.
const maxProfileSize = 1 << 20

// maxProfileName is the longest profile name: room for a customer and a
// tenant, short enough for any file system.
const maxProfileName = 64

// savedProfile is a profile file (version 1). It holds the flags given to
// profile save by flag name, so that applying it goes through the same
// flag parsing and checks as typing them, and a flag authtrace no longer
// has is named when the profile is used rather than silently lost.
type savedProfile struct {
	Version int                    `json:"version"`
	Flags   map[string]givenValues `json:"flags"`
	// ClientSecret is the stored secret (profile save --store-secret)
	// where there is no OS keyring, nil when none is here; SecretIn is
	// inKeyring when it is in the keyring. Only secret_store.go touches
	// them.
	ClientSecret *string `json:"client_secret,omitempty"`
	SecretIn     string  `json:"secret_in,omitempty"`
}

// givenValues are one flag's values as given: one for most flags, each
// value of a repeatable one (--param) in order. In the file a single value
// is a string and a repeatable flag's an array, as a person would write
// them.
type givenValues []string

func (v givenValues) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

func (v *givenValues) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*v = givenValues{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("a flag's value must be a string, or an array of strings for a repeatable flag")
	}
	*v = many
	return nil
}

// profileStore is the folder of saved profiles:
// os.UserConfigDir()/authtrace/profiles, one NAME.json per profile.
type profileStore struct {
	dir   string
	notes io.Writer // where a tightened mode is said
}

// openProfiles finds the profile folder (without creating it).
func openProfiles(notes io.Writer) (*profileStore, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return nil, usageErr("cannot find where to keep profiles: %v (on Linux set XDG_CONFIG_HOME or HOME)", err)
	}
	return &profileStore{dir: filepath.Join(base, "authtrace", "profiles"), notes: notes}, nil
}

func (st *profileStore) path(name string) string { return filepath.Join(st.dir, name+".json") }

// checkProfileName refuses a name that is not a plain file name on every
// system authtrace runs on.
func checkProfileName(name string) error {
	const fix = "use letters, digits, '-', '_' and '.', for example contoso-prod"
	switch {
	case name == "":
		return usageErr("a profile name cannot be empty; %s", fix)
	case len(name) > maxProfileName:
		return usageErr("profile name %.20q... is %d characters long; at most %d", name, len(name), maxProfileName)
	case name[0] == '.':
		// ".", ".." and hidden files (the store's own temporary files
		// start with a dot).
		return usageErr("profile name %q starts with a dot; %s", name, fix)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return usageErr("profile name %q has %q in it; %s", report.Printable(name), r, fix)
		}
	}
	// Windows cannot create these, whatever the extension: a profile
	// saved on Linux must still be copyable there.
	stem, _, _ := strings.Cut(strings.ToUpper(name), ".")
	if slices.Contains([]string{"CON", "PRN", "AUX", "NUL"}, stem) || len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) && stem[3] >= '0' && stem[3] <= '9' {
		return usageErr("profile name %q is a device name on Windows; %s", name, fix)
	}
	return nil
}

// names are the saved profiles' names, sorted. No folder is no profiles.
func (st *profileStore) names() ([]string, error) {
	entries, err := os.ReadDir(st.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, usageErr("reading the profiles in %s: %v", st.dir, err)
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && e.Type().IsRegular() && checkProfileName(name) == nil {
			names = append(names, name)
		}
	}
	return names, nil
}

// load reads the profile name. An unknown name is exit 2 naming the
// profiles there are.
func (st *profileStore) load(name string) (savedProfile, error) {
	if err := checkProfileName(name); err != nil {
		return savedProfile{}, err
	}
	path := st.path(name)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return savedProfile{}, st.unknown(name)
	}
	if err != nil {
		return savedProfile{}, usageErr("reading profile %s: %v", name, err)
	}
	defer f.Close()
	st.tighten(st.dir, 0o700)
	st.tighten(path, 0o600)
	data, err := io.ReadAll(io.LimitReader(f, maxProfileSize+1))
	if err != nil {
		return savedProfile{}, usageErr("reading profile %s: %v", name, err)
	}
	p, err := parseProfile(data)
	if err != nil {
		return savedProfile{}, usageErr("profile %s (%s) %v; fix the file, or remove it with: authtrace profile rm %s", name, path, err, name)
	}
	return p, nil
}

// unknown is the error for a profile name nobody saved: the names there
// are, the nearest first.
func (st *profileStore) unknown(name string) error {
	names, err := st.names()
	if err != nil {
		return err
	}
	if len(names) == 0 {
		return usageErr("no profile %q: there are no saved profiles yet (in %s); save one with: authtrace profile save %s --issuer URL --client-id ID", report.Printable(name), st.dir, report.Printable(name))
	}
	var near []string
	for _, n := range names {
		if editdist.Distance(strings.ToLower(n), strings.ToLower(name)) <= 2 || strings.HasPrefix(n, name) {
			near = append(near, n)
		}
	}
	mean := ""
	if len(near) > 0 {
		mean = "; did you mean " + strings.Join(near, " or ") + "?"
	}
	return usageErr("no profile %q%s (saved: %s)", report.Printable(name), mean, strings.Join(names, ", "))
}

// parseProfile reads a profile file's bytes, saying what is wrong with
// one that is not a version-1 profile.
func parseProfile(data []byte) (savedProfile, error) {
	var p savedProfile
	if len(data) > maxProfileSize {
		return p, fmt.Errorf("is larger than %d bytes: not a profile", maxProfileSize)
	}
	// A BOM, from an editor on Windows.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return p, jsonProblem(data, err)
	}
	switch {
	case head.Version == nil:
		return p, errors.New("has no \"version\": not an authtrace profile")
	case *head.Version > profileVersion:
		return p, fmt.Errorf("is version %d, written by a newer authtrace (this one reads version %d): update authtrace", *head.Version, profileVersion)
	case *head.Version != profileVersion:
		return p, fmt.Errorf("is version %d: not one authtrace writes (%d)", *head.Version, profileVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return p, jsonProblem(data, err)
	}
	if dec.More() {
		return p, errors.New("holds more than one JSON value")
	}
	if p.SecretIn != "" && p.SecretIn != inKeyring {
		return p, fmt.Errorf("has \"secret_in\": %q, a place authtrace does not know (it knows %q)", report.Printable(p.SecretIn), inKeyring)
	}
	for name := range p.Flags {
		if name == "" || strings.HasPrefix(name, "-") {
			return p, fmt.Errorf("names the flag %q: flags are named without dashes, as \"client-id\"", report.Printable(name))
		}
	}
	return p, nil
}

// jsonProblem words a JSON error with the line and column it is at.
func jsonProblem(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset)
		return fmt.Errorf("is not valid JSON at line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		line, col := lineCol(data, te.Offset)
		where := te.Field
		if where == "" {
			where = "the file"
		}
		return fmt.Errorf("has a %s where %s should be %s (line %d, column %d)", te.Value, where, te.Type, line, col)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("ends before its JSON does: is it cut short?")
	}
	return fmt.Errorf("is not a profile: %v", err)
}

// lineCol is the 1-based line and column of the byte a JSON error is
// at: encoding/json's offsets count the bytes read, that one included.
func lineCol(data []byte, offset int64) (line, col int) {
	before := data[:min(max(offset-1, 0), int64(len(data)))]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// save writes the profile name (mode 0600, atomically, in a folder of mode
// 0700), returning the one it replaced, if any.
func (st *profileStore) save(name string, p savedProfile) (replaced *savedProfile, err error) {
	if err := checkProfileName(name); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(st.dir, 0o700); err != nil {
		return nil, usageErr("creating the profile folder: %v", err)
	}
	st.tighten(st.dir, 0o700)
	path := st.path(name)
	if old, err := os.ReadFile(path); err == nil {
		if op, err := parseProfile(old); err == nil {
			replaced = &op
		} else {
			replaced = &savedProfile{} // unreadable: replaced all the same
		}
	}
	p.Version = profileVersion
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	// The one writer of authtrace's files: 0600, temporary file, rename.
	if err := report.WriteFile(path, append(data, '\n'), report.Replace); err != nil {
		return nil, &exitError{code: exitIncomplete, err: fmt.Errorf("saving profile %s: %w", name, errors.Unwrap(err))}
	}
	if replaced != nil && replaced.SecretIn == inKeyring && p.SecretIn != inKeyring {
		// The replaced profile's secret would otherwise outlive it.
		if err := forgetSecret(name); err != nil {
			fmt.Fprintf(st.notes, "· the replaced profile's client secret is still in the OS keyring (service %s, account %s): %v\n", keyringService, name, err)
		}
	}
	return replaced, nil
}

// remove deletes the profile name, and with it its stored secret.
func (st *profileStore) remove(name string) error {
	if err := checkProfileName(name); err != nil {
		return err
	}
	// Read for where its secret is; an unreadable profile is removed all
	// the same.
	var p savedProfile
	if data, err := os.ReadFile(st.path(name)); err == nil {
		p, _ = parseProfile(data)
	}
	err := os.Remove(st.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return st.unknown(name)
	}
	if err != nil {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("removing profile %s: %w", name, err)}
	}
	// Tried whatever the file said, so that no secret outlives its
	// profile; a failure matters only when the file said it was there.
	if err := forgetSecret(name); err != nil && p.SecretIn == inKeyring {
		return &exitError{code: exitIncomplete, err: fmt.Errorf("removed profile %s, but not its client secret from the OS keyring (service %s, account %s): %w; remove it with the keyring's own tool", name, keyringService, name, err)}
	}
	return nil
}

// tighten takes group and other permissions off path, saying so: a
// profile may hold a secret. Windows has no such modes.
func (st *profileStore) tighten(path string, mode fs.FileMode) {
	if runtime.GOOS == "windows" {
		return
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&^mode == 0 {
		return
	}
	if err := os.Chmod(path, mode); err != nil {
		fmt.Fprintf(st.notes, "· %s has mode %04o, open to other users, and could not be made %04o: %v\n", path, fi.Mode().Perm(), mode, err)
		return
	}
	fmt.Fprintf(st.notes, "· %s had mode %04o, open to other users: made it %04o\n", path, fi.Mode().Perm(), mode)
}
