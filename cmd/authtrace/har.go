package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authtrace/authtrace/decode"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/har"
	"github.com/authtrace/authtrace/report"
	"github.com/authtrace/authtrace/ui"
)

// harSettings are the har command's flags.
type harSettings struct {
	jsonOut, reveal      bool
	reportFile           string
	redactOut            string
	expectAud, expectIss string
	calls                callSettings
}

// progressFrom is the size from which reading a HAR file shows progress:
// below it the file is read before anyone would notice.
const progressFrom = 4 << 20

func newHarCmd() *cobra.Command {
	var s harSettings
	cmd := &cobra.Command{
		Use:   "har FILE|-",
		Short: "Diagnose a login from a browser's HAR export: every attempt's hops, findings and tokens",
		Long: `Read a HAR file (exported from the browser's developer tools, Network tab:
"Export HAR", sanitised or not; gzip-compressed too; - for stdin) and lay out
every authorization attempt in it as hops, compared and checked exactly as a
live login's: state and redirect_uri at every hop against what the browser
sent, error pages read for the provider's words, the browser's own token
requests and the tokens in them decoded (audiences checked against
--expect-aud, or the attempt's own audience parameter).

An attempt starts at a request that carries client_id and response_type and is
followed through its redirects, the login and consent pages and their form
posts, to the redirect URI. Several attempts in one file are numbered in time
order, newest last. With Power Platform the chain ends at the platform's
redirect URL: the platform exchanges the code on its own servers, so the token
leg is never in the HAR (authtrace login --connector makes it).

The file is read as a stream: hundreds of megabytes are fine. On a terminal
the result opens in the TUI; in a pipe it is the Markdown report; --json gives
the report as JSON. --redact-out writes a copy that is safe to attach to a
ticket. Exit status: 0 no error findings, 1 error findings, 2 the file cannot
be read or has no login in it.`,
		Example: `  # what went wrong in the customer's login
  authtrace har customer.har

  # the report as JSON, the audience the API wants checked
  authtrace har customer.har.gz --json --expect-aud https://api.contoso.com

  # for the ticket: a Markdown report and a sanitised HAR
  authtrace har customer.har --report ticket.md --redact-out customer-redacted.har`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErr("har takes one HAR file (or - for stdin), %d given: authtrace har FILE", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHar(cmd, &s, args[0])
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&s.jsonOut, "json", false, "print the report as one JSON document on stdout, for jq and scripts (progress goes to stderr)")
	fs.BoolVar(&s.reveal, "reveal", false, "show secrets (codes, client secrets, refresh tokens, token signatures) in the output")
	fs.StringVar(&s.reportFile, "report", "", "also write the report to `FILE` (mode 0600): Markdown for a ticket when it ends in .md, JSON otherwise; redacted unless --reveal")
	fs.StringVar(&s.redactOut, "redact-out", "", "write a sanitised copy of the HAR file to `FILE` (mode 0600): cookies, Authorization, codes, secrets, passwords, refresh tokens and token signatures replaced, the rest byte for byte")
	fs.StringVar(&s.expectAud, "expect-aud", "", "audience the access tokens must carry (your API's identifier); default: the attempt's audience parameter")
	fs.StringVar(&s.expectIss, "expect-iss", "", "issuer the tokens must carry")
	s.calls.addFlags(fs, false, false)
	return cmd
}

func runHar(cmd *cobra.Command, s *harSettings, path string) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals...)
	defer stop()
	stderr := cmd.ErrOrStderr()
	// Before a long read: what cannot be written.
	if err := checkOutPath("--report", s.reportFile, "ticket.md"); err != nil {
		return err
	}
	if err := checkOutPath("--redact-out", s.redactOut, "redacted.har"); err != nil {
		return err
	}
	if err := checkNotClobbered(path, s); err != nil {
		return err
	}
	if path == "-" && stdinIsTerminal(cmd.InOrStdin()) {
		return usageErr("har - reads the HAR file from stdin, and stdin is this terminal: pipe the file in (authtrace har - < customer.har) or give its name (authtrace har customer.har)")
	}
	fromStdin := path == "-"
	if path == "-" && s.redactOut != "" {
		// The copy is a second pass over the input: keep stdin in a
		// file to read it twice.
		spooled, err := spool(cmd.InOrStdin())
		if err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		defer os.Remove(spooled)
		path = spooled
	}
	name := path
	if fromStdin {
		name = "stdin"
	}
	var calls flow.Config
	if err := s.calls.apply(&calls, nil, nil); err != nil {
		return err
	}
	rep, err := analyzeHAR(ctx, cmd, path, name, har.Options{Name: name, ExpectAud: s.expectAud, ExpectIss: s.expectIss})
	if err != nil {
		return err
	}
	if len(calls.Calls) > 0 {
		rep = callFromHAR(ctx, calls, rep, stderr)
	}
	raw := rep
	if !s.reveal {
		rep = rep.Redact()
	}
	out := cmd.OutOrStdout()
	switch {
	case s.jsonOut:
		if err := report.EncodeJSON(out, rep, "  "); err != nil {
			return &exitError{code: exitIncomplete, err: fmt.Errorf("writing the report: %w", err)}
		}
	case isTerminal(out) && stdinIsTerminal(cmd.InOrStdin()) && !fromStdin:
		// (From stdin, the keys would be the file's bytes: the text.)
		if err := showHAR(ctx, cmd, raw); err != nil {
			return err
		}
	default:
		if _, err := io.WriteString(out, report.Markdown(rep, decode.ReportClaims)); err != nil {
			return &exitError{code: exitIncomplete, err: fmt.Errorf("writing the report: %w", err)}
		}
	}
	if s.reportFile != "" {
		if err := writeReportFile(s.reportFile, rep); err != nil {
			return &exitError{code: exitIncomplete, err: err}
		}
		fmt.Fprintf(stderr, "· report written to %s\n", s.reportFile)
	}
	// The copy after the report: a file the copy cannot be made of (cut
	// short) still gets its report.
	if s.redactOut != "" {
		if err := redactHAR(ctx, path, s.redactOut, stderr); err != nil {
			code := exitUsage
			if ctx.Err() != nil {
				code = exitIncomplete
			}
			return &exitError{code: code, err: err}
		}
	}
	if rep.HasErrors() {
		return &exitError{code: exitFindings}
	}
	return nil
}

