package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authtrace/authtrace/har"
	"github.com/authtrace/authtrace/report"
)

// TestHARRecorded records a real HAR: headless Chromium logs into
// oidc-provider for `authtrace login` while e2e-browser records every
// request over the DevTools protocol and writes them in Chrome's export
// shape. The recording is checked on its own (that it holds the login as
// Chrome's export would), then `authtrace har` reads it.
func TestHARRecorded(t *testing.T) {
	p := theProvider(t)
	authtrace := authtraceBin(t)
	browser := browserBin(t)

	for _, tc := range []struct {
		name  string
		fault Fault
		// stateKept says whether the callback brings back the state as
		// sent; the proxy's state-suffix fault changes it on the way.
		stateKept bool
		wantExit  int
		wantCode  string // an error finding `authtrace har` must make
	}{
		{name: "healthy", stateKept: true, wantExit: 0},
		{name: "proxy appends to state", fault: FaultStateSuffix, wantExit: 1, wantCode: report.CodeStateChanged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "login.har")
			login := runScenario(t, p, authtrace, browser, scenario{
				viaProxy: true,
				fault:    tc.fault,
				scope:    "openid offline_access",
				params:   []string{"prompt=consent", "audience=" + api},
				browser:  []string{"-har-out", path},
			})
			if login.rep.Error != "" {
				t.Fatalf("login did not complete: %s", login.rep.Error)
			}
			sent := login.rep.Profile.State
			if sent == "" {
				t.Fatal("the login report has no sent state")
			}

			var entries []har.Entry
			t.Run("recording", func(t *testing.T) {
				entries = checkRecording(t, path, sent, tc.stateKept)
			})
			if len(entries) == 0 {
				return
			}
			// Needs `authtrace har` (issue #12), which is being written
			// in parallel: this subtest fails until that command lands.
			t.Run("authtrace har", func(t *testing.T) {
				checkHARCommand(t, authtrace, path, len(entries), tc.wantExit, tc.wantCode)
			})
		})
	}
}

// checkRecording reads the recorded HAR and checks that it holds the
// login as Chrome's export would: the authorize request, each redirect an
// entry of its own, the login and consent form posts (the login's field
// names only: its values are dropped),
// and the loopback callback with the code and state.
func checkRecording(t *testing.T, path, sent string, stateKept bool) []har.Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("e2e-browser wrote no HAR: %v", err)
	}
	defer f.Close()
	var entries []har.Entry
	file, err := har.Read(f, har.ReadOptions{KeepBody: func(*har.Entry) bool { return true }},
		func(e har.Entry) error { entries = append(entries, e); return nil })
	if err != nil {
		t.Fatalf("read the recorded HAR: %v", err)
	}
	t.Logf("recorded %d entries on %d pages", len(entries), file.Pages)
	t.Cleanup(func() {
		if t.Failed() {
			for _, e := range entries {
				t.Logf("  %d %s %s -> %d %s %s", e.Index, e.Request.Method, e.Request.URL, e.Response.Status, e.Response.RedirectURL, e.Error)
			}
		}
	})
	if file.Version != "1.2" || file.Creator != "WebInspector 537.36" || file.Pages == 0 {
		t.Errorf("file = %+v, want HAR 1.2 by WebInspector 537.36 with pages", file)
	}
	for _, n := range file.Notes {
		t.Errorf("read leniently: %s", n.Text)
	}

	var authorize, callback *har.Entry
	var redirects, logins, consents int
	for i := range entries {
		e := &entries[i]
		u, err := url.Parse(e.Request.URL)
		if err != nil {
			t.Errorf("entry %d URL %q: %v", i, e.Request.URL, err)
			continue
		}
		q := u.Query()
		switch {
		case authorize == nil && q.Get("client_id") != "" && q.Get("response_type") != "":
			authorize = e
		case strings.HasPrefix(e.Request.URL, callbackURL()+"?"):
			callback = e
		}
		if e.Response.Status >= 300 && e.Response.Status < 400 {
			redirects++
			checkRedirect(t, entries, i, u)
		}
		if e.Request.Method == "POST" && strings.HasPrefix(u.Path, "/interaction/") {
			form := postForm(t, e)
			switch {
			case form.Has("login") && form.Has("password"):
				// Names only: the recorder keeps no value of a login
				// post but the OAuth ones.
				if form.Get("login") == "alice" || form.Get("password") != "<dropped>" {
					t.Errorf("the login post kept its values: %v", form)
				}
				logins++
			case form.Get("prompt") == "consent":
				consents++
			}
		}
	}
	if authorize == nil {
		t.Fatal("no authorize entry (client_id and response_type in the URL)")
	}
	if got := queryOf(authorize.Request.URL).Get("state"); got != sent {
		t.Errorf("authorize entry's state = %q, want %q as sent", got, sent)
	}
	if redirects < 3 {
		t.Errorf("%d redirect entries, want the proxy's, the tenant's and the provider's at least", redirects)
	}
	if logins != 1 || consents != 1 {
		t.Errorf("%d login and %d consent form posts with their bodies, want 1 of each", logins, consents)
	}
	if callback == nil {
		t.Fatal("no entry for the loopback callback " + callbackURL())
	}
	cq := queryOf(callback.Request.URL)
	if cq.Get("code") == "" {
		t.Errorf("callback %s has no code", callback.Request.URL)
	}
	if got := cq.Get("state"); (got == sent) != stateKept || !strings.HasPrefix(got, sent) {
		t.Errorf("callback state = %q, sent %q; want it kept: %v", got, sent, stateKept)
	}
	if callback.Response.Status != 200 || !callback.Response.Content.Kept {
		t.Errorf("callback response = %d (body kept %v), want authtrace's 200 page with its body", callback.Response.Status, callback.Response.Content.Kept)
	}
	return entries
}

