// Package capture runs a Chromium-family browser (Chromium, Google Chrome,
// Microsoft Edge, Brave) over the DevTools protocol for authtrace login
// --capture: a fresh temporary profile, the authorize URL in a window (or
// headless), and every request of the login from the browser's network
// events, handed to the engine as flow.BrowserRequest values and kept as
// HAR entries for --har-out. The profile is removed however the capture
// ends.
package capture

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// candidate is one place a browser may be: a program name looked up in
// PATH, or an absolute path (with environment variables, on Windows).
type candidate struct {
	name string // Chromium, Google Chrome, ...
	path string
}

// candidates are where each OS puts the browsers, in the order tried:
// Chromium first (what the end-to-end suite runs), then Chrome, Edge
// and Brave.
func candidates(goos string, getenv func(string) string) []candidate {
	switch goos {
	case "darwin":
		apps := []candidate{
			{"Chromium", "/Applications/Chromium.app/Contents/MacOS/Chromium"},
			{"Google Chrome", "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"},
			{"Microsoft Edge", "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge"},
			{"Brave", "/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"},
		}
		out := apps
		if home := getenv("HOME"); home != "" {
			for _, a := range apps {
				out = append(out, candidate{a.name, filepath.Join(home, a.path)})
			}
		}
		return out
	case "windows":
		var out []candidate
		for _, env := range []string{"ProgramFiles", "ProgramFiles(x86)", "LocalAppData"} {
			base := getenv(env)
			if base == "" {
				continue
			}
			out = append(out,
				candidate{"Chromium", filepath.Join(base, `Chromium\Application\chrome.exe`)},
				candidate{"Google Chrome", filepath.Join(base, `Google\Chrome\Application\chrome.exe`)},
				candidate{"Microsoft Edge", filepath.Join(base, `Microsoft\Edge\Application\msedge.exe`)},
				candidate{"Brave", filepath.Join(base, `BraveSoftware\Brave-Browser\Application\brave.exe`)},
			)
		}
		return append(out, candidate{"Google Chrome", "chrome.exe"}, candidate{"Microsoft Edge", "msedge.exe"})
	}
	return []candidate{
		{"Chromium", "chromium"},
		{"Chromium", "chromium-browser"},
		{"Google Chrome", "google-chrome"},
		{"Google Chrome", "google-chrome-stable"},
		{"Microsoft Edge", "microsoft-edge"},
		{"Microsoft Edge", "microsoft-edge-stable"},
		{"Brave", "brave-browser"},
		{"Brave", "brave"},
		{"Chromium", "/snap/bin/chromium"},
		{"Google Chrome", "/opt/google/chrome/chrome"},
		{"Microsoft Edge", "/opt/microsoft/msedge/msedge"},
		{"Brave", "/opt/brave.com/brave/brave"},
	}
}

// NotFoundError says that no browser was found, and where it was looked
// for.
type NotFoundError struct {
	Looked []string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no Chromium-family browser found (Chromium, Google Chrome, Microsoft Edge or Brave); looked for: %s. Install one, or give its program with --browser-path",
		strings.Join(e.Looked, ", "))
}

// ErrNotFound is wrapped by a *NotFoundError.
var ErrNotFound = errors.New("no browser found")

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Find returns the first browser found on this system: its program's
// path and its name.
func Find() (path, name string, err error) {
	return find(runtime.GOOS, os.Getenv, exec.LookPath, isFile)
}

func find(goos string, getenv func(string) string, lookPath func(string) (string, error), exists func(string) bool) (string, string, error) {
	var looked []string
	for _, c := range candidates(goos, getenv) {
		looked = append(looked, c.path)
		if strings.ContainsAny(c.path, `/\`) {
			if exists(c.path) {
				return c.path, c.name, nil
			}
			continue
		}
		if p, err := lookPath(c.path); err == nil {
			return p, c.name, nil
		}
	}
	return "", "", &NotFoundError{Looked: looked}
}

func isFile(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

// CheckPath checks a browser program given by the person (--browser-path)
// and returns its path: a name without a folder (chromium) is looked up
// in PATH, and the file must be a program (executable, on Unix).
// Whether it is a browser shows when it starts.
func CheckPath(p string) (string, error) {
	fi, err := os.Stat(p)
	if err != nil && !strings.ContainsAny(p, `/\`) {
		if found, lerr := exec.LookPath(p); lerr == nil {
			return found, nil
		}
		return "", fmt.Errorf("%s is not a file, nor a program found in PATH", p)
	}
	switch {
	case err != nil:
		return "", fmt.Errorf("%s does not exist", p)
	case fi.IsDir():
		return "", fmt.Errorf("%s is a folder; give the browser's program (for example /usr/bin/chromium, or .../Google Chrome.app/Contents/MacOS/Google Chrome)", p)
	case runtime.GOOS != "windows" && fi.Mode().Perm()&0o111 == 0:
		return "", fmt.Errorf("%s is not executable: give the browser's program", p)
	}
	return p, nil
}
