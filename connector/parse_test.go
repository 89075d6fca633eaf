package connector

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		dir  string
		want Error // File is the fixture's apiProperties.json unless set
		// problem is a part of Problem that says what was expected.
		problem string
	}{
		{"malformed-json", Error{Line: 4, Column: 40}, "not valid JSON"},
		{"malformed-truncated", Error{Line: 4, Column: 1}, "ends in the middle"},
		{"malformed-no-oauth", Error{Path: "properties.connectionParameters", Err: ErrNoOAuth}, `"type": "oauthSetting"`},
		{"malformed-no-properties", Error{Path: "properties"}, "no properties object"},
		{"malformed-no-settings", Error{Path: "properties.connectionParameters.token.oAuthSettings"}, "without an oAuthSettings object"},
		{"malformed-utf16", Error{}, "UTF-16"},
		{"malformed-array", Error{Path: "$"}, "want a JSON object"},
		{"malformed-empty-folder", Error{File: filepath.Join("testdata", "malformed-empty-folder")}, "folder without apiProperties.json"},
		{"no-such-folder", Error{File: filepath.Join("testdata", "no-such-folder")}, "cannot be read"},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			_, err := Load(filepath.Join("testdata", tt.dir))
			var got *Error
			if !errors.As(err, &got) {
				t.Fatalf("Load: got %v, want an *Error", err)
			}
			want := tt.want
			if want.File == "" {
				want.File = filepath.Join("testdata", tt.dir, "apiProperties.json")
			}
			if diff := cmp.Diff(want, *got, cmpopts.IgnoreFields(Error{}, "Problem"), cmpopts.EquateErrors()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !strings.Contains(got.Problem, tt.problem) {
				t.Errorf("problem %q: want it to say %q", got.Problem, tt.problem)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("big.json", make([]byte, MaxFile+1))
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Problem, "MiB") {
		t.Errorf("got %v, want an *Error about the size", err)
	}
}

func TestParseDeepNesting(t *testing.T) {
	data := strings.Repeat("[", maxDepth+10) + strings.Repeat("]", maxDepth+10)
	_, err := Parse("deep.json", []byte(data))
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Problem, "too deeply nested") || strings.Contains(e.Problem, "not valid JSON") {
		t.Errorf("got %v, want an *Error saying it is too deeply nested (not that it is not valid JSON)", err)
	}
}