// checkRedirect checks that the 30x entry i says where it sends the
// browser, as its Location does, and that the next request there is an
// entry of its own.
func checkRedirect(t *testing.T, entries []har.Entry, i int, u *url.URL) {
	t.Helper()
	e := entries[i]
	loc, _ := har.Header(e.Response.Headers, "Location")
	if e.Response.RedirectURL == "" || e.Response.RedirectURL != loc {
		t.Errorf("entry %d (%d %s): redirectURL %q, Location %q; want both, equal", i, e.Response.Status, e.Request.URL, e.Response.RedirectURL, loc)
		return
	}
	next, err := u.Parse(loc)
	if err != nil {
		t.Errorf("entry %d: Location %q: %v", i, loc, err)
		return
	}
	for _, later := range entries[i+1:] {
		if later.Request.URL == next.String() {
			return
		}
	}
	t.Errorf("entry %d redirects to %s, and no later entry requests it", i, next)
}

func postForm(t *testing.T, e *har.Entry) url.Values {
	t.Helper()
	if e.Request.PostData == nil || e.Request.PostData.Text == "" {
		t.Errorf("entry %d: POST %s without postData", e.Index, e.Request.URL)
		return nil
	}
	form, err := url.ParseQuery(e.Request.PostData.Text)
	if err != nil {
		t.Errorf("entry %d: postData %q: %v", e.Index, e.Request.PostData.Text, err)
	}
	return form
}

func queryOf(raw string) url.Values {
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	return u.Query()
}

// checkHARCommand runs `authtrace har --json` on the recording and checks
// its report: the hops of the file's one attempt, the callback's state as
// the authorize request's (or a state.changed finding when the proxy
// changed it), and the file as read.
func checkHARCommand(t *testing.T, authtrace, path string, entries, wantExit int, wantCode string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, authtrace, "har", "--json", path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	exit := 0
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		exit = ee.ExitCode()
	default:
		t.Fatalf("run authtrace har: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("authtrace har exit %d\nstderr:\n%s\nstdout:\n%s", exit, stderr.String(), stdout.String())
		}
	})
	var rep report.Report
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("stdout is not the report JSON: %v", err)
	}
	if rep.Version != report.Version || rep.Command != "har" {
		t.Errorf("report version %d command %q, want %d har", rep.Version, rep.Command, report.Version)
	}
	if rep.HAR == nil || rep.HAR.Entries != entries || rep.HAR.Creator != "WebInspector 537.36" {
		t.Errorf("report har = %+v, want the file's %d entries by WebInspector 537.36", rep.HAR, entries)
	}
	var authorize, callback *report.Hop
	for i := range rep.Hops {
		h := &rep.Hops[i]
		if h.Source != report.SourceHAR {
			t.Errorf("hop %d source = %q, want har", h.N, h.Source)
		}
		switch {
		case authorize == nil && h.Role == report.RoleAuthorize:
			authorize = h
		case h.Role == report.RoleCallback:
			callback = h
		}
	}
	if authorize == nil || callback == nil {
		t.Fatalf("hops have authorize %v and callback %v, want both", authorize != nil, callback != nil)
	}
	var errs []string
	for _, f := range rep.Findings {
		if f.Severity == report.SeverityError {
			errs = append(errs, f.Code)
		}
	}
	if wantCode == "" {
		if callback.Params["state"] != authorize.Params["state"] {
			t.Errorf("callback state %q, authorize state %q; want them equal", callback.Params["state"], authorize.Params["state"])
		}
		if len(errs) > 0 {
			t.Errorf("error findings %v, want none:\n%s", errs, describeFindings(rep))
		}
	} else if !slices.Contains(errs, wantCode) {
		t.Errorf("error findings %v, want %s:\n%s", errs, wantCode, describeFindings(rep))
	}
	if exit != wantExit {
		t.Errorf("exit status = %d, want %d", exit, wantExit)
	}
}
