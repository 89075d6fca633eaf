package main

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/connector"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// audienceAPI is an API that accepts a bearer JWT whose aud is aud and
// answers 401 with an RFC 6750 challenge otherwise (it reads the claims
// without checking the signature: the e2e suite's API checks that). It
// keeps the Authorization headers it got.
func audienceAPI(t *testing.T, aud string) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		mu.Lock()
		got = append(got, h)
		mu.Unlock()
		tok, ok := strings.CutPrefix(h, "Bearer ")
		parts := strings.Split(tok, ".")
		var claims struct {
			Aud any `json:"aud"`
		}
		if ok && len(parts) == 3 {
			if b, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
				json.Unmarshal(b, &claims)
			}
		}
		has := claims.Aud == aud
		if list, isList := claims.Aud.([]any); isList {
			has = slices.Contains(list, any(aud))
		}
		if !has {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token", error_description="The audience is invalid"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"me":"ada"}`))
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), got...) }
}

// TestDemoCall runs `authtrace demo --call` against an API that wants
// the demo's audience and one that wants another: api.accepted, exit 0;
// api.rejected with the cause, exit 1; the token never in the output.
func TestDemoCall(t *testing.T) {
	for _, tt := range []struct {
		aud, code, cause string
		exit             int
	}{
		{"https://api.demo.example", report.CodeAPIAccepted, "", 0},
		{"https://orders.example", report.CodeAPIRejected, flow.CallCauseAudience, exitFindings},
	} {
		t.Run(tt.code, func(t *testing.T) {
			api, got := audienceAPI(t, tt.aud)
			code, out, stderr := runCLI(t, "demo", "--json", "--call", api.URL+"/me", "--call-after-refresh", "--call-header", "X-Tenant: acme")
			rep := oneReport(t, out)
			if code != tt.exit {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.exit, stderr)
			}
			if len(rep.Calls) != 2 || rep.Calls[0].Token != flow.CallTokenExchange || rep.Calls[1].Token != flow.CallTokenRefresh {
				t.Fatalf("calls %+v, want the exchange's and the refresh's", rep.Calls)
			}
			n := 0
			for _, f := range rep.Findings {
				if f.Detail["step"] != "call" {
					continue
				}
				n++
				if f.Code != tt.code || f.Detail["cause"] != tt.cause {
					t.Errorf("finding %s cause %q (%s), want %s cause %q", f.Code, f.Detail["cause"], f.Message, tt.code, tt.cause)
				}
			}
			if n != 2 {
				t.Errorf("%d findings about the calls, want 2", n)
			}
			if !strings.Contains(stderr, "calling the API with the refreshed access token") {
				t.Errorf("stderr does not say the second call sends the refreshed token:\n%s", stderr)
			}
			auths := got()
			if len(auths) != 2 {
				t.Fatalf("the API got %d calls, want 2", len(auths))
			}
			for _, a := range auths {
				tok := strings.TrimPrefix(a, "Bearer ")
				sig := tok[strings.LastIndexByte(tok, '.')+1:]
				if sig == "" || strings.Contains(out, sig) || strings.Contains(stderr, sig) {
					t.Errorf("the signature of the access token the API got is in the output")
				}
			}
			if h := rep.Calls[0].Request.Headers["X-Tenant"]; h != report.Redacted {
				t.Errorf("X-Tenant %q, want it sent and its value hidden", h)
			}
		})
	}
}

// TestCallSecretsHidden: without --reveal, a --call-header's value, the
// codes of a Location the API redirected to, and the access token's
// signature appear in no output, --json or --events.
func TestCallSecretsHidden(t *testing.T) {
	var mu sync.Mutex
	var sig string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		mu.Lock()
		sig = tok[strings.LastIndexByte(tok, '.')+1:]
		mu.Unlock()
		http.Redirect(w, r, "https://login.example.com/cb?code=LOCCODE123&client_secret=SECRETXYZ9#id_token=IDTOKEN456", http.StatusFound)
	}))
	t.Cleanup(api.Close)
	for _, mode := range []string{"--json", "--events"} {
		code, out, stderr := runCLI(t, "demo", mode, "--call", api.URL+"/ok", "--call-header", "X-Key: SUPERKEY42")
		if code != exitFindings {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", mode, code, exitFindings, stderr)
		}
		mu.Lock()
		secrets := []string{"SUPERKEY42", "LOCCODE123", "SECRETXYZ9", "IDTOKEN456", sig}
		mu.Unlock()
		for _, s := range secrets {
			if s == "" || strings.Contains(out, s) || strings.Contains(stderr, s) {
				t.Errorf("%s: %q is in the output (or no token was sent)", mode, s)
			}
		}
	}
}

