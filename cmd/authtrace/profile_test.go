package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// profileHome gives the test a config folder of its own, and no secret in
// the environment, and returns the profile folder.
func profileHome(t *testing.T) string {
	t.Helper()
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("AppData", cfg) // os.UserConfigDir on Windows
	t.Setenv(secretEnv, "")
	os.Unsetenv(secretEnv)
	if runtime.GOOS == "darwin" {
		return filepath.Join(os.Getenv("HOME"), "Library", "Application Support", "authtrace", "profiles")
	}
	return filepath.Join(cfg, "authtrace", "profiles")
}

// mustRun runs the CLI and fails the test unless it exits want.
func mustRun(t *testing.T, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	code, out, errs := runCLI(t, args...)
	if code != want {
		t.Fatalf("%s: exit %d, want %d; stderr:\n%s", strings.Join(args, " "), code, want, errs)
	}
	return out, errs
}

func TestProfileRoundTrip(t *testing.T) {
	dir := profileHome(t)
	mustRun(t, 0, "profile", "save", "contoso", "--issuer", "https://contoso.example/", "--client-id", "app",
		"--param", "audience=https://api.contoso.example", "--param", "prompt=consent", "--scope", "openid offline_access")
	mustRun(t, 0, "profile", "save", "acme", "--authorize-url", "https://acme.example/authorize", "--client-id", "a2", "--pkce=false")

	out, _ := mustRun(t, 0, "profile", "list")
	if got, want := out, "acme     --authorize-url https://acme.example/authorize --client-id a2 --pkce false\n"+
		"contoso  --client-id app --issuer https://contoso.example/ --param audience=https://api.contoso.example --param prompt=consent --scope 'openid offline_access'\n"; got != want {
		t.Errorf("profile list:\n%s\nwant:\n%s", got, want)
	}

	out, _ = mustRun(t, 0, "profile", "show", "contoso", "--json")
	var shown profileJSON
	if err := json.Unmarshal([]byte(out), &shown); err != nil {
		t.Fatalf("show --json: %v\n%s", err, out)
	}
	want := profileJSON{Name: "contoso", Path: filepath.Join(dir, "contoso.json"), Flags: map[string]givenValues{
		"issuer":    {"https://contoso.example/"},
		"client-id": {"app"},
		"param":     {"audience=https://api.contoso.example", "prompt=consent"},
		"scope":     {"openid offline_access"},
	}}
	if d := cmp.Diff(shown, want); d != "" {
		t.Errorf("show --json (-got +want):\n%s", d)
	}
	out, _ = mustRun(t, 0, "profile", "show", "contoso")
	for _, w := range []string{"  --param audience=https://api.contoso.example\n  --param prompt=consent\n", "  --scope 'openid offline_access'\n", "client secret: not stored"} {
		if !strings.Contains(out, w) {
			t.Errorf("profile show does not say %q:\n%s", w, out)
		}
	}

	_, errs := mustRun(t, 0, "profile", "save", "acme", "--authorize-url", "https://acme.example/authorize", "--client-id", "a3")
	if !strings.Contains(errs, "replaced profile acme, which held: --authorize-url https://acme.example/authorize --client-id a2 --pkce false") {
		t.Errorf("saving over acme does not say what it replaced:\n%s", errs)
	}

	mustRun(t, 0, "profile", "rm", "acme")
	if _, err := os.Stat(filepath.Join(dir, "acme.json")); !os.IsNotExist(err) {
		t.Errorf("acme.json is still there after rm: %v", err)
	}
	out, _ = mustRun(t, 0, "profile", "list", "--json")
	var list struct {
		Version  int
		Profiles []profileJSON
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatalf("list --json: %v\n%s", err, out)
	}
	var names []string
	for _, p := range list.Profiles {
		names = append(names, p.Name)
	}
	if list.Version != 1 || !slices.Equal(names, []string{"contoso"}) {
		t.Errorf("list --json after rm: version %d, profiles %q; want 1, [contoso]", list.Version, names)
	}
}

func TestProfileModes(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes on Windows")
	}
	dir := profileHome(t)
	mustRun(t, 0, "profile", "save", "acme", "--client-id", "app")
	check := func(when string) {
		t.Helper()
		for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "acme.json"): 0o600} {
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%s: %s has mode %04o, want %04o", when, path, got, want)
			}
		}
	}
	check("after save")

	// Loosened by hand (or by an older copy): tightened on the next use,
	// and said.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "acme.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errs := mustRun(t, 0, "profile", "show", "acme")
	check("after show")
	if !strings.Contains(errs, "had mode 0644, open to other users: made it 0600") || !strings.Contains(errs, "had mode 0755") {
		t.Errorf("show does not say it tightened the modes:\n%s", errs)
	}
}

