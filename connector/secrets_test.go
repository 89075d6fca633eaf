package connector

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

func TestLiteralSecrets(t *testing.T) {
	tests := []struct {
		name     string
		provider string
		secret   string
		custom   map[string]string
		want     []string
		wantKeys []string // the templates secret_in_file names
	}{
		{"placeholders are no secrets", ProviderOAuth2Generic, "", map[string]string{
			"tokenbodytemplate":             "client_secret={ClientSecret}&code={Code}",
			"tokenurlquerystringtemplate":   "?client_secret=%7BClientSecret%7D",
			"refreshbodytemplate":           "client_secret={clientsecret}",
			"authorizationurltemplate":      "https://x.example/a",
			"tokenurltemplate":              "https://x.example/t",
			"refreshurlquerystringtemplate": "client_secret=",
		}, nil, nil},
		{"clientSecret", ProviderOAuth2, " in-file-secret ", nil, []string{" in-file-secret ", "in-file-secret"}, nil},
		{"query template", ProviderOAuth2Generic, "", map[string]string{"tokenurlquerystringtemplate": "?grant=x&client_secret=q1"},
			[]string{"q1"}, []string{"tokenUrlQueryStringTemplate"}},
		{"URL with a query", ProviderOAuth2, "", map[string]string{"tokenurl": "https://x.example/token?Client_Secret=u%2B1"},
			[]string{"u%2B1", "u+1"}, []string{"tokenUrl"}},
		{"form body, any name of a credential", ProviderOAuth2Generic, "", map[string]string{"tokenbodytemplate": "code={Code}&client_secret=b1&password=pw&client_assertion=eyJ.x.y"},
			[]string{"b1", "pw", "eyJ.x.y"}, []string{"tokenBodyTemplate", "tokenBodyTemplate", "tokenBodyTemplate"}},
		{"JSON body", ProviderOAuth2Generic, "", map[string]string{"refreshbodytemplate": `{"client_secret": "j1", "grant_type": "refresh_token"}`},
			[]string{"j1"}, []string{"refreshBodyTemplate"}},
		{"userinfo", ProviderOAuth2Generic, "", map[string]string{"tokenurltemplate": "https://id:u1@x.example/token"},
			[]string{"u1"}, []string{"tokenUrlTemplate"}},
		{"a key the provider does not use", ProviderAAD, "", map[string]string{"resourceuri": "api://x", "tokenurl": "https://x/t?client_secret=k1"},
			[]string{"k1"}, []string{"tokenUrl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &OAuth{Path: "p", Provider: tt.provider, ClientID: "c", ClientSecret: tt.secret, Custom: tt.custom, customKeys: map[string]string{}}
			for k := range tt.custom {
				for _, known := range []string{"tokenUrlQueryStringTemplate", "tokenUrl", "tokenBodyTemplate", "refreshBodyTemplate", "tokenUrlTemplate"} {
					if strings.EqualFold(k, known) {
						o.customKeys[k] = known
					}
				}
			}
			got := o.LiteralSecrets()
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("LiteralSecrets (-want +got):\n%s", diff)
			}
			var keys []string
			for _, f := range Check(&Connector{OAuth: []*OAuth{o}}) {
				if f.Code == report.CodeConnectorSecretInFile && f.Detail["template"] != "" {
					keys = append(keys, f.Detail["template"])
				}
			}
			if diff := cmp.Diff(tt.wantKeys, keys); diff != "" {
				t.Errorf("secret_in_file templates (-want +got):\n%s", diff)
			}
		})
	}
}