// TestCallNotCalled: a login that got no access token says the API was
// not called.
func TestCallNotCalled(t *testing.T) {
	_, out, stderr := runCLI(t, "demo", "--fault", "html-token", "--call", "http://127.0.0.1:1/me", "--json")
	if !strings.Contains(stderr, "the API was not called: the login got no access token") {
		t.Errorf("stderr does not say the API was not called:\n%s", stderr)
	}
	// In the report too, for a script: the API's answer is unknown.
	if !slices.ContainsFunc(oneReport(t, out).Findings, func(f report.Finding) bool {
		return f.Code == report.CodeAPINotCalled && f.Detail["cause"] == "no_access_token"
	}) {
		t.Errorf("no api.not_called in the report:\n%s", out)
	}
}

// TestCallUserinfoRefused: a password in a --call URL would not be sent
// (the call's Authorization is the bearer token) and must not be shown:
// a usage error that does not echo it.
func TestCallUserinfoRefused(t *testing.T) {
	code, out, stderr := runCLI(t, "demo", "--call", "http://bob:PASSW0RDX@127.0.0.1:1/ok")
	if code != exitUsage || !strings.Contains(stderr, "user or password") {
		t.Errorf("exit %d, want %d and the reason; stderr:\n%s", code, exitUsage, stderr)
	}
	if strings.Contains(out+stderr, "PASSW0RDX") {
		t.Errorf("the password is in the output:\n%s%s", out, stderr)
	}
}

func TestCallFlagsRefused(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"demo", "--call", "/me"}, "give the API's whole URL (https://api.example.com/me)"},
		{[]string{"login", "--authorize-url", "https://x.example/a", "--token-url", "https://x.example/t", "--client-id", "c", "--call", "/me"}, "or --connector PATH"},
		{[]string{"demo", "--call", "http://127.0.0.1:1/", "--call-header", "Key=SECRETVALUE"}, `--call-header "Key…": want NAME:VALUE`},
		{[]string{"demo", "--call", "http://127.0.0.1:1/", "--request-timeout", "0s"}, "--request-timeout 0s: give a positive duration"},
		{[]string{"demo", "--call", "ftp://x.example/"}, "want an http(s) URL"},
		{[]string{"demo", "--call", "me"}, "want the API's whole URL"},
		{[]string{"demo", "--call-method", "POST"}, "--call-method is for --call"},
		{[]string{"demo", "--call", "http://127.0.0.1:1/", "--call-header", "nocolon"}, "want NAME:VALUE"},
		{[]string{"demo", "--call", "http://127.0.0.1:1/", "--call-header", "Authorization: Bearer x"}, "sends the login's access token"},
		{[]string{"demo", "--call", "http://127.0.0.1:1/", "--call-method", "GE T"}, "want an HTTP method"},
		{[]string{"login", "--authorize-url", "https://x.example/a", "--token-url", "https://x.example/t", "--client-id", "c", "--call-op", "GetTask"}, "give --connector PATH"},
	} {
		wantUsage(t, tt.args, tt.want)
	}
}

// TestCallConnector builds the calls from a connector's swagger: a path
// on its host and basePath, an operation with its parameters, and the
// missing ones named.
func TestCallConnector(t *testing.T) {
	dir := tenantConnector(t)
	swagger := `{"swagger":"2.0","host":"{customHost}","basePath":"/v2","schemes":["https"],
	  "paths":{"/tasks/{taskId}":{"get":{"operationId":"GetTask","parameters":[{"name":"taskId","in":"path","required":true}]},
	    "put":{"operationId":"PutTask","parameters":[{"name":"taskId","in":"path","required":true},{"name":"X-Version","in":"header","required":true},{"name":"task","in":"body","required":true}]}}}}`
	if err := os.WriteFile(filepath.Join(dir, "apiDefinition.swagger.json"), []byte(swagger), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := connector.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"token:customHost": "acme.example.com"}
	var cs callSettings
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	cs.addFlags(fs, true, true)
	if err := fs.Parse([]string{"--call", "/me", "--call-op", "GetTask", "--call-param", "taskId=7"}); err != nil {
		t.Fatal(err)
	}
	var cfg flow.Config
	if err := cs.apply(&cfg, c, params); err != nil {
		t.Fatal(err)
	}
	want := []flow.APICall{{Method: "GET", URL: "https://acme.example.com/v2/me"}, {Method: "GET", URL: "https://acme.example.com/v2/tasks/7"}}
	if len(cfg.Calls) != 2 || cfg.Calls[0].URL != want[0].URL || cfg.Calls[1].URL != want[1].URL || cfg.Calls[1].Method != "GET" {
		t.Errorf("calls %+v, want %+v", cfg.Calls, want)
	}
	// Header and body parameters are sent, after the --call-header ones.
	cs = callSettings{}
	fs = pflag.NewFlagSet("t", pflag.ContinueOnError)
	cs.addFlags(fs, true, true)
	if err := fs.Parse([]string{"--call-op", "PutTask", "--call-param", "taskId=7", "--call-param", "x-version=3", "--call-param", `task={"done":true}`, "--call-header", "X-Tenant: t"}); err != nil {
		t.Fatal(err)
	}
	cfg = flow.Config{}
	if err := cs.apply(&cfg, c, params); err != nil {
		t.Fatal(err)
	}
	put := flow.APICall{Method: "PUT", URL: "https://acme.example.com/v2/tasks/7", Headers: []flow.Param{{Name: "X-Tenant", Value: "t"}, {Name: "X-Version", Value: "3"}}, Body: `{"done":true}`}
	if len(cfg.Calls) != 1 || !cmp.Equal(cfg.Calls[0], put) {
		t.Errorf("calls %+v, want %+v", cfg.Calls, put)
	}
	wantUsage(t, []string{"login", "--connector", dir, "--conn-param", "customHost=acme.example.com", "--call-op", "PutTask", "--call-param", "taskId=1"}, "needs a value for X-Version, task")
	wantUsage(t, []string{"login", "--connector", dir, "--conn-param", "customHost=acme.example.com", "--call-op", "GetTask"}, "needs a value for taskId: give --call-param taskId=VALUE")
	wantUsage(t, []string{"login", "--connector", dir, "--conn-param", "customHost=acme.example.com", "--call-op", "GetTask", "--call-param", "taskId="}, "needs a value for taskId")
	wantUsage(t, []string{"login", "--connector", dir, "--conn-param", "customHost=acme.example.com", "--call-op", "GetTask", "--call-param", "taskId=1", "--call-param", "taskid=2"}, "--call-param taskid: no parameter of GetTask has that name; it has: taskId")
	wantUsage(t, []string{"login", "--connector", dir, "--conn-param", "customHost=acme.example.com", "--call-op", "ListTasks"}, "has no operation ListTasks; it has: GetTask")
}

