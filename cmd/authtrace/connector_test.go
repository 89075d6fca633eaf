package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

const connData = "../../connector/testdata"

func TestConnectorCheckText(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		want     []string // in stdout
		wantErr  string   // in stderr
	}{
		{"clean", []string{filepath.Join(connData, "oauth2-clean")}, exitOK,
			[]string{"Connector   Contoso Tasks_API", "identity provider    oauth2", "Authorize URL", "Token request", "Refresh request",
				"state=3f2b8c1e-9d4a-4e7b-a6c5-0d1e2f3a4b5c_unitedstates-002_azure-apim.net", "Findings: none"}, ""},
		{"missing parameter named", []string{filepath.Join(connData, "generic-tenant")}, exitOK,
			[]string{"https://{customHost}/authorize?", "token:customHost: --conn-param customHost=VALUE or AUTHTRACE_CONN_CUSTOMHOST"}, ""},
		{"parameter given", []string{filepath.Join(connData, "generic-tenant", "apiProperties.json"), "--conn-param", "customHost=acme.example.com"}, exitOK,
			[]string{"https://acme.example.com/authorize?", "POST https://acme.example.com/oauth/token"}, ""},
		{"error finding exits 1", []string{filepath.Join(connData, "placeholder-unknown")}, exitFindings,
			[]string{"ERROR connector.placeholder_unknown", "fix: The platform fills", "code_challenge=%7BCodeChallenge%7D"}, ""},
		{"warning only exits 0", []string{filepath.Join(connData, "oauth2-global")}, exitOK,
			[]string{"WARN  connector.redirect_global", `"Update to unique redirect URL"`}, ""},
		{"sets: says which one is used", []string{filepath.Join(connData, "parameter-sets")}, exitOK,
			[]string{`in parameter set oauth-generic  <- --connector uses this one`, `in parameter set entra`}, ""},
		{"sets: --conn-set chooses", []string{filepath.Join(connData, "parameter-sets"), "--conn-set", "Entra"}, exitOK,
			[]string{`in parameter set entra  <- --connector uses this one`}, ""},
		{"notes", []string{filepath.Join(connData, "casing-bom")}, exitOK, []string{"Notes (read leniently", "byte order mark"}, ""},
		{"unsupported provider", []string{filepath.Join(connData, "provider-aadcertificate")}, exitOK,
			[]string{"cannot be built", "connector.provider_unsupported"}, ""},
		{"malformed JSON exits 2 with the position", []string{filepath.Join(connData, "malformed-json")}, exitUsage, nil,
			"malformed-json/apiProperties.json:4:40: not valid JSON"},
		{"no OAuth settings exits 2", []string{filepath.Join(connData, "malformed-no-oauth")}, exitUsage, nil, "no OAuth settings"},
		{"folder without connectors", []string{filepath.Join(connData, "malformed-empty-folder")}, exitUsage, nil, "folder without apiProperties.json"},
		{"unknown set", []string{filepath.Join(connData, "parameter-sets"), "--conn-set", "nope"}, exitUsage, nil, "--conn-set nope: " + filepath.Join(connData, "parameter-sets", "apiProperties.json") + " has the sets oauth-generic, entra"},
		{"bad --conn-param", []string{filepath.Join(connData, "oauth2-clean"), "--conn-param", "novalue"}, exitUsage, nil, "want NAME=VALUE"},
		{"no path", nil, exitUsage, nil, "needs a PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCLI(t, append([]string{"connector", "check"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr %q lacks %q", errOut, tt.wantErr)
			}
		})
	}
}

func TestConnectorCheckEnvParam(t *testing.T) {
	t.Setenv("AUTHTRACE_CONN_CUSTOMHOST", "env.example.com")
	_, out, _ := runCLI(t, "connector", "check", filepath.Join(connData, "generic-tenant"))
	if !strings.Contains(out, "https://env.example.com/authorize?") {
		t.Errorf("AUTHTRACE_CONN_CUSTOMHOST not used:\n%s", out)
	}
}