// callFromHAR makes the --call requests with the newest access token the
// HAR file holds (the last one its report decoded), or says there is none.
func callFromHAR(ctx context.Context, cfg flow.Config, rep report.Report, stderr io.Writer) report.Report {
	for i := len(rep.Tokens) - 1; i >= 0; i-- {
		t := rep.Tokens[i]
		if t.Kind != decode.KindAccess || t.Raw == "" {
			continue
		}
		if report.IsPlaceholder(t.Raw) || strings.Contains(t.Raw, report.Redacted) {
			fmt.Fprintln(stderr, "· --call: the HAR file's access token was sanitised (its signature or all of it replaced), so no API can accept it; the API was not called")
			rep.Findings = append(rep.Findings, flow.NotCalled("token_sanitised", "the HAR file's access token was sanitised (its signature or all of it replaced), so no API can accept it"))
			return rep
		}
		where := cmp.Or(t.Seen, "the token endpoint's answer")
		if t.Chain != "" {
			where += ", " + t.Chain
		}
		if exp, expired := flow.ExpiredAt(t.Raw, time.Now()); expired {
			fmt.Fprintf(stderr, "· --call: the HAR file's access token had expired (exp %s), so the API will refuse it whatever else is right; export a new HAR right after signing in, or use authtrace login --call\n", exp.UTC().Format("2006-01-02 15:04 UTC"))
		}
		fmt.Fprintf(stderr, "· calling the API with the HAR file's access token (%s)\n", report.Printable(where))
		return flow.CallWith(ctx, cfg, rep, t.Raw, flow.CallTokenHAR, nil)
	}
	fmt.Fprintln(stderr, "· --call: the HAR file holds no access token (no token answer in it, and no request with Authorization: Bearer), so the API was not called")
	rep.Findings = append(rep.Findings, flow.NotCalled("no_access_token", "the HAR file holds no access token (no token answer in it, and no request with Authorization: Bearer)"))
	return rep
}

