// Command soak runs many logins back to back in one process, the way the
// engine runs them for authtrace, and samples that process's resident
// memory, open file descriptors and goroutines, so that a leak (a listener
// left serving, a connection per login, a goroutine per callback) shows as
// growth. bench/soak.sh starts oidc-provider and runs it:
//
//	soak -issuer URL -browser PATH [-n 1000] [-every 50] [-port 53682]
//
// Each login is flow.Run against the issuer with the e2e browser helper
// (headless Chromium) signing in and consenting, code exchange and one
// refresh. A login fails when Run returns an error or the report has an
// error finding. It prints one line per sample and a summary; exit status 1
// when any login failed.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

func main() {
	n := flag.Int("n", 1000, "logins to run")
	every := flag.Int("every", 50, "sample after every this many logins")
	issuer := flag.String("issuer", "", "oidc-provider issuer URL")
	browser := flag.String("browser", "", "the e2e browser helper (go build ./e2e/browser)")
	port := flag.Int("port", 53682, "loopback callback port registered with the provider")
	flag.Parse()
	if *issuer == "" || *browser == "" || *n < 1 || *every < 1 {
		fmt.Fprintln(os.Stderr, "usage: soak -issuer URL -browser PATH [-n 1000] [-every 50] [-port 53682]")
		os.Exit(2)
	}
	cfg := flow.Config{
		Issuer:       *issuer,
		ClientID:     "app-post",
		ClientSecret: "post-secret",
		Scope:        "openid offline_access",
		Params:       []flow.Param{{Name: "prompt", Value: "consent"}},
		RedirectURI:  fmt.Sprintf("http://127.0.0.1:%d/callback", *port),
		Timeout:      60 * time.Second,
		OpenBrowser: func(u string) error {
			c := exec.Command(*browser, "-timeout", "40s", u)
			if err := c.Start(); err != nil {
				return err
			}
			go c.Wait() //nolint:errcheck // the login's outcome is what counts
			return nil
		},
	}
	fmt.Printf("%6s %8s %8s %6s %10s %8s\n", "login", "failed", "rss_kb", "fds", "goroutines", "ms/login")
	first := sample()
	peak := first
	failed := 0
	var reasons []string
	start, lap := time.Now(), time.Now()
	for i := 1; i <= *n; i++ {
		rep, err := flow.Run(context.Background(), cfg, nil)
		switch {
		case err != nil:
			failed++
			reasons = append(reasons, fmt.Sprintf("login %d: %v", i, err))
		case rep.HasErrors():
			failed++
			reasons = append(reasons, fmt.Sprintf("login %d: %s", i, errorCodes(rep)))
		}
		if i%*every == 0 || i == *n {
			// Let the browsers of the last logins exit and idle
			// connections close before counting.
			time.Sleep(200 * time.Millisecond)
			runtime.GC()
			s := sample()
			peak = s.max(peak)
			done := *every
			if i%*every != 0 {
				done = i % *every
			}
			fmt.Printf("%6d %8d %8d %6d %10d %8d\n", i, failed, s.rssKB, s.fds, s.goroutines, time.Since(lap).Milliseconds()/int64(done))
			lap = time.Now()
		}
	}
	last := sample()
	peak = last.max(peak)
	fmt.Printf("\n%d logins in %s, %d failed\n", *n, time.Since(start).Round(time.Second), failed)
	fmt.Printf("rss_kb first %d last %d peak %d; fds first %d last %d peak %d; goroutines first %d last %d peak %d\n",
		first.rssKB, last.rssKB, peak.rssKB, first.fds, last.fds, peak.fds, first.goroutines, last.goroutines, peak.goroutines)
	for i, r := range reasons {
		if i == 10 {
			fmt.Printf("... and %d more failures\n", len(reasons)-10)
			break
		}
		fmt.Println("failure:", r)
	}
	if failed > 0 {
		os.Exit(1)
	}
}

func errorCodes(rep report.Report) string {
	var codes []string
	for _, f := range rep.Findings {
		if f.Severity == report.SeverityError {
			codes = append(codes, f.Code)
		}
	}
	return strings.Join(codes, " ")
}

type stats struct{ rssKB, fds, goroutines int }

func (s stats) max(o stats) stats {
	return stats{max(s.rssKB, o.rssKB), max(s.fds, o.fds), max(s.goroutines, o.goroutines)}
}

// sample reads this process's figures; rss and fds are -1 where /proc
// does not exist (not Linux).
func sample() stats {
	s := stats{rssKB: -1, fds: -1, goroutines: runtime.NumGoroutine()}
	if f, err := os.Open("/proc/self/status"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
				fmt.Sscanf(strings.TrimSpace(rest), "%d", &s.rssKB)
			}
		}
		f.Close()
	}
	if ents, err := os.ReadDir("/proc/self/fd"); err == nil {
		s.fds = len(ents)
	}
	return s
}