// manyKeys is an apiProperties.json with n connection parameters that are
// not objects (each one a note) and one oauthSetting, and n keys in the
// top object: the shape that made a scan per key quadratic.
func manyKeys(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"properties":{"connectionParameters":{`)
	for i := range n {
		fmt.Fprintf(&b, `"p%d":%d,`, i, i)
	}
	b.WriteString(`"token":{"type":"oauthSetting","oAuthSettings":{"identityProvider":"oauth2","clientId":"c","scopes":["offline_access"],
		"customParameters":{"authorizationUrl":{"value":"https://x.example/a"},"tokenUrl":{"value":"https://x.example/t"}}}}}}`)
	for i := range n {
		fmt.Fprintf(&b, `,"k%d":true`, i)
	}
	b.WriteString(`}`)
	return []byte(b.String())
}

// TestParseManyKeys: a file with very many keys is read whole, each odd
// key noted once. How fast is BenchmarkParseManyKeys' job (before the
// keys were indexed, 120k of them took 11 s; 100k now take 0.12 s).
func TestParseManyKeys(t *testing.T) {
	const n = 20_000
	data := manyKeys(n)
	c, err := Parse("many.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.OAuth) != 1 || len(c.Notes) != n {
		t.Errorf("got %d OAuth settings and %d notes, want 1 and %d", len(c.OAuth), len(c.Notes), n)
	}
}

func TestParseDuplicateKeys(t *testing.T) {
	c, err := Parse("dup.json", []byte(`{"properties":{"connectionParameters":{"token":{"type":"oauthSetting","oAuthSettings":{
		"identityProvider":"oauth2","clientId":"first","clientId":"last","ClientID":"other casing"}}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.OAuth[0].ClientID; got != "last" {
		t.Errorf("clientId %q, want the last of the exact key, as encoding/json reads it", got)
	}
}

func BenchmarkParseManyKeys(b *testing.B) {
	data := manyKeys(50_000) // 100k keys
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse("many.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

// TestLoadLenient reads the casing, BOM and bare-value fixture as the
// platform would, and notes each leniency.
func TestLoadLenient(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "casing-bom"))
	if err != nil {
		t.Fatal(err)
	}
	o := c.OAuth[0]
	got := struct {
		Provider, ClientID, Mode, URL string
		Scopes                        []string
		Custom                        map[string]string
	}{o.Provider, o.ClientID, o.RedirectMode, o.RedirectURL, o.Scopes, o.Custom}
	want := struct {
		Provider, ClientID, Mode, URL string
		Scopes                        []string
		Custom                        map[string]string
	}{
		ProviderOAuth2Generic, "case-client", RedirectGlobalPerConnector,
		"https://global.consent.azure-apim.net/redirect/contoso-20tasks-5fapi-0a1b2c3d4e5f6a7b",
		[]string{"offline_access read"},
		map[string]string{
			"authorizationurltemplate":            "https://auth.example.com/authorize",
			"authorizationurlquerystringtemplate": "?response_type=code&client_id={clientid}&redirect_uri={redirectUrl}&scope={scopes}&state={STATE}",
			"tokenurltemplate":                    "https://auth.example.com/token",
			"tokenbodytemplate":                   "grant_type=authorization_code&code={code}&redirect_uri={RedirectURL}&client_id={ClientId}&client_secret={clientSecret}",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("read (-want +got):\n%s", diff)
	}
	notes := strings.Join(c.Notes, "\n")
	for _, n := range []string{"byte order mark", `key "OAuthSettings" read as "oAuthSettings"`, "is a bare value", "scopes is a string", `type "OAuthSetting"`} {
		if !strings.Contains(notes, n) {
			t.Errorf("notes lack %q:\n%s", n, notes)
		}
	}
}

func TestLoadFileAndFolderAgree(t *testing.T) {
	dir := filepath.Join("testdata", "oauth2-clean")
	a, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(filepath.Join(dir, "apiProperties.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, b, cmp.AllowUnexported(OAuth{})); diff != "" {
		t.Errorf("folder vs file (-folder +file):\n%s", diff)
	}
	if a.Title != "Contoso Tasks_API" || a.APIName != "contoso tasks_api" || a.Host != "api.contoso.example" || a.BasePath != "/v1" {
		t.Errorf("swagger and settings: got title %q api %q host %q base %q", a.Title, a.APIName, a.Host, a.BasePath)
	}
}

func TestLoadSetsInOrder(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "parameter-sets"))
	if err != nil {
		t.Fatal(err)
	}
	var got [][2]string
	for _, o := range c.OAuth {
		got = append(got, [2]string{o.Set, o.Provider})
	}
	if diff := cmp.Diff([][2]string{{"oauth-generic", "oauth2"}, {"entra", "aad"}}, got); diff != "" {
		t.Errorf("oauth settings (-want +got):\n%s", diff)
	}
	var params []string
	for _, p := range c.Params {
		params = append(params, p.Set+"/"+p.Name)
	}
	if diff := cmp.Diff([]string{"entra/token:TenantId", "key/api_key"}, params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
}

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"b/One", "a/Two", ".git/x", "node_modules/y", "c/empty"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	for _, d := range []string{"b/One", "a/Two", ".git/x", "node_modules/y"} {
		os.WriteFile(filepath.Join(root, d, "apiProperties.json"), []byte("{}"), 0o644)
	}
	got, err := Discover(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(root, "a/Two"), filepath.Join(root, "b/One")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Discover (-want +got):\n%s", diff)
	}
	if got, _ := Discover(filepath.Join(root, "a/Two")); len(got) != 1 || got[0] != filepath.Join(root, "a/Two") {
		t.Errorf("Discover(a connector folder) = %v, want itself", got)
	}
	var e *Error
	if _, err := Discover(filepath.Join(root, "c")); !errors.As(err, &e) {
		t.Errorf("Discover(a folder without connectors): got %v, want an *Error", err)
	}
}

func FuzzParse(f *testing.F) {
	dirs, _ := os.ReadDir("testdata")
	for _, d := range dirs {
		if data, err := os.ReadFile(filepath.Join("testdata", d.Name(), "apiProperties.json")); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 64<<10 {
			// Big files are TestParseManyKeys' and TestParseTooLarge's;
			// the fuzzer's time goes further on many small odd ones.
			t.Skip()
		}
		c, err := Parse("fuzz.json", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T) is not an *Error", err, err)
			}
			return
		}
		Check(c)
		for _, o := range c.OAuth {
			o.Requests(c, Fill{Sample: true, RedirectURL: o.PlatformRedirectURL(), State: SampleState})
			o.Config(c, map[string]string{"customHost": "h.example.com"})
		}
	})
}
