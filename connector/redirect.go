package connector

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/authtrace/authtrace/flow"
)

// redirectKind sorts a redirect URL: "global" (a consent host's
// /redirect), "per-connector" (/redirect/<id>), or "other".
func redirectKind(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || !flow.IsConsentHost(u.Host) {
		return "other"
	}
	path := strings.TrimSuffix(u.Path, "/")
	switch {
	case strings.EqualFold(path, "/redirect"):
		return "global"
	case strings.HasPrefix(strings.ToLower(path), "/redirect/") && !strings.Contains(path[len("/redirect/"):], "/"):
		return "per-connector"
	}
	return "other"
}

// RedirectID is the start of the per-connector redirect URL's last part
// for a connector's API name: the name in lower case, every character but
// a-z and 0-9 written -XX in hex (-5f for _, -20 for a space). The
// platform adds -<hex suffix> when it creates the connector, so the whole
// URL is known only from the connector's Security tab.
func RedirectID(apiName string) string {
	var b strings.Builder
	for _, c := range []byte(strings.ToLower(apiName)) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "-%02x", c)
	}
	return b.String()
}

// sampleRedirect is a per-connector redirect URL's shape for c.
func (c *Connector) sampleRedirect() string {
	id := "<api-name>"
	if c.APIName != "" {
		id = RedirectID(c.APIName)
	}
	return GlobalRedirectURL + "/" + id + "-<suffix>"
}
