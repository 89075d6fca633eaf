package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/zalando/go-keyring"
)

// errNoKeyring is the keyring of a headless Linux box, which has no
// Secret Service.
var errNoKeyring = errors.New("no Secret Service on this test's bus")

// init keeps every test of this package off the real OS keyring (the
// developer's own, or a D-Bus that hangs): none there, as on a headless
// box, unless a test asks for the mock with mockKeyring.
func init() { keyring.MockInitWithError(errNoKeyring) }

// mockKeyring gives the test an empty in-memory keyring, or with err one
// that fails every call, until it ends.
func mockKeyring(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		keyring.MockInit()
	} else {
		keyring.MockInitWithError(err)
	}
	t.Cleanup(func() { keyring.MockInitWithError(errNoKeyring) })
}

// applySecret runs login's -p NAME on its own and returns the client
// secret it set, and its error.
func applySecret(t *testing.T, name string) (string, error) {
	t.Helper()
	var s settings
	cmd := &cobra.Command{Use: "login"}
	cmd.SetErr(io.Discard)
	s.addFlags(cmd.Flags(), true)
	if err := cmd.Flags().Parse([]string{"-p", name}); err != nil {
		t.Fatal(err)
	}
	err := s.applyProfile(cmd)
	return s.clientSecret, err
}

// showSecret is what profile show, as text and as JSON, says of the
// secret, both outputs checked for the secret itself.
func showSecret(t *testing.T, name, secret string) (text string, shown profileJSON) {
	t.Helper()
	out, errs := mustRun(t, 0, "profile", "show", name)
	js, jerrs := mustRun(t, 0, "profile", "show", name, "--json")
	list, lerrs := mustRun(t, 0, "profile", "list")
	leaks(t, map[string]string{"show": out + errs, "show --json": js + jerrs, "list": list + lerrs}, []string{secret})
	if err := json.Unmarshal([]byte(js), &shown); err != nil {
		t.Fatalf("show --json: %v\n%s", err, js)
	}
	_, line, _ := strings.Cut(out, "client secret: ")
	return line, shown
}

func TestProfileSecretKeyring(t *testing.T) {
	const secret = "kr-s3cr3t-value"
	dir := profileHome(t)
	mockKeyring(t, nil)
	file := filepath.Join(dir, "acme.json")
	_, errs := mustRun(t, 0, "profile", "save", "acme", "--authorize-url", "https://acme.example/authorize", "--token-url", "https://acme.example/token",
		"--client-id", "app", "--client-secret", secret, "--store-secret")
	if !strings.Contains(errs, "client secret stored in the OS keyring (service authtrace, account acme)") {
		t.Errorf("save does not say the secret went to the keyring:\n%s", errs)
	}
	if got, err := keyring.Get("authtrace", "acme"); err != nil || got != secret {
		t.Errorf("keyring holds %q, %v; want %q", got, err, secret)
	}
	if data, _ := os.ReadFile(file); strings.Contains(string(data), secret) || strings.Contains(string(data), "client_secret") {
		t.Errorf("the secret is in the profile file as well as the keyring:\n%s", data)
	}

	text, shown := showSecret(t, "acme", secret)
	if !strings.HasPrefix(text, "stored in the OS keyring\n") || !shown.SecretStored || shown.SecretIn != "keyring" {
		t.Errorf("show says %q, --json secret_stored %v secret_in %q; want the OS keyring", text, shown.SecretStored, shown.SecretIn)
	}
	if got, err := applySecret(t, "acme"); err != nil || got != secret {
		t.Errorf("login -p acme: secret %q, %v; want %q from the keyring", got, err, secret)
	}

	mustRun(t, 0, "profile", "rm", "acme")
	if _, err := keyring.Get("authtrace", "acme"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("after rm the keyring still answers for acme: %v", err)
	}
}

