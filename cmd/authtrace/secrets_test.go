package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/demo"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/internal/echo"
	"github.com/authtrace/authtrace/report"
)

// outputs runs the engine through runEngine, as login and demo do, and
// returns every byte it let out: stdout, stderr, the report file and the
// error, and the report the engine returned (with every secret in it).
func outputs(t *testing.T, cfg flow.Config, s settings) (map[string]string, report.Report) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := &cobra.Command{}
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SetContext(context.Background())
	file := filepath.Join(t.TempDir(), "report.json")
	var raw report.Report
	start := func(ctx context.Context, cfg flow.Config, emit func(flow.Event)) (report.Report, error) {
		rep, err := flow.Run(ctx, cfg, emit)
		raw = rep
		return rep, err
	}
	s.reportFile = file
	err := runEngine(cmd, &s, cfg, start, engineMode{})
	data, rerr := os.ReadFile(file)
	if rerr != nil {
		t.Fatalf("no report file: %v (run: %v)", rerr, err)
	}
	got := map[string]string{"stdout": out.String(), "stderr": errb.String(), "report file": string(data)}
	if err != nil {
		got["error"] = err.Error()
	}
	return got, raw
}

// leaks reports each secret form found in an output.
func leaks(t *testing.T, outs map[string]string, forms []string) {
	t.Helper()
	for name, text := range outs {
		for _, f := range forms {
			if f != "" && strings.Contains(text, f) {
				t.Errorf("%s holds the secret %q:\n%s", name, f, excerpt(text, f))
			}
		}
	}
}

func excerpt(text, f string) string {
	i := strings.Index(text, f)
	return text[max(0, i-120):min(len(text), i+len(f)+60)]
}

// TestNoSecretLeavesThroughAnEcho: a token endpoint that echoes the request
// in every way a careless server does (error_description with the form
// body, a nested request object, the Authorization header, an HTML page,
// secrets deep in a success answer) puts none of the login's secrets, in
// any encoding, into stdout, stderr, the report file or the error, as
// JSON, as events or as text.
func TestNoSecretLeavesThroughAnEcho(t *testing.T) {
	for _, s := range []settings{{jsonOut: true}, {events: true}, {}} {
		p := echo.Start(t)
		outs, raw := outputs(t, p.Config(), s)
		if raw.Exchange == nil || len(raw.Exchange.Attempts) == 0 || raw.Refresh == nil {
			t.Fatalf("the login did not get through both exchange attempts and the refresh: %+v", raw)
		}
		forms := p.Forms()
		if len(p.Secrets()) < 8 {
			t.Fatalf("secrets %v: the verifier or a signature is missing", p.Secrets())
		}
		leaks(t, outs, forms)
		if !strings.Contains(outs["stdout"], report.Redacted) {
			t.Errorf("nothing was redacted on stdout: the test saw no secret to hide")
		}
	}
}

// TestNoSecretLeavesDemoFaults: the same for every demo fault, with the
// secrets taken from the report the engine returned.
func TestNoSecretLeavesDemoFaults(t *testing.T) {
	for _, f := range demo.Faults {
		t.Run(f.Name, func(t *testing.T) {
			srv, err := demo.Start(f.Name)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			cfg := srv.Config()
			cfg.OpenBrowser = srv.Browse
			outs, raw := outputs(t, cfg, settings{events: true})
			leaks(t, outs, secretForms(raw))
		})
	}
}

// secretForms lists a raw report's secrets by the fields that hold them,
// with their common encodings.
func secretForms(r report.Report) []string {
	vals := []string{r.Profile.ClientSecret, r.Profile.CodeVerifier,
		base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(r.Profile.ClientID) + ":" + url.QueryEscape(r.Profile.ClientSecret)))}
	for _, h := range r.Hops {
		vals = append(vals, h.Params["code"])
	}
	var steps []report.Step
	if r.Exchange != nil {
		steps = append(append(steps, r.Exchange.Attempts...), r.Exchange.Step)
	}
	if r.Refresh != nil {
		steps = append(steps, r.Refresh.Step)
	}
	for _, st := range steps {
		vals = append(vals, st.Request.Form["code"], st.Request.Form["refresh_token"], st.Request.Form["code_verifier"])
		if st.Response != nil {
			vals = append(vals, st.Response.Fields["refresh_token"])
		}
	}
	for _, tok := range r.Tokens {
		parts := strings.Split(tok.Raw, ".")
		vals = append(vals, parts[len(parts)-1])
	}
	var out []string
	for _, v := range vals {
		if len(v) < report.MinSecret {
			continue
		}
		out = append(out, echo.Encodings(v)...)
	}
	return out
}