func TestConnectorCheckJSON(t *testing.T) {
	code, out, _ := runCLI(t, "connector", "check", "--json", filepath.Join(connData, "secret-in-file"))
	if code != exitOK {
		t.Errorf("exit %d, want 0", code)
	}
	if strings.Contains(out, "s3cr3t-in-the-file-1234") {
		t.Errorf("the secret is in the output:\n%s", out)
	}
	var doc struct {
		Version   int `json:"version"`
		Connector struct {
			OAuth []struct {
				Provider     string `json:"identity_provider"`
				ClientSecret string `json:"client_secret"`
				Used         bool   `json:"used"`
			} `json:"oauth"`
		} `json:"connector"`
		Requests struct {
			Authorize string `json:"authorize_url"`
			Token     struct {
				Method, URL string
				Form        map[string]string
				ClientAuth  string `json:"client_auth"`
			} `json:"token"`
		} `json:"requests"`
		Findings []struct{ Code string } `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	got := []string{doc.Connector.OAuth[0].Provider, doc.Connector.OAuth[0].ClientSecret, doc.Requests.Token.Method, doc.Requests.Token.Form["grant_type"], doc.Requests.Token.ClientAuth, doc.Findings[0].Code}
	want := []string{"oauth2", "<redacted>", "POST", "authorization_code", "body, then basic", "connector.secret_in_file"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("JSON (-want +got):\n%s\n%s", diff, out)
	}
	if doc.Version != 1 || !doc.Connector.OAuth[0].Used || !strings.HasPrefix(doc.Requests.Authorize, "https://login.contoso.example/oauth/authorize?") {
		t.Errorf("version %d, used %v, authorize %q", doc.Version, doc.Connector.OAuth[0].Used, doc.Requests.Authorize)
	}
}

// TestConnectorCheckFolder checks a folder of connector folders: one
// section each, a summary, and the worst exit status (2: some cannot be
// read).
func TestConnectorCheckFolder(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"oauth2-clean", "placeholder-unknown", "malformed-json"} {
		data, err := os.ReadFile(filepath.Join(connData, d, "apiProperties.json"))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(root, "repo", d), 0o755)
		os.WriteFile(filepath.Join(root, "repo", d, "apiProperties.json"), data, 0o644)
	}
	code, out, _ := runCLI(t, "connector", "check", root)
	if code != exitUsage {
		t.Errorf("exit %d, want 2 (a connector cannot be read)", code)
	}
	for _, w := range []string{"== " + filepath.Join(root, "repo", "malformed-json") + "\ncannot be read:", "ERROR connector.placeholder_unknown",
		"Summary: 3 connectors: 1 with errors, 0 with warnings only, 1 clean, 1 unreadable"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	os.RemoveAll(filepath.Join(root, "repo", "malformed-json"))
	code, out, _ = runCLI(t, "connector", "check", "--json", root)
	if code != exitFindings {
		t.Errorf("exit %d, want 1 (an error finding)", code)
	}
	var doc struct {
		Version    int
		Connectors []struct {
			Path     string
			Counts   map[string]int
			Findings []struct{ Code string }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var got []string
	for _, c := range doc.Connectors {
		got = append(got, filepath.Base(c.Path)+" "+strings.Repeat("E", c.Counts["error"]))
	}
	if diff := cmp.Diff([]string{"oauth2-clean ", "placeholder-unknown E"}, got); diff != "" {
		t.Errorf("connectors (-want +got):\n%s", diff)
	}
}

// TestConnectorCheckHostileText: text from the file cannot drive the
// terminal.
func TestConnectorCheckHostileText(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "apiProperties.json"), []byte(`{"properties":{"connectionParameters":{"token":{"type":"oauthSetting","oAuthSettings":{
		"identityProvider":"oauth2","clientId":"a\u001b]0;pwned\u0007b","scopes":["offline_access"],
		"customParameters":{"authorizationUrl":{"value":"https://x.example/a"},"tokenUrl":{"value":"https://x.example/t"}}}}}}}`), 0o644)
	_, out, _ := runCLI(t, "connector", "check", dir)
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("control characters reached the output: %q", out)
	}
}

// TestConnectorCheckHidesLiteralSecrets: a secret written in a URL
// template, a query template or a body is hidden in the text and the
// JSON, long ones wherever they appear and short ones (under
// report.MinSecret) by the client_secret= they follow.
func TestConnectorCheckHidesLiteralSecrets(t *testing.T) {
	templates := map[string]string{
		"url":   `"tokenUrlTemplate": {"value": "https://x.example/token?client_secret=%s"}, "tokenBodyTemplate": {"value": "grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl}"}`,
		"query": `"tokenUrlTemplate": {"value": "https://x.example/token"}, "tokenUrlQueryStringTemplate": {"value": "?client_secret=%s"}, "tokenBodyTemplate": {"value": "grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl}"}`,
		"body":  `"tokenUrlTemplate": {"value": "https://x.example/token"}, "tokenBodyTemplate": {"value": "grant_type=authorization_code&code={Code}&redirect_uri={RedirectUrl}&client_secret=%s"}`,
	}
	for where, tmpl := range templates {
		for _, secret := range []string{"L0ng-template-secret-9876", "s4"} {
			dir := t.TempDir()
			props := `{"properties": {"connectionParameters": {"token": {"type": "oauthSetting", "oAuthSettings": {
  "identityProvider": "oauth2generic", "clientId": "c1", "scopes": ["offline_access"],
  "customParameters": {"authorizationUrlTemplate": {"value": "https://x.example/authorize"}, ` + strings.ReplaceAll(tmpl, "%s", secret) + `}}}}}}`
			if err := os.WriteFile(filepath.Join(dir, "apiProperties.json"), []byte(props), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, format := range []string{"text", "json"} {
				t.Run(where+"/"+secret+"/"+format, func(t *testing.T) {
					args := []string{"connector", "check", dir}
					if format == "json" {
						args = append(args, "--json")
					}
					_, out, errOut := runCLI(t, args...)
					if !strings.Contains(out, "connector.secret_in_file") {
						t.Errorf("no connector.secret_in_file finding:\n%s", out)
					}
					for _, leak := range []string{"=" + secret, secret + "&", secret + `"`, secret + "\n"} {
						if strings.Contains(out, leak) || strings.Contains(errOut, leak) {
							t.Errorf("the secret %q is in the output (%q):\n%s%s", secret, leak, out, errOut)
						}
					}
					if len(secret) >= report.MinSecret && strings.Contains(out, secret) {
						t.Errorf("the secret %q is in the output:\n%s", secret, out)
					}
					if !strings.Contains(out, "redacted") {
						t.Errorf("want the secret shown as redacted:\n%s", out)
					}
				})
			}
		}
	}
}

