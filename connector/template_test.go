package connector

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestExpand(t *testing.T) {
	c := &Connector{Params: []Param{{Name: "token:customHost"}, {Name: "region"}}}
	o := &OAuth{Provider: ProviderOAuth2Generic, ClientID: "client 1", Scopes: []string{"read", "offline_access"},
		Custom: map[string]string{"scopelistdelimiter": ","}}
	tests := []struct {
		name        string
		tmpl        string
		ctx         context
		fill        Fill
		want        string
		wantMissing []string
	}{
		{"built-ins, query-escaped", "client_id={ClientId}&scope={Scopes}&state={State}", inQuery,
			Fill{State: "a+b_x"}, "client_id=client+1&scope=read%2Coffline_access&state=a%2Bb_x", nil},
		{"placeholders in any casing", "{clientid}|{REDIRECTURL}|{Scope}", inQuery,
			Fill{RedirectURL: "https://x/r"}, "client+1|https%3A%2F%2Fx%2Fr|read%2Coffline_access", nil},
		{"Fill's client id wins", "{ClientId}", inQuery, Fill{ClientID: "other"}, "other", nil},
		{"unknown placeholder sent literally", "code_challenge={CodeChallenge}", inQuery, Fill{}, "code_challenge=%7BCodeChallenge%7D", nil},
		{"connection parameter by bare name, token: prefix", "https://{customHost}/a/{token:customHost}", inURL,
			Fill{Params: map[string]string{"CUSTOMHOST": "acme.example.com"}}, "https://acme.example.com/a/acme.example.com", nil},
		{"URL context keeps a base URL whole", "{region}/oauth/token", inURL,
			Fill{Params: map[string]string{"region": "https://eu.example.com:8443/base"}}, "https://eu.example.com:8443/base/oauth/token", nil},
		{"URL context escapes what breaks an URL", "https://{region}/x", inURL,
			Fill{Params: map[string]string{"region": "a b\"<{}>\n"}}, "https://a%20b%22%3C%7B%7D%3E%0A/x", nil},
		{"URL context escapes what moves a value: # ? @ /", "https://{region}/x", inURL,
			Fill{Params: map[string]string{"region": "a@b/c?d#e"}}, "https://a%40b%2Fc%3Fd%23e/x", nil},
		{"a whole base URL keeps its / but not # ? @", "{region}/x", inURL,
			Fill{Params: map[string]string{"region": "https://u@h.example/p?q#f"}}, "https://u%40h.example/p%3Fq%23f/x", nil},
		{"a host and port go in as written", "https://{region}/x", inURL,
			Fill{Params: map[string]string{"region": "h.example:8443"}}, "https://h.example:8443/x", nil},
		{"a path segment escapes /", "{region}", inSegment,
			Fill{Params: map[string]string{"region": "a/b"}}, "a%2Fb", nil},
		{"a whole value goes in as written", "api://{region}/x", inValue,
			Fill{Params: map[string]string{"region": "a b&c"}}, "api://a b&c/x", nil},
		{"a whole value keeps an unknown placeholder for its own escaping", "api://{nope}", inValue, Fill{}, "api://{nope}", nil},
		{"missing parameter sent literally", "https://{customHost}/x", inURL, Fill{}, "https://%7BcustomHost%7D/x", []string{"token:customHost"}},
		{"missing parameter shown as is in a sample", "https://{customHost}/x", inURL, Fill{Sample: true}, "https://{customHost}/x", []string{"token:customHost"}},
		{"empty built-in shown as is in a sample", "code={Code}&secret={clientSecret}", inQuery, Fill{Sample: true}, "code={Code}&secret={clientSecret}", nil},
		{"empty built-in sent empty", "code={Code}", inQuery, Fill{}, "code=", nil},
		{"a value with braces is not expanded again", "state={State}&h={region}", inQuery,
			Fill{State: "{ClientId}", Params: map[string]string{"region": "{region}"}}, "state=%7BClientId%7D&h=%7Bregion%7D", nil},
		{"brace text that is no placeholder", `{"a": 1} { State}`, inQuery, Fill{}, `{"a": 1} { State}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &expander{o: o, c: c, f: tt.fill}
			got := e.expand(tt.tmpl, tt.ctx)
			if got != tt.want {
				t.Errorf("expand(%q) = %q, want %q", tt.tmpl, got, tt.want)
			}
			if diff := cmp.Diff(tt.wantMissing, e.missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRedirectID(t *testing.T) {
	for _, tt := range []struct{ name, want string }{
		{"Contoso Tasks_API", "contoso-20tasks-5fapi"},
		{"shared_acme-crm", "shared-5facme-2dcrm"},
		{"abc123", "abc123"},
	} {
		if got := RedirectID(tt.name); got != tt.want {
			t.Errorf("RedirectID(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEnvAndFlagName(t *testing.T) {
	for _, tt := range []struct{ param, env, flag string }{
		{"token:TenantId", "AUTHTRACE_CONN_TENANTID", "TenantId"},
		{"customHost", "AUTHTRACE_CONN_CUSTOMHOST", "customHost"},
		{"api-key.v2", "AUTHTRACE_CONN_API_KEY_V2", "api-key.v2"},
	} {
		if got := EnvName(tt.param); got != tt.env {
			t.Errorf("EnvName(%q) = %q, want %q", tt.param, got, tt.env)
		}
		if got := FlagName(tt.param); got != tt.flag {
			t.Errorf("FlagName(%q) = %q, want %q", tt.param, got, tt.flag)
		}
	}
}

func TestHostTemplated(t *testing.T) {
	for _, tt := range []struct {
		tmpl string
		want bool
	}{
		{"https://{host}/a", true},
		{"https://login.{region}.example/a", true},
		{"{base}/a", true},
		{"https://x.example/{tenant}/a", false},
		{"https://x.example/a?h={host}", false},
		{"https://x.example", false},
	} {
		if got := hostTemplated(tt.tmpl); got != tt.want {
			t.Errorf("hostTemplated(%q) = %v, want %v", tt.tmpl, got, tt.want)
		}
	}
}
