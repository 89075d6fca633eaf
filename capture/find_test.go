package capture

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	env := map[string]string{"HOME": "/Users/ada", "ProgramFiles": `C:\Program Files`, "LocalAppData": `C:\Users\ada\AppData\Local`}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name     string
		goos     string
		inPath   []string // program names PATH has
		files    []string // absolute paths that exist
		want     string
		wantName string
	}{
		{name: "linux chromium in PATH", goos: "linux", inPath: []string{"chromium", "google-chrome"}, want: "/usr/bin/chromium", wantName: "Chromium"},
		{name: "linux chrome only", goos: "linux", inPath: []string{"google-chrome-stable"}, want: "/usr/bin/google-chrome-stable", wantName: "Google Chrome"},
		{name: "linux edge", goos: "linux", inPath: []string{"microsoft-edge"}, want: "/usr/bin/microsoft-edge", wantName: "Microsoft Edge"},
		{name: "linux brave outside PATH", goos: "linux", files: []string{"/opt/brave.com/brave/brave"}, want: "/opt/brave.com/brave/brave", wantName: "Brave"},
		{name: "macos chrome", goos: "darwin", files: []string{"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"}, want: "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome", wantName: "Google Chrome"},
		{name: "macos brave in home", goos: "darwin", files: []string{"/Users/ada/Applications/Brave Browser.app/Contents/MacOS/Brave Browser"}, want: "/Users/ada/Applications/Brave Browser.app/Contents/MacOS/Brave Browser", wantName: "Brave"},
		{name: "windows edge", goos: "windows", files: []string{filepath.Join(`C:\Program Files`, `Microsoft\Edge\Application\msedge.exe`)}, want: filepath.Join(`C:\Program Files`, `Microsoft\Edge\Application\msedge.exe`), wantName: "Microsoft Edge"},
		{name: "windows chrome per user", goos: "windows", files: []string{filepath.Join(`C:\Users\ada\AppData\Local`, `Google\Chrome\Application\chrome.exe`)}, want: filepath.Join(`C:\Users\ada\AppData\Local`, `Google\Chrome\Application\chrome.exe`), wantName: "Google Chrome"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lookPath := func(name string) (string, error) {
				for _, p := range tt.inPath {
					if p == name {
						return "/usr/bin/" + name, nil
					}
				}
				return "", errors.New("not found")
			}
			exists := func(p string) bool {
				for _, f := range tt.files {
					if f == p {
						return true
					}
				}
				return false
			}
			got, name, err := find(tt.goos, getenv, lookPath, exists)
			if err != nil || got != tt.want || name != tt.wantName {
				t.Errorf("find = %q, %q, %v; want %q, %q", got, name, err, tt.want, tt.wantName)
			}
		})
	}
}

func TestFindNoneSaysWhereItLooked(t *testing.T) {
	none := func(string) (string, error) { return "", errors.New("not found") }
	_, _, err := find("linux", func(string) string { return "" }, none, func(string) bool { return false })
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("find on a machine without browsers = %v, want ErrNotFound", err)
	}
	for _, want := range []string{"chromium", "google-chrome", "microsoft-edge", "brave-browser", "--browser-path"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message does not name %s: %v", want, err)
		}
	}
}

func TestCheckPath(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "chrome")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(plain, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	for _, tc := range []struct{ in, want, err string }{
		{prog, prog, ""},
		{"chrome", prog, ""}, // a name, looked up in PATH
		{dir, "", "folder"},
		{filepath.Join(dir, "nope"), "", "does not exist"},
		{"nope-browser", "", "nope-browser is not a file, nor a program found in PATH"},
	} {
		got, err := CheckPath(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("CheckPath(%q) = %q, %v; want %q, an error saying %q", tc.in, got, err, tc.want, tc.err)
		}
	}
	if runtime.GOOS != "windows" {
		if _, err := CheckPath(plain); err == nil || !strings.Contains(err.Error(), "not executable") {
			t.Errorf("CheckPath(a file without x bit) = %v, want not executable", err)
		}
	}
}