// checkNotClobbered refuses output files that are the input or each
// other: the customer's only copy of the HAR must survive a typo.
func checkNotClobbered(path string, s *harSettings) error {
	same := func(a, b string) bool {
		if a == "" || b == "" || a == "-" || b == "-" {
			return false
		}
		fa, err1 := os.Stat(a)
		fb, err2 := os.Stat(b)
		if err1 != nil || err2 != nil {
			return filepath.Clean(a) == filepath.Clean(b) && err1 == nil == (err2 == nil)
		}
		return os.SameFile(fa, fb)
	}
	switch {
	case same(path, s.redactOut):
		return usageErr("--redact-out %s is the HAR file being read: give another name for the sanitised copy", s.redactOut)
	case same(path, s.reportFile):
		return usageErr("--report %s is the HAR file being read: give another name for the report (ticket.md)", s.reportFile)
	case s.reportFile != "" && filepath.Clean(s.reportFile) == filepath.Clean(s.redactOut):
		return usageErr("--report and --redact-out are both %s: give each its own file", s.reportFile)
	}
	return nil
}

// analyzeHAR reads the HAR file at path ("-" stdin), with progress on
// stderr for a big one, and words what cannot be read for the person.
func analyzeHAR(ctx context.Context, cmd *cobra.Command, path, name string, opt har.Options) (report.Report, error) {
	rc, size, err := har.Open(path, cmd.InOrStdin())
	if err != nil {
		return report.Report{}, &exitError{code: exitUsage, err: err}
	}
	defer rc.Close()
	stderr := cmd.ErrOrStderr()
	var bar *progress
	onDisk := size
	if fi, err := os.Stat(path); err == nil && path != "-" {
		onDisk = fi.Size() // compressed: size is not known (-1)
	}
	if onDisk > progressFrom || path == "-" {
		bar = newProgress(stderr, "reading "+name, size)
		opt.Progress = bar.set
	}
	// Ctrl-C while a big file is read: close it, so the read ends.
	stopClose := context.AfterFunc(ctx, func() { rc.Close() })
	rep, err := har.Analyze(rc, opt)
	stopClose()
	bar.end()
	if ctx.Err() != nil {
		return rep, &exitError{code: exitIncomplete, err: errors.New("stopped while reading the HAR file")}
	}
	if err != nil {
		return rep, &exitError{code: exitUsage, err: fmt.Errorf("%s: %w", report.Printable(name), err)}
	}
	return rep, nil
}

// readHARFile reads a HAR file for the TUI's setup form: as authtrace
// har does, without the progress line (the screen has its spinner).
func readHARFile(ctx context.Context, path string) (report.Report, error) {
	rc, _, err := har.Open(path, nil)
	if err != nil {
		return report.Report{}, err
	}
	defer rc.Close()
	stop := context.AfterFunc(ctx, func() { rc.Close() })
	defer stop()
	rep, err := har.Analyze(rc, har.Options{Name: path})
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	return rep, err
}

// showHAR opens the analysed report in the TUI: no browser to reopen, no
// refresh to make, the hops and findings as a login's.
func showHAR(ctx context.Context, cmd *cobra.Command, rep report.Report) error {
	cfg := flow.Config{AuthorizeURL: rep.Profile.AuthorizeURL, ClientID: rep.Profile.ClientID, RedirectURI: rep.Profile.RedirectURI}
	_, err := ui.Run(ctx, ui.Options{
		Start:   flow.Replay(rep),
		Config:  cfg,
		Input:   cmd.InOrStdin(),
		Output:  cmd.OutOrStdout(),
		Command: "har",
		// Token times as at the recording, as the Markdown words them:
		// "expired 3 days ago" says nothing about the login.
		Now: func() time.Time {
			if rep.Finished.IsZero() {
				return time.Now() // a file without times
			}
			return rep.Finished
		},
	})
	if err != nil && !errors.Is(err, ui.ErrStopped) {
		var se *ui.ScreenError
		if errors.As(err, &se) {
			return &exitError{code: exitIncomplete, err: err}
		}
	}
	return nil
}

// spool copies r to a temporary file (mode 0600) and returns its path.
func spool(r io.Reader) (string, error) {
	f, err := os.CreateTemp("", "authtrace-stdin-*.har")
	if err != nil {
		return "", err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("reading stdin: %w", err)
	}
	return f.Name(), f.Close()
}
