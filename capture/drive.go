package capture

import (
	"context"
	"fmt"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// What a driver of the tab (Options.Drive) reads and does on
// oidc-provider's development login and consent pages, for the
// end-to-end tests: the same scripts the suite's own browser runs.

// PageState is what one look (LookJS) at the current document sees.
// Acted is set on a document this program already filled in or clicked:
// the next document (after the navigation that caused) does not have it.
type PageState struct {
	Href    string `json:"href"`
	Ready   string `json:"ready"`
	Kind    string `json:"kind"` // login, consent, other
	Acted   bool   `json:"acted"`
	Title   string `json:"title"`
	Text    string `json:"text"`
	HasForm bool   `json:"hasForm"`
}

// LookJS reads a PageState: a login page has login and password fields;
// a consent page oidc-provider's hidden prompt=consent, or authtrace
// demo's Allow button.
const LookJS = `(() => {
  const q = (s) => document.querySelector(s);
  let kind = 'other';
  if (q('input[name="login"]') && q('input[name="password"]')) kind = 'login';
  else if (q('input[type="hidden"][name="prompt"][value="consent"]') || q('button[name="answer"][value="allow"]')) kind = 'consent';
  return {
    href: location.href,
    ready: document.readyState,
    kind,
    acted: !!window.__e2eActed,
    title: document.title,
    text: (document.body ? document.body.innerText : '').slice(0, 600),
    hasForm: !!q('form'),
  };
})()`

// FillLoginJS (a format: user, password; an empty one keeps what the
// page filled in) and ConsentJS act through the page's own form and
// button, so the browser posts exactly what a person's click would.
const FillLoginJS = `((user, password) => {
  window.__e2eActed = true;
  const login = document.querySelector('input[name="login"]');
  const pw = document.querySelector('input[name="password"]');
  if (user) login.value = user;
  if (password) pw.value = password;
  const btn = login.form.querySelector('button[type="submit"], input[type="submit"]');
  if (btn) btn.click(); else login.form.submit();
  return true;
})(%q, %q)`

// DenyJS clicks Deny on the demo's consent page.
const DenyJS = `(() => {
  window.__e2eActed = true;
  document.querySelector('button[name="answer"][value="deny"]').click();
  return true;
})()`

const ConsentJS = `(() => {
  window.__e2eActed = true;
  const allow = document.querySelector('button[name="answer"][value="allow"]');
  if (allow) { allow.click(); return true; }
  const prompt = document.querySelector('input[type="hidden"][name="prompt"][value="consent"]');
  const btn = prompt.form.querySelector('button[type="submit"], input[type="submit"]');
  if (btn) btn.click(); else prompt.form.submit();
  return true;
})()`

// SignIn is a driver (Options.Drive) that signs in as user on every
// login page and consents on every consent page, until ctx ends.
func SignIn(user, password string) func(ctx context.Context) error {
	return signIn(user, password, ConsentJS)
}

// SignInDenying is SignIn that clicks Deny on the demo's consent page: the
// person who says no (authtrace demo --fault consent-denied).
func SignInDenying(user, password string) func(ctx context.Context) error {
	return signIn(user, password, DenyJS)
}

func signIn(user, password, consent string) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		return drive(ctx, func(st PageState) (string, bool) {
			switch st.Kind {
			case "login":
				return fmt.Sprintf(FillLoginJS, user, password), true
			case "consent":
				return consent, true
			}
			return "", true
		})
	}
}

// CloseAtLogin is a driver that closes the tab once the login page has
// loaded: a person who closes the window before signing in.
func CloseAtLogin(ctx context.Context) error {
	return drive(ctx, func(st PageState) (string, bool) {
		if st.Kind != "login" {
			return "", true
		}
		chromedp.Call(ctx, page.Close, cdp.Empty{}) //nolint:errcheck // the capture sees the tab go
		return "", false
	})
}

// drive looks at the document every 50ms and runs the script act gives
// for it (when not ""), until act says to stop or ctx ends.
func drive(ctx context.Context, act func(PageState) (js string, more bool)) error {
	for {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[PageState](LookJS))
		if err == nil && !st.Acted && st.Ready != "loading" {
			js, more := act(st)
			if !more {
				return nil
			}
			if js != "" {
				chromedp.Run(ctx, chromedp.Evaluate[bool](js)) //nolint:errcheck // the next look sees
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