func TestProfileSecret(t *testing.T) {
	const secret = "s3cr3t-value"
	dir := profileHome(t)
	file := filepath.Join(dir, "acme.json")
	base := []string{"profile", "save", "acme", "--authorize-url", "https://acme.example/authorize", "--token-url", "https://acme.example/token", "--client-id", "app"}

	// Given but not asked to be stored: not in the file, and said.
	_, errs := mustRun(t, 0, append(base, "--client-secret", secret)...)
	if data, _ := os.ReadFile(file); strings.Contains(string(data), secret) || strings.Contains(string(data), "client_secret") {
		t.Errorf("the secret was stored without --store-secret:\n%s", data)
	}
	if !strings.Contains(errs, "client secret given is not saved") {
		t.Errorf("save does not say the secret was not saved:\n%s", errs)
	}

	// --store-secret, from the environment as from the flag; with no OS
	// keyring (the tests' own, see secret_store_test.go) in the file.
	for _, args := range [][]string{append(base, "--client-secret", secret, "--store-secret"), append(base, "--store-secret")} {
		if !slices.Contains(args, "--client-secret") {
			t.Setenv(secretEnv, secret)
		}
		_, errs := mustRun(t, 0, args...)
		if data, _ := os.ReadFile(file); !strings.Contains(string(data), `"client_secret": "`+secret+`"`) {
			t.Errorf("%v: the secret is not in the file:\n%s", args, data)
		}
		outs := map[string]string{"save stderr": errs}
		for _, cmd := range [][]string{{"profile", "show", "acme"}, {"profile", "show", "acme", "--json"}, {"profile", "list"}, {"profile", "list", "--json"}} {
			out, errs := mustRun(t, 0, cmd...)
			outs[strings.Join(cmd, " ")] = out + errs
		}
		leaks(t, outs, []string{secret})
		if !strings.Contains(outs["profile show acme"], "client secret: stored") || !strings.Contains(outs["profile show acme --json"], `"secret_stored": true`) {
			t.Errorf("show does not say the secret is stored:\n%s", outs["profile show acme"]+outs["profile show acme --json"])
		}
	}

	// rm takes the secret with it.
	mustRun(t, 0, "profile", "rm", "acme")
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("the profile file with the secret is still there: %v", err)
	}
}

// TestProfileAppliesSecret: login -p uses the stored secret, the command
// line's and the environment's win over it, and trace has none to use.
func TestProfileAppliesSecret(t *testing.T) {
	profileHome(t)
	mustRun(t, 0, "profile", "save", "acme", "--authorize-url", "https://acme.example/authorize", "--token-url", "https://acme.example/token",
		"--client-id", "app", "--client-secret", "stored", "--store-secret")
	tests := []struct {
		name   string
		env    string // "" unset
		args   []string
		want   string
		stderr string
	}{
		{"stored", "", nil, "stored", "its stored client secret"},
		{"flag", "", []string{"--client-secret", "typed"}, "typed", "given here instead: the stored client secret"},
		{"environment", "fromenv", nil, "", "AUTHTRACE_CLIENT_SECRET is set: it is the client secret sent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.env != "" {
				t.Setenv(secretEnv, tt.env)
			}
			var s settings
			cmd := &cobra.Command{Use: "login"}
			var errb strings.Builder
			cmd.SetErr(&errb)
			s.addFlags(cmd.Flags(), true)
			if err := cmd.Flags().Parse(append([]string{"-p", "acme"}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			if err := s.applyProfile(cmd); err != nil {
				t.Fatal(err)
			}
			if s.clientSecret != tt.want {
				t.Errorf("client secret %q, want %q", s.clientSecret, tt.want)
			}
			if !strings.Contains(errb.String(), tt.stderr) {
				t.Errorf("stderr %q does not say %q", errb.String(), tt.stderr)
			}
		})
	}
}