// TestConnectorCheckFolderConnSet: in a folder, a connector without the
// --conn-set named is checked and says so; alone, it is a usage error.
func TestConnectorCheckFolderConnSet(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"oauth2-clean", "parameter-sets"} {
		data, err := os.ReadFile(filepath.Join(connData, d, "apiProperties.json"))
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(root, d), 0o755)
		os.WriteFile(filepath.Join(root, d, "apiProperties.json"), data, 0o644)
	}
	code, out, errOut := runCLI(t, "connector", "check", root, "--conn-set", "entra")
	if code != exitOK {
		t.Errorf("exit %d, want 0 (no error findings, nothing unreadable)\n%s%s", code, out, errOut)
	}
	for _, w := range []string{"Note        no parameter set entra", "in parameter set entra  <- --connector uses this one",
		"0 unreadable; 1 without parameter set entra (their first OAuth setting shown)"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	_, out, _ = runCLI(t, "connector", "check", "--json", root, "--conn-set", "entra")
	var doc struct {
		Connectors []struct {
			Path, Error, Note string
			Connector         struct{ OAuth []struct{ Used bool } }
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var got []string
	for _, c := range doc.Connectors {
		used := ""
		for _, o := range c.Connector.OAuth {
			used += map[bool]string{true: "U", false: "-"}[o.Used]
		}
		got = append(got, filepath.Base(c.Path)+" "+used+" "+c.Error+strings.SplitN(c.Note, ":", 2)[0])
	}
	if diff := cmp.Diff([]string{"oauth2-clean - no parameter set entra", "parameter-sets -U "}, got); diff != "" {
		t.Errorf("connectors (-want +got):\n%s", diff)
	}
	if code, _, errOut := runCLI(t, "connector", "check", filepath.Join(root, "oauth2-clean"), "--conn-set", "entra"); code != exitUsage || !strings.Contains(errOut, "has no connectionParameterSets") {
		t.Errorf("one connector without the set: exit %d, stderr %q; want 2 naming the problem", code, errOut)
	}
}

// TestConnectorCheckSkipsAPIKey: in a folder, a connector without OAuth
// settings (an API key) is skipped and counted, not unreadable: most of a
// repository's connectors are such, and they must not make every run
// exit 2. Several PATHs are checked together.
func TestConnectorCheckSkipsAPIKey(t *testing.T) {
	root := t.TempDir()
	key := filepath.Join(root, "apikey")
	os.MkdirAll(key, 0o755)
	os.WriteFile(filepath.Join(key, "apiProperties.json"), []byte(`{"properties":{"connectionParameters":{"api_key":{"type":"securestring"}}}}`), 0o644)
	code, out, errOut := runCLI(t, "connector", "check", root, filepath.Join(connData, "oauth2-clean"))
	if code != exitOK {
		t.Errorf("exit %d, want 0 (nothing unreadable, no error)\n%s%s", code, out, errOut)
	}
	for _, w := range []string{"skipped: no OAuth settings", "Summary: 2 connectors: 0 with errors, 0 with warnings only, 1 clean, 0 unreadable, 1 without OAuth settings (skipped)"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	code, out, _ = runCLI(t, "connector", "check", "--json", root)
	if code != exitOK || !strings.Contains(out, `"skipped": "`) {
		t.Errorf("--json: exit %d, want 0 and a skipped entry:\n%s", code, out)
	}
	// Alone, it is what was asked about: exit 2, as before.
	if code, _, _ := runCLI(t, "connector", "check", key); code != exitUsage {
		t.Errorf("one API-key connector: exit %d, want 2", code)
	}
}

// TestConnectorCheckBadParam: connection parameters that break the
// requests the file alone builds are an error finding, not a quiet exit 0.
func TestConnectorCheckBadParam(t *testing.T) {
	code, out, errOut := runCLI(t, "connector", "check", "--json", filepath.Join(connData, "generic-tenant"), "--conn-param", "customHost=a b%zz")
	if code != exitFindings {
		t.Errorf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, `"code": "connector.invalid"`) || !strings.Contains(out, "connection parameters given") {
		t.Errorf("no connector.invalid about the parameters given:\n%s", out)
	}
	if code, _, _ := runCLI(t, "connector", "check", filepath.Join(connData, "generic-tenant"), "--conn-param", "customHost=acme.example.com"); code != exitOK {
		t.Errorf("a good host: exit %d, want 0", code)
	}
}

func TestConnectorCheckUnreadableJSONAndEmpty(t *testing.T) {
	code, out, _ := runCLI(t, "connector", "check", "--json", filepath.Join(connData, "malformed-json"))
	var doc struct {
		Version int    `json:"version"`
		Error   string `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || code != exitUsage || doc.Version != 1 || !strings.Contains(doc.Error, "not valid JSON") {
		t.Errorf("--json of an unreadable connector: exit %d, %+v (%v); want 2 and a version-1 object with the error\n%s", code, doc, err, out)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "apiProperties.json"), []byte("\n"), 0o644)
	wantUsage(t, []string{"connector", "check", dir}, "apiProperties.json:1:1: is empty")
}
