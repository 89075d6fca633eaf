package connector

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

// TestCheckFixtures runs Check over each fixture folder: the codes (with
// their severity) must be exactly these, so a finding that goes away, or
// one that appears, fails.
func TestCheckFixtures(t *testing.T) {
	want := map[string][]string{
		"aad":                                 nil,
		"aad-defaults":                        nil,
		"casing-bom":                          {"connector.refresh_template/warn"},
		"generic-comma-scopes":                nil,
		"generic-defaults":                    nil,
		"generic-tenant":                      nil,
		"invalid-aad-no-resource":             {"connector.invalid/error"},
		"invalid-oauth2-no-urls":              {"connector.invalid/error"},
		"invalid-redirect-mode":               {"connector.invalid/error"},
		"invalid-url":                         {"connector.invalid/error"},
		"no-offline-access":                   {"connector.no_offline_access/warn"},
		"oauth2-clean":                        nil,
		"oauth2-global":                       {"connector.no_offline_access/warn", "connector.redirect_global/warn"},
		"oauth2-no-mode":                      {"connector.no_offline_access/warn", "connector.redirect_global/warn"},
		"offline-access-type":                 nil,
		"parameter-sets":                      {"connector.redirect_global/warn"},
		"parameter-sets-array":                nil,
		"placeholder-unknown":                 {"connector.placeholder_unknown/error"},
		"provider-aadcertificate":             {"connector.provider_unsupported/warn"},
		"provider-facebook":                   {"connector.provider_unsupported/warn", "connector.redirect_global/warn"},
		"provider-missing":                    {"connector.invalid/error"},
		"redirect-direct":                     nil,
		"redirect-hardcoded":                  {"connector.redirect_hardcoded/error"},
		"redirect-mismatch-global-url":        {"connector.redirect_mismatch/error"},
		"redirect-mismatch-other-host":        {"connector.redirect_mismatch/error"},
		"redirect-mismatch-per-connector-url": {"connector.redirect_mismatch/error"},
		"redirect-per-connector-no-url":       {"connector.redirect_mismatch/warn"},
		"redirect-regional":                   nil,
		"refresh-default":                     {"connector.refresh_template/warn"},
		"refresh-template":                    {"connector.refresh_template/error"},
		"secret-in-file":                      {"connector.secret_in_file/warn"},
		"secret-in-template":                  {"connector.secret_in_file/warn"},
		"token-template":                      {"connector.token_template/error"},
	}
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, d := range dirs {
		w, ok := want[d.Name()]
		if !ok {
			continue
		}
		seen++
		t.Run(d.Name(), func(t *testing.T) {
			c, err := Load(filepath.Join("testdata", d.Name()))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range Check(c) {
				got = append(got, f.Code+"/"+string(f.Severity))
				if f.Message == "" || f.Hint == "" || f.Detail["path"] == "" {
					t.Errorf("%s: want a message, a hint and a path, got %+v", f.Code, f)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("codes (-want +got):\n%s", diff)
			}
		})
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d fixture folders", seen, len(want))
	}
}

// TestCheckDetail pins what a finding names: the template, the
// placeholder, the JSON path a person opens the file at.
func TestCheckDetail(t *testing.T) {
	tests := []struct {
		dir, code string
		want      map[string]string
	}{
		{"placeholder-unknown", report.CodeConnectorPlaceholderUnknown, map[string]string{
			"path":        "properties.connectionParameters.token.oAuthSettings.customParameters.authorizationUrlQueryStringTemplate.value",
			"template":    "authorizationUrlQueryStringTemplate",
			"placeholder": "CodeChallenge",
		}},
		{"redirect-hardcoded", report.CodeConnectorRedirectHardcoded, map[string]string{
			"path":     "properties.connectionParameters.token.oAuthSettings.customParameters.authorizationUrlQueryStringTemplate.value",
			"template": "authorizationUrlQueryStringTemplate",
		}},
		{"token-template", report.CodeConnectorTokenTemplate, map[string]string{
			"path":     "properties.connectionParameters.token.oAuthSettings.customParameters.tokenBodyTemplate.value",
			"template": "tokenBodyTemplate",
			"missing":  "grant_type=authorization_code code={Code} redirect_uri={RedirectUrl}",
		}},
		{"parameter-sets", report.CodeConnectorRedirectGlobal, map[string]string{
			"path":         "properties.connectionParameterSets.values[1].parameters.token.oAuthSettings.redirectUrl",
			"set":          "entra",
			"redirect_url": GlobalRedirectURL,
		}},
		{"secret-in-file", report.CodeConnectorSecretInFile, map[string]string{
			"path": "properties.connectionParameters.token.oAuthSettings.clientSecret",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			c, err := Load(filepath.Join("testdata", tt.dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range Check(c) {
				if f.Code == tt.code {
					if diff := cmp.Diff(tt.want, f.Detail); diff != "" {
						t.Errorf("detail (-want +got):\n%s", diff)
					}
					return
				}
			}
			t.Errorf("no %s finding", tt.code)
		})
	}
}

// TestCheckKeepsSecretOut: a finding is shown and stored; the secret it
// is about must not be in it.
func TestCheckKeepsSecretOut(t *testing.T) {
	for _, dir := range []string{"secret-in-file", "secret-in-template"} {
		c, err := Load(filepath.Join("testdata", dir))
		if err != nil {
			t.Fatal(err)
		}
		b, err := report.MarshalJSON(Check(c), "")
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"s3cr3t-in-the-file-1234", "hardcoded-secret-5678"} {
			if strings.Contains(string(b), secret) {
				t.Errorf("%s: findings hold the secret %q: %s", dir, secret, b)
			}
		}
	}
}

// TestCheckWording: hints are built from pieces (securityTab starts
// with "the connector's"); none may join into a doubled word.
func TestCheckWording(t *testing.T) {
	dirs, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		c, err := Load(filepath.Join("testdata", d.Name()))
		if err != nil {
			continue
		}
		for _, f := range Check(c) {
			for _, text := range []string{f.Message, f.Hint} {
				if problem := doubled(text); problem != "" {
					t.Errorf("%s %s: %q in %q", d.Name(), f.Code, problem, text)
				}
			}
		}
	}
	if doubled("in the connector's the connector's Security tab") == "" || doubled("the The tab") == "" {
		t.Error("doubled finds no doubled words")
	}
}

// doubled is the first doubled word of text ("the the", "connector's
// the"), or "".
func doubled(text string) string {
	var prose []string // without code: code={Code}, URLs
	for _, f := range strings.Fields(strings.ToLower(text)) {
		if strings.ContainsAny(f, "={}&_/:") {
			f = "0" // a word of code, which joins no words around it
		}
		prose = append(prose, f)
	}
	words := strings.FieldsFunc(strings.Join(prose, " "), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r >= '0' && r <= '9')
	})
	for i := 1; i < len(words); i++ {
		if words[i] == words[i-1] && !strings.ContainsAny(words[i], "0123456789") {
			return words[i-1] + " " + words[i]
		}
		if strings.HasSuffix(words[i-1], "'s") && words[i] == "the" {
			return words[i-1] + " " + words[i]
		}
	}
	return ""
}