// TestProfileTrace: trace -p sends the profile's settings, the command
// line's instead where given, and says which it could not use.
func TestProfileTrace(t *testing.T) {
	profileHome(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>login</html>")) }))
	defer srv.Close()
	mustRun(t, 0, "profile", "save", "acme", "--authorize-url", srv.URL+"/authorize", "--token-url", srv.URL+"/token",
		"--client-id", "app", "--scope", "openid", "--state", "abc", "--param", "prompt=consent", "--param", "audience=api")

	out, errs := mustRun(t, 0, "trace", "-p", "acme", "--json", "--scope", "openid offline_access", "--param", "resource=x")
	rep := oneReport(t, out)
	got := map[string]any{"name": rep.Profile.Name, "client_id": rep.Profile.ClientID, "scope": rep.Profile.Scope, "state": rep.Profile.State, "params": rep.Profile.Params, "token_url": rep.Profile.TokenURL}
	want := map[string]any{"name": "acme", "client_id": "app", "scope": "openid offline_access", "state": "abc", "params": map[string]string{"resource": "x", "prompt": "consent", "audience": "api"}, "token_url": ""}
	if d := cmp.Diff(got, want); d != "" {
		t.Errorf("the report's profile (-got +want):\n%s", d)
	}
	// --param merges by name: the profile's prompt and audience stay.
	if w := "· profile acme: --authorize-url --client-id --param (2 of its own) --state; given here instead: --scope; not used, trace has no --token-url\n"; !strings.Contains(errs, w) {
		t.Errorf("stderr does not say %q:\n%s", w, errs)
	}

	// Without -p, no name in the report.
	out, _ = mustRun(t, 0, "trace", "--json", "--authorize-url", srv.URL+"/authorize", "--client-id", "app")
	if rep := oneReport(t, out); rep.Profile.Name != "" {
		t.Errorf("a trace without -p names profile %q", rep.Profile.Name)
	}
}

func TestProfileBadInput(t *testing.T) {
	dir := profileHome(t)
	mustRun(t, 0, "profile", "save", "acme", "--client-id", "app")
	mustRun(t, 0, "profile", "save", "contoso", "--client-id", "app")
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("broken", "{\n  \"version\": 1,\n  \"flags\": {\"client-id\": \"x\",}\n}")
	write("renamed", `{"version": 1, "flags": {"client-idd": "x"}}`)
	write("badport", `{"version": 1, "flags": {"port": "abc"}}`)
	write("future", `{"version": 2, "flags": {}}`)
	write("number", `{"version": 1, "flags": {"client-id": 7}}`)
	write("vault", `{"version": 1, "flags": {"client-id": "x"}, "secret_in": "vault"}`)
	write("huge", `{"version": 1, "flags": {"client-id": "`+strings.Repeat("x", maxProfileSize)+`"}}`)
	long := strings.Repeat("a", maxProfileName+1)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"profile", "save", "", "--client-id", "x"}, "cannot be empty"},
		{[]string{"profile", "save", "../evil", "--client-id", "x"}, `profile name "../evil" starts with a dot`},
		{[]string{"profile", "save", "a/b", "--client-id", "x"}, `has '/' in it`},
		{[]string{"profile", "save", `a\b`, "--client-id", "x"}, `has '\\' in it`},
		{[]string{"profile", "save", "con", "--client-id", "x"}, "device name on Windows"},
		{[]string{"profile", "save", long, "--client-id", "x"}, "at most 64"},
		{[]string{"profile", "save", "x y", "--client-id", "x"}, "letters, digits"},
		{[]string{"profile", "save", "x"}, "no login flags were given"},
		{[]string{"profile", "save", "x", "--authorize-url", "idp.example/a", "--client-id", "x"}, "has no scheme"},
		{[]string{"profile", "save", "x", "--port", "70000"}, "--port 70000"},
		{[]string{"profile", "show"}, "takes one profile NAME, got 0"},
		{[]string{"profile", "lst"}, "Did you mean this?\n\tlist"},
		{[]string{"profile", "show", "acm"}, `no profile "acm"; did you mean acme? (saved: acme, badport, broken, contoso, future, huge, number, renamed, vault)`},
		{[]string{"profile", "rm", "contso"}, "did you mean contoso?"},
		{[]string{"trace", "-p", "nobody"}, `no profile "nobody" (saved: acme`},
		{[]string{"login", "--profile", "a/b"}, "has '/' in it"},
		{[]string{"profile", "show", "broken"}, "broken.json) is not valid JSON at line 3, column 30"},
		{[]string{"trace", "-p", "broken"}, "fix the file, or remove it with: authtrace profile rm broken"},
		{[]string{"trace", "-p", "renamed"}, "holds --client-idd, which authtrace does not have (renamed? did you mean --client-id?)"},
		{[]string{"login", "-p", "badport"}, `profile badport: --port "abc": invalid`},
		{[]string{"profile", "show", "future"}, "written by a newer authtrace"},
		{[]string{"profile", "show", "number"}, "a flag's value must be a string"},
		{[]string{"profile", "show", "huge"}, "is larger than 1048576 bytes: not a profile"},
		{[]string{"profile", "show", "vault"}, `has "secret_in": "vault", a place authtrace does not know (it knows "keyring")`},
		{[]string{"profile", "list"}, "broken.json) is not valid JSON"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) { wantUsage(t, tt.args, tt.want) })
	}
	// The list still lists the readable ones.
	if _, out, _ := runCLI(t, "profile", "list"); !strings.Contains(out, "acme ") || !strings.Contains(out, "broken   unreadable") {
		t.Errorf("profile list with a broken file:\n%s", out)
	}
}