// TestProfileSecretFallback: with no keyring the secret is in the profile
// file (mode 0600), said at save and by show, and read by login.
func TestProfileSecretFallback(t *testing.T) {
	const secret = "file-s3cr3t-value"
	dir := profileHome(t)
	mockKeyring(t, errors.New("no Secret Service"))
	file := filepath.Join(dir, "acme.json")
	_, errs := mustRun(t, 0, "profile", "save", "acme", "--authorize-url", "https://acme.example/authorize", "--token-url", "https://acme.example/token",
		"--client-id", "app", "--client-secret", secret, "--store-secret")
	if w := "client secret stored in " + file + " (mode 0600): no OS keyring here (no Secret Service)"; !strings.Contains(errs, w) {
		t.Errorf("save does not say %q:\n%s", w, errs)
	}
	data, _ := os.ReadFile(file)
	if !strings.Contains(string(data), `"client_secret": "`+secret+`"`) || strings.Contains(string(data), "secret_in") {
		t.Errorf("the secret is not in the file alone:\n%s", data)
	}
	if fi, err := os.Stat(file); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("the file with the secret: %v, %v; want mode 0600", fi.Mode(), err)
	}
	text, shown := showSecret(t, "acme", secret)
	if !strings.HasPrefix(text, "stored in "+file+" (mode 0600)\n") || shown.SecretIn != "file" {
		t.Errorf("show says %q, --json secret_in %q; want the file", text, shown.SecretIn)
	}
	if got, err := applySecret(t, "acme"); err != nil || got != secret {
		t.Errorf("login -p acme: secret %q, %v; want %q from the file", got, err, secret)
	}
	// A keyring that is there but refuses the secret is not called absent.
	mockKeyring(t, keyring.ErrSetDataTooBig)
	_, errs = mustRun(t, 0, "profile", "save", "acme", "--client-id", "app", "--client-secret", secret, "--store-secret")
	if w := "(mode 0600): too long for the OS keyring"; !strings.Contains(errs, w) {
		t.Errorf("save does not say %q:\n%s", w, errs)
	}
}

// TestProfileSecretInOldFile: a profile saved before the keyring, its
// secret in its JSON, is read where the keyring works, and its secret
// moves to the keyring on the next save.
func TestProfileSecretInOldFile(t *testing.T) {
	dir := profileHome(t)
	mockKeyring(t, nil)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "old.json")
	old := `{"version": 1, "flags": {"authorize-url": "https://acme.example/authorize", "token-url": "https://acme.example/token", "client-id": "app"}, "client_secret": "old-s3cr3t"}`
	if err := os.WriteFile(file, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := applySecret(t, "old"); err != nil || got != "old-s3cr3t" {
		t.Errorf("login -p old: secret %q, %v; want the one in the file", got, err)
	}
	if text, _ := showSecret(t, "old", "old-s3cr3t"); !strings.HasPrefix(text, "stored in "+file) {
		t.Errorf("show says %q; want the file", text)
	}

	t.Setenv(secretEnv, "old-s3cr3t")
	mustRun(t, 0, "profile", "save", "old", "--authorize-url", "https://acme.example/authorize", "--token-url", "https://acme.example/token", "--client-id", "app", "--store-secret")
	if data, _ := os.ReadFile(file); strings.Contains(string(data), "old-s3cr3t") {
		t.Errorf("saved again, the secret is still in the file:\n%s", data)
	}
	if got, err := keyring.Get("authtrace", "old"); err != nil || got != "old-s3cr3t" {
		t.Errorf("saved again, the keyring holds %q, %v", got, err)
	}
}

// TestProfileSecretForgotten: no secret outlives its profile in the
// keyring, and one gone from it is said with the fix.
func TestProfileSecretForgotten(t *testing.T) {
	profileHome(t)
	mockKeyring(t, nil)
	save := []string{"profile", "save", "acme", "--authorize-url", "https://acme.example/authorize", "--token-url", "https://acme.example/token", "--client-id", "app"}
	mustRun(t, 0, append(save, "--client-secret", "first", "--store-secret")...)

	// Replaced by a profile without a secret: the keyring's goes too.
	mustRun(t, 0, save...)
	if _, err := keyring.Get("authtrace", "acme"); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the replaced profile's secret is still in the keyring: %v", err)
	}

	// Removed from the keyring by hand: login says so, and how to fix it.
	mustRun(t, 0, append(save, "--client-secret", "second", "--store-secret")...)
	if err := keyring.Delete("authtrace", "acme"); err != nil {
		t.Fatal(err)
	}
	_, err := applySecret(t, "acme")
	if err == nil || !strings.Contains(err.Error(), "not in the OS keyring") || !strings.Contains(err.Error(), "--store-secret") {
		t.Errorf("login -p acme with the keyring's secret gone: %v", err)
	}

	// A keyring that fails when rm comes: the profile goes, and rm says
	// the secret did not.
	mustRun(t, 0, append(save, "--client-secret", "third", "--store-secret")...)
	keyring.MockInitWithError(errors.New("keyring locked"))
	_, errs := mustRun(t, exitIncomplete, "profile", "rm", "acme")
	if !strings.Contains(errs, "removed profile acme, but not its client secret from the OS keyring") || !strings.Contains(errs, "keyring locked") {
		t.Errorf("rm with a failing keyring:\n%s", errs)
	}
}