// TestHARCall sends a HAR file's access token to the API, and says when
// the file has none.
func TestHARCall(t *testing.T) {
	api, got := audienceAPI(t, "nobody")
	code, out, stderr := runCLI(t, "har", harFixtures+"chrome-spa-pkce.har", "--json", "--call", api.URL+"/orders")
	rep := oneReport(t, out)
	if code != exitFindings || len(rep.Calls) != 1 || rep.Calls[0].Token != flow.CallTokenHAR || len(got()) != 1 {
		t.Fatalf("exit %d, calls %+v, API got %d; stderr:\n%s", code, rep.Calls, len(got()), stderr)
	}
	if !strings.Contains(stderr, "calling the API with the HAR file's access token") {
		t.Errorf("stderr does not say which token is sent:\n%s", stderr)
	}
	// The fixture's token expired long ago: said before the call.
	if !strings.Contains(stderr, "the HAR file's access token had expired") {
		t.Errorf("stderr does not warn that the token had expired:\n%s", stderr)
	}
	tok := strings.TrimPrefix(got()[0], "Bearer ")
	if sig := tok[strings.LastIndexByte(tok, '.')+1:]; sig == "" || strings.Contains(out, sig) || strings.Contains(stderr, sig) {
		t.Errorf("the token sent has no signature, or its signature is in the output")
	}
	var rejected bool
	for _, f := range rep.Findings {
		rejected = rejected || f.Code == report.CodeAPIRejected && f.Detail["token"] == flow.CallTokenHAR
	}
	if !rejected {
		t.Errorf("findings %+v, want api.rejected for the HAR file's token", rep.Findings)
	}

	code, out, stderr = runCLI(t, "har", harFixtures+"pp-healthy.har", "--json", "--call", api.URL+"/orders")
	if rep := oneReport(t, out); code != exitOK || len(rep.Calls) != 0 || !strings.Contains(stderr, "holds no access token") || len(got()) != 1 ||
		!slices.ContainsFunc(rep.Findings, func(f report.Finding) bool { return f.Code == report.CodeAPINotCalled }) {
		t.Errorf("a HAR without a token: exit %d, calls %d, findings %+v, stderr:\n%s", code, len(rep.Calls), rep.Findings, stderr)
	}
}

// TestDemoCallEvents: the call event on --events carries the request
// with the token hidden, as the report does.
func TestDemoCallEvents(t *testing.T) {
	api, got := audienceAPI(t, "https://api.demo.example")
	code, out, stderr := runCLI(t, "demo", "--events", "--call", api.URL+"/me")
	if code != 0 || len(got()) != 1 {
		t.Fatalf("exit %d, API got %d calls; stderr:\n%s", code, len(got()), stderr)
	}
	if !strings.Contains(out, `"event":"call"`) {
		t.Errorf("no call event in:\n%s", out)
	}
	tok := strings.TrimPrefix(got()[0], "Bearer ")
	sig := tok[strings.LastIndexByte(tok, '.')+1:]
	if strings.Contains(out, sig) || strings.Contains(stderr, sig) {
		t.Errorf("the access token's signature is in the output")
	}
}