func TestProfileNoneSaved(t *testing.T) {
	profileHome(t)
	_, errs := mustRun(t, exitUsage, "login", "-p", "acme")
	if !strings.Contains(errs, "there are no saved profiles yet") {
		t.Errorf("-p with no profiles: %s", errs)
	}
	out, errs := mustRun(t, 0, "profile", "list")
	if out != "" || !strings.Contains(errs, "no saved profiles") {
		t.Errorf("list with no profiles: stdout %q, stderr %q", out, errs)
	}
}

// TestGivenFlags: save keeps exactly the flags given, repeatable ones
// whole and in order, and a --connector folder as an absolute path, so
// that the profile works from any folder.
func TestGivenFlags(t *testing.T) {
	t.Chdir(t.TempDir())
	var s settings
	fs := pflag.NewFlagSet("save", pflag.ContinueOnError)
	s.addFlags(fs, true)
	if err := fs.Parse([]string{"--connector", "fabrikam", "--conn-param", "tenant=fab", "--conn-param", "region=eu", "--pkce=false", "--json", "--client-secret", "x", "--port", "53682"}); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	want := map[string]givenValues{"connector": {filepath.Join(wd, "fabrikam")}, "conn-param": {"tenant=fab", "region=eu"}, "pkce": {"false"}, "port": {"53682"}}
	if d := cmp.Diff(givenFlags(fs), want); d != "" {
		t.Errorf("given flags (-got +want):\n%s", d)
	}
}

// TestProfileTraceOnly: a profile with the platform's redirect URI is
// saved for trace, saying login would refuse it.
func TestProfileTraceOnly(t *testing.T) {
	profileHome(t)
	_, errs := mustRun(t, 0, "profile", "save", "pp", "--authorize-url", "https://idp.example/a", "--client-id", "x",
		"--redirect-uri", "https://global.consent.azure-apim.net/redirect")
	if !strings.Contains(errs, "for trace only: login would refuse it") {
		t.Errorf("save does not say the profile is trace's:\n%s", errs)
	}
}

func TestProfileCompletion(t *testing.T) {
	profileHome(t)
	mustRun(t, 0, "profile", "save", "acme", "--client-id", "app")
	mustRun(t, 0, "profile", "save", "contoso", "--client-id", "app")
	want := []string{"acme", "contoso"}
	for _, args := range [][]string{{"trace", "-p", ""}, {"login", "--profile", ""}, {"-p", ""}, {"profile", "show", ""}, {"profile", "rm", ""}} {
		if got := complete(t, args...); !slices.Equal(got, want) {
			t.Errorf("%q: completions %q, want %q", args, got, want)
		}
	}
	if got := complete(t, "profile", "show", "acme", ""); len(got) != 0 {
		t.Errorf("a second NAME completes %q, want nothing", got)
	}
}

func FuzzParseProfile(f *testing.F) {
	for _, s := range []string{
		`{"version":1,"flags":{"client-id":"x","param":["a=b","c=d"]},"client_secret":"s"}`,
		`{"version":1,"flags":{"client-id":"x"},"secret_in":"keyring"}`,
		`{"version":2}`, `{"version":1,"flags":{"":1}}`, "\xef\xbb\xbf{\"version\":1}", `[`, `{"version":1} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := parseProfile(data)
		if err != nil {
			if err.Error() == "" {
				t.Error("an empty error")
			}
			return
		}
		// What was read writes back to the same profile.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal %+v: %v", p, err)
		}
		again, err := parseProfile(b)
		if err != nil {
			t.Fatalf("re-reading %s: %v", b, err)
		}
		if d := cmp.Diff(again, p); d != "" {
			t.Errorf("round trip (-got +want):\n%s", d)
		}
	})
}
