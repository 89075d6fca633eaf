package decode

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authtrace/authtrace/report"
)

var testNow = time.Unix(testNowUnix, 0).UTC()

// at renders a NumericDate relative to testNow.
func at(d time.Duration) string { return fmt.Sprint(testNow.Add(d).Unix()) }

// fakeSigned is a token with the RS256 header and a placeholder signature:
// Check never looks at the signature.
// fakeSigned is an RS256 token with a signature of a 2048-bit key's size
// that no key made.
func fakeSigned(claims string) string {
	return unsigned(hdrRS256, claims) + "." + b64.EncodeToString(bytes.Repeat([]byte{0x5a}, 256))
}

// want is the part of a finding a test pins down: code, severity and the
// detail values named (other detail keys may be there too).
type want struct {
	code   string
	sev    report.Severity
	detail map[string]string
	hint   string // a word the hint must contain
}

func TestCheck(t *testing.T) {
	const (
		entraTid  = "72f988bf-86f1-41af-91ab-2d7cd011db47"
		apiGUID   = "6e74172b-be56-4843-9ff4-e66a39bb12e3"
		appIDURI  = "api://contoso-orders"
		clientID  = "0c5e1bd8-9c3a-4f5d-8e0b-2a1b3c4d5e6f"
		auth0Iss  = "https://tenant.eu.auth0.com/"
		auth0API  = "https://api.example.com"
		entraV1   = "https://sts.windows.net/" + entraTid + "/"
		entraV2   = "https://login.microsoftonline.com/" + entraTid + "/v2.0"
		validTime = `"iat":` + "1795950000" + `,"exp":` + "1795957200"
	)
	cases := []struct {
		name  string
		token string
		exp   Expect
		want  []want
	}{
		{
			name:  "clean access token",
			token: fakeSigned(typicalClaims),
			exp:   Expect{Audience: auth0API, Issuer: auth0Iss, Kind: KindAccess, Skew: DefaultSkew},
		},
		{
			name:  "opaque access token where an audience was expected",
			token: "Xk2c9VqA3b7-opaque_token",
			exp:   Expect{Audience: auth0API, Kind: KindAccess},
			want:  []want{{code: report.CodeAccessTokenOpaque, sev: report.SeverityError, hint: "audience"}},
		},
		{
			name:  "opaque access token, no audience expected",
			token: "Xk2c9VqA3b7-opaque_token",
			exp:   Expect{Kind: KindAccess},
			want:  []want{{code: report.CodeAccessTokenOpaque, sev: report.SeverityWarn, hint: "audience"}},
		},
		{
			name:  "opaque refresh token",
			token: "v1.MRrT2kPZ-refresh",
			exp:   Expect{Kind: KindRefresh},
		},
		{
			name:  "opaque ID token",
			token: "Xk2c9VqA3b7",
			exp:   Expect{Kind: KindID},
			want:  []want{{code: report.CodeJWTMalformed, sev: report.SeverityError, detail: map[string]string{"part": "token"}}},
		},
		{
			name:  "encrypted access token, audience expected",
			token: "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.YWJj.YWJj.YWJj.YWJj",
			exp:   Expect{Audience: auth0API, Kind: KindAccess},
			want: []want{
				{code: report.CodeAccessTokenOpaque, sev: report.SeverityError, detail: map[string]string{"expected": auth0API, "format": "jwe"}, hint: "audience"},
				{code: report.CodeJWTEncrypted, sev: report.SeverityInfo},
			},
		},
		{
			name:  "Auth0 userinfo JWE access token, audience expected",
			token: auth0JWE,
			exp:   Expect{Audience: auth0API, Kind: KindAccess},
			want: []want{
				{code: report.CodeAccessTokenOpaque, sev: report.SeverityError, detail: map[string]string{"expected": auth0API, "format": "jwe"}, hint: "/userinfo"},
				{code: report.CodeJWTEncrypted, sev: report.SeverityInfo},
			},
		},
		{
			name:  "Auth0 userinfo JWE access token, no audience expected",
			token: auth0JWE,
			exp:   Expect{Kind: KindAccess},
			want: []want{
				{code: report.CodeAccessTokenOpaque, sev: report.SeverityWarn, detail: map[string]string{"format": "jwe"}, hint: "Auth0"},
				{code: report.CodeJWTEncrypted, sev: report.SeverityInfo},
			},
		},
		{
			name:  "encrypted ID token is not an opaque access token",
			token: "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.YWJj.YWJj.YWJj.YWJj",
			exp:   Expect{Audience: auth0API, Kind: KindID},
			want:  []want{{code: report.CodeJWTEncrypted, sev: report.SeverityInfo}},
		},
		{
			name:  "RS256 signature cut short by a copy",
			token: unsigned(hdrRS256, claimsJSON(`"aud":"`+auth0API+`"`, validTime)) + ".c2lnbmF0",
			exp:   Expect{Audience: auth0API},
			want:  []want{{code: report.CodeJWTMalformed, sev: report.SeverityError, detail: map[string]string{"part": "signature", "reason": "truncated"}, hint: "Copy it whole"}},
		},
		{
			name:  "signed alg, empty signature",
			token: unsigned(hdrRS256, claimsJSON(`"aud":"`+auth0API+`"`, validTime)) + ".",
			exp:   Expect{Audience: auth0API},
			want:  []want{{code: report.CodeJWTMalformed, sev: report.SeverityError, detail: map[string]string{"part": "signature", "reason": "missing"}}},
		},
		{
			name:  "HS256 signature run into the next text",
			token: unsigned(`{"alg":"HS256"}`, claimsJSON(`"aud":"`+auth0API+`"`, validTime)) + "." + b64.EncodeToString(bytes.Repeat([]byte{1}, 40)),
			exp:   Expect{Audience: auth0API},
			want:  []want{{code: report.CodeJWTMalformed, sev: report.SeverityError, detail: map[string]string{"part": "signature", "reason": "too_long"}}},
		},
		{
			name:  "alg none",
			token: unsigned(`{"alg":"none"}`, claimsJSON(`"aud":"`+auth0API+`"`, validTime)) + ".",
			exp:   Expect{Audience: auth0API},
			want:  []want{{code: report.CodeJWTAlgNone, sev: report.SeverityError, detail: map[string]string{"alg": "none"}, hint: "sign"}},
		},
		{
			name:  "signed without alg",
			token: unsigned(`{"typ":"JWT"}`, claimsJSON(validTime)) + ".c2ln",
			want:  []want{{code: report.CodeJWTMalformed, sev: report.SeverityError, detail: map[string]string{"part": "header", "claim": "alg"}}},
		},
		{
			name:  "aud mismatch",
			token: fakeSigned(claimsJSON(`"iss":"https://idp.example.org"`, `"aud":"https://other.example.com"`, validTime)),
			exp:   Expect{Audience: auth0API, Kind: KindAccess},
			want: []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError,
				detail: map[string]string{"expected": auth0API, "actual": "https://other.example.com"}, hint: "resource="}},
		},
		{
			name:  "aud missing",
			token: fakeSigned(claimsJSON(validTime)),
			exp:   Expect{Audience: auth0API},
			want:  []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError, detail: map[string]string{"expected": auth0API, "actual": ""}}},
		},
		{
			name:  "auth0 userinfo only",
			token: fakeSigned(claimsJSON(`"iss":"`+auth0Iss+`"`, `"aud":"https://tenant.eu.auth0.com/userinfo"`, validTime)),
			exp:   Expect{Audience: auth0API, Kind: KindAccess},
			want: []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError,
				detail: map[string]string{"actual": "https://tenant.eu.auth0.com/userinfo"}, hint: "no `audience`"}},
		},
		{
			name:  "entra v1 token, API expects its client id",
			token: fakeSigned(claimsJSON(`"aud":"`+appIDURI+`"`, `"iss":"`+entraV1+`"`, `"ver":"1.0"`, validTime)),
			exp:   Expect{Audience: apiGUID, Kind: KindAccess},
			want:  []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError, hint: "accessTokenAcceptedVersion\": 2"}},
		},
		{
			name:  "entra v2 token, API expects its App ID URI",
			token: fakeSigned(claimsJSON(`"aud":"`+apiGUID+`"`, `"iss":"`+entraV2+`"`, `"ver":"2.0"`, validTime)),
			exp:   Expect{Audience: appIDURI, Kind: KindAccess},
			want:  []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError, hint: "v2.0 tokens carry the API's client id GUID, always"}},
		},
		{
			name:  "entra v2 token, API expects the App ID URI of the same GUID",
			token: fakeSigned(claimsJSON(`"aud":"`+apiGUID+`"`, `"iss":"`+entraV2+`"`, `"ver":"2.0"`, validTime)),
			exp:   Expect{Audience: "api://" + apiGUID, Kind: KindAccess},
			want: []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError,
				detail: map[string]string{"actual": apiGUID}, hint: "This is your API's token: an Entra v2.0 token always carries the API's client id GUID"}},
		},
		{
			name:  "entra v2 token names the manifest setting",
			token: fakeSigned(claimsJSON(`"aud":"`+apiGUID+`"`, `"iss":"`+entraV2+`"`, `"ver":"2.0"`, validTime)),
			exp:   Expect{Audience: "api://" + apiGUID, Kind: KindAccess},
			want:  []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError, hint: `"accessTokenAcceptedVersion": null`}},
		},
		{
			name:  "entra v2 token with the expected GUID",
			token: fakeSigned(claimsJSON(`"aud":"`+apiGUID+`"`, `"iss":"`+entraV2+`"`, `"ver":"2.0"`, validTime)),
			exp:   Expect{Audience: apiGUID, Kind: KindAccess},
		},
		{
			name:  "entra v1 token with the client id where the App ID URI was expected",
			token: fakeSigned(claimsJSON(`"aud":"`+apiGUID+`"`, `"iss":"`+entraV1+`"`, `"ver":"1.0"`, validTime)),
			exp:   Expect{Audience: "api://" + apiGUID, Kind: KindAccess},
			want: []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityWarn,
				detail: map[string]string{"kind": "entra_v1_other_form", "actual": apiGUID}, hint: "Both are the same API"}},
		},
		{
			name:  "entra v1 token with the App ID URI where the client id was expected",
			token: fakeSigned(claimsJSON(`"aud":"api://`+apiGUID+`"`, `"iss":"`+entraV1+`"`, `"ver":"1.0"`, validTime)),
			exp:   Expect{Audience: apiGUID, Kind: KindAccess},
			want: []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityWarn,
				detail: map[string]string{"kind": "entra_v1_other_form"}, hint: "accept both in the API"}},
		},
		{
			name:  "entra v1 token by its ver claim, with another API's client id",
			token: fakeSigned(claimsJSON(`"aud":"`+clientID+`"`, `"iss":"https://login.microsoftonline.com/`+entraTid+`/"`, `"ver":"1.0"`, validTime)),
			exp:   Expect{Audience: appIDURI, Kind: KindAccess},
			want:  []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError, hint: "set the connector's Resource URL to the App ID URI " + appIDURI}},
		},
		{
			name:  "not Entra: the two forms are two audiences",
			token: fakeSigned(claimsJSON(`"aud":"`+apiGUID+`"`, `"iss":"https://idp.example.org"`, validTime)),
			exp:   Expect{Audience: "api://" + apiGUID, Kind: KindAccess},
			want:  []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError, hint: "another API"}},
		},
		{
			name:  "entra graph token",
			token: fakeSigned(claimsJSON(`"aud":"00000003-0000-0000-c000-000000000000"`, `"iss":"`+entraV1+`"`, validTime)),
			exp:   Expect{Audience: appIDURI, Kind: KindAccess},
			want:  []want{{code: report.CodeJWTAudMismatch, sev: report.SeverityError, hint: "Microsoft Graph"}},
		},
		{
			name:  "azure management portal token",
			token: fakeSigned(claimsJSON(`"aud":"https://management.azure.com/"`, `"iss":"`+entraV1+`"`, validTime)),
			exp:   Expect{Audience: appIDURI, Kind: KindAccess},
			want: []want{
				{code: report.CodeJWTAudAzureMgmt, sev: report.SeverityWarn, hint: "server-side"},
				{code: report.CodeJWTAudMismatch, sev: report.SeverityError, hint: "portal"},
			},
		},
		{
			name:  "azure management without expectations",
			token: fakeSigned(claimsJSON(`"aud":["https://management.core.windows.net/"]`, validTime)),
			want:  []want{{code: report.CodeJWTAudAzureMgmt, sev: report.SeverityWarn}},
		},
		{
			name:  "an ID token listing the API beside the client is not the portal's token",
			token: fakeSigned(claimsJSON(`"aud":["https://management.azure.com/","`+clientID+`"]`, `"nonce":"n1"`, validTime)),
			exp:   Expect{ClientID: clientID, Nonce: "n1", Audience: appIDURI, Kind: KindID},
		},
		{
			name:  "aud of the wrong type",
			token: fakeSigned(claimsJSON(`"aud":42`, validTime)),
			exp:   Expect{Audience: auth0API},
			want:  []want{{code: report.CodeJWTMalformed, sev: report.SeverityError, detail: map[string]string{"claim": "aud"}}},
		},
		{
			name:  "iss mismatch",
			token: fakeSigned(claimsJSON(`"iss":"https://login.example.org/"`, validTime)),
			exp:   Expect{Issuer: auth0Iss},
			want: []want{{code: report.CodeJWTIssMismatch, sev: report.SeverityError,
				detail: map[string]string{"expected": auth0Iss, "actual": "https://login.example.org/"}}},
		},
		{
			name:  "iss trailing slash",
			token: fakeSigned(claimsJSON(`"iss":"https://tenant.eu.auth0.com"`, validTime)),
			exp:   Expect{Issuer: auth0Iss},
			want:  []want{{code: report.CodeJWTIssMismatch, sev: report.SeverityError, detail: map[string]string{"kind": "trailing_slash"}}},
		},
		{
			name:  "iss entra v1 vs v2",
			token: fakeSigned(claimsJSON(`"iss":"`+entraV1+`"`, validTime)),
			exp:   Expect{Issuer: entraV2},
			want:  []want{{code: report.CodeJWTIssMismatch, sev: report.SeverityError, detail: map[string]string{"kind": "entra_version"}}},
		},
		{
			name:  "expired",
			token: fakeSigned(claimsJSON(`"iat":`+at(-4*time.Hour), `"exp":`+at(-3*time.Hour-12*time.Minute))),
			exp:   Expect{Skew: DefaultSkew},
			want: []want{{code: report.CodeJWTExpired, sev: report.SeverityError,
				detail: map[string]string{"exp": "2026-11-29T08:48:00Z", "skew": "1m0s", "lifetime": "48m0s"}, hint: "refresh"}},
		},
		{
			name:  "expired within the skew",
			token: fakeSigned(claimsJSON(`"exp":` + at(-59*time.Second))),
			exp:   Expect{Skew: DefaultSkew},
		},
		{
			name:  "expired just past the skew",
			token: fakeSigned(claimsJSON(`"exp":` + at(-61*time.Second))),
			exp:   Expect{Skew: DefaultSkew},
			want:  []want{{code: report.CodeJWTExpired, sev: report.SeverityError}},
		},
		{
			name:  "expired without skew",
			token: fakeSigned(claimsJSON(`"exp":` + at(-time.Second))),
			want:  []want{{code: report.CodeJWTExpired, sev: report.SeverityError, detail: map[string]string{"skew": "0s"}}},
		},
		{
			name:  "exp as a string",
			token: fakeSigned(claimsJSON(`"exp":"1795957200"`)),
			want:  []want{{code: report.CodeJWTMalformed, sev: report.SeverityError, detail: map[string]string{"part": "claims", "claim": "exp"}}},
		},
		{
			name:  "not yet valid",
			token: fakeSigned(claimsJSON(`"nbf":`+at(5*time.Minute), `"exp":`+at(time.Hour))),
			exp:   Expect{Skew: DefaultSkew},
			want:  []want{{code: report.CodeJWTNotYetValid, sev: report.SeverityError, detail: map[string]string{"skew": "1m0s"}, hint: "clock"}},
		},
		{
			name:  "issued in the future",
			token: fakeSigned(claimsJSON(`"iat":`+at(10*time.Minute), `"exp":`+at(time.Hour))),
			exp:   Expect{Skew: DefaultSkew},
			want:  []want{{code: report.CodeJWTIatFuture, sev: report.SeverityWarn, hint: "clock"}},
		},
		{
			name:  "id token for another client",
			token: fakeSigned(claimsJSON(`"aud":"someone-else"`, `"nonce":"n1"`, validTime)),
			exp:   Expect{ClientID: clientID, Nonce: "n1", Audience: auth0API, Kind: KindID},
			want: []want{{code: report.CodeIDTokenAudNotClient, sev: report.SeverityError,
				detail: map[string]string{"expected": clientID, "actual": "someone-else"}}},
		},
		{
			name:  "id token with several audiences and another azp",
			token: fakeSigned(claimsJSON(`"aud":["`+clientID+`","other"]`, `"azp":"other"`, validTime)),
			exp:   Expect{ClientID: clientID, Kind: KindID},
			want:  []want{{code: report.CodeIDTokenAudNotClient, sev: report.SeverityWarn, detail: map[string]string{"claim": "azp"}}},
		},
		{
			name:  "id token nonce differs",
			token: fakeSigned(claimsJSON(`"aud":"`+clientID+`"`, `"nonce":"other"`, validTime)),
			exp:   Expect{ClientID: clientID, Nonce: "n1", Kind: KindID},
			want: []want{{code: report.CodeIDTokenNonceMismatch, sev: report.SeverityError,
				detail: map[string]string{"expected": "n1", "actual": "other"}}},
		},
		{
			name:  "id token nonce missing",
			token: fakeSigned(claimsJSON(`"aud":"`+clientID+`"`, validTime)),
			exp:   Expect{ClientID: clientID, Nonce: "n1", Kind: KindID},
			want:  []want{{code: report.CodeIDTokenNonceMismatch, sev: report.SeverityError, detail: map[string]string{"actual": ""}}},
		},
		{
			name:  "id token checks skipped for access tokens",
			token: fakeSigned(claimsJSON(`"aud":"`+auth0API+`"`, validTime)),
			exp:   Expect{ClientID: clientID, Nonce: "n1", Audience: auth0API, Kind: KindAccess},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.token)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := Check(tok, tc.exp, testNow)
			var gotCodes, wantCodes []string
			for _, f := range got {
				gotCodes = append(gotCodes, f.Code+"/"+string(f.Severity))
			}
			for _, w := range tc.want {
				wantCodes = append(wantCodes, w.code+"/"+string(w.sev))
			}
			if diff := cmp.Diff(wantCodes, gotCodes); diff != "" {
				t.Fatalf("findings (-want +got):\n%s\n%+v", diff, got)
			}
			for i, w := range tc.want {
				f := got[i]
				if f.Token != tc.exp.Kind {
					t.Errorf("%s: Token = %q, want %q", f.Code, f.Token, tc.exp.Kind)
				}
				if f.Message == "" || f.Hint == "" {
					t.Errorf("%s: message %q hint %q: both must be set", f.Code, f.Message, f.Hint)
				}
				if !strings.Contains(f.Hint, w.hint) {
					t.Errorf("%s: hint %q does not mention %q", f.Code, f.Hint, w.hint)
				}
				for k, v := range w.detail {
					if f.Detail[k] != v {
						t.Errorf("%s: detail[%s] = %q, want %q (detail %v)", f.Code, k, f.Detail[k], v, f.Detail)
					}
				}
			}
		})
	}
}

// auth0JWE is the shape of the access token Auth0 issues for /userinfo
// when the authorize request has no audience: {"alg":"dir","enc":"A256GCM",
// "iss":"https://acme.auth0.com/"}, five segments, the key segment empty.
var auth0JWE = b64.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM","iss":"https://acme.auth0.com/"}`)) + "..YWJjZGVmZ2hpamts.YWJj.YWJjZGVmZ2hpamtsbW5vcA"

// TestCheckAuth0JWEHint: the hint names Auth0's userinfo token only when
// the JWE's header says it comes from an auth0.com host.
func TestCheckAuth0JWEHint(t *testing.T) {
	for _, tc := range []struct {
		name, token string
		auth0       bool
	}{
		{"auth0.com issuer", auth0JWE, true},
		{"regional auth0.com issuer", b64.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM","iss":"https://acme.eu.auth0.com/"}`)) + "..YWJj.YWJj.YWJj", true},
		{"look-alike host", b64.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM","iss":"https://auth0.com.evil.example/"}`)) + "..YWJj.YWJj.YWJj", false},
		{"no iss", b64.EncodeToString([]byte(`{"alg":"dir","enc":"A256GCM"}`)) + "..YWJj.YWJj.YWJj", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok, err := Parse(tc.token)
			if err != nil {
				t.Fatal(err)
			}
			fs := Check(tok, Expect{Audience: "https://api.acme.example", Kind: KindAccess}, testNow)
			if len(fs) == 0 || fs[0].Code != report.CodeAccessTokenOpaque {
				t.Fatalf("findings %+v, want access_token.opaque first", fs)
			}
			says := strings.Contains(fs[0].Hint, "Auth0's token for its /userinfo endpoint")
			if says != tc.auth0 {
				t.Errorf("hint names Auth0's userinfo token = %v, want %v: %s", says, tc.auth0, fs[0].Hint)
			}
			if !strings.Contains(fs[0].Message, "JWE") || !strings.Contains(fs[0].Hint, "audience=https://api.acme.example") {
				t.Errorf("message %q / hint %q: want the JWE form named and the audience to add", fs[0].Message, fs[0].Hint)
			}
		})
	}
}

func TestCheckNil(t *testing.T) {
	if got := Check(nil, Expect{Audience: "x"}, testNow); got != nil {
		t.Errorf("Check(nil) = %v, want nil", got)
	}
}

func TestInspectMalformed(t *testing.T) {
	tok, got := Inspect("eyJhbGciOiJSUzI1NiJ9.e30", Expect{Kind: KindAccess}, testNow)
	if tok != nil {
		t.Errorf("token = %+v, want nil", tok)
	}
	if len(got) != 1 || got[0].Code != report.CodeJWTMalformed || got[0].Severity != report.SeverityError || got[0].Token != KindAccess {
		t.Fatalf("findings = %+v, want one jwt.malformed error for access_token", got)
	}
	if got[0].Detail["part"] != "token" || !strings.Contains(got[0].Message, "segments") {
		t.Errorf("finding %+v does not say which part is wrong", got[0])
	}
}

// TestCheckDeterministic: Check is pure; the same input gives the same
// findings.
func TestCheckDeterministic(t *testing.T) {
	tok, _ := Parse(fakeSigned(claimsJSON(`"aud":"x"`, `"iss":"y"`, `"exp":1`)))
	exp := Expect{Audience: "a", Issuer: "b", Skew: DefaultSkew}
	first := Check(tok, exp, testNow)
	for range 3 {
		if diff := cmp.Diff(first, Check(tok, exp, testNow)); diff != "" {
			t.Fatalf("Check not deterministic:\n%s", diff)
		}
	}
}

func FuzzCheck(f *testing.F) {
	f.Add(fakeSigned(typicalClaims), "https://api.example.com", "https://tenant.eu.auth0.com/", "id_token", int64(60))
	f.Add(fakeSigned(`{"aud":["https://management.azure.com/"],"exp":"x","nbf":1e308,"iat":-1e20}`), "api://x", "", "", int64(-5))
	f.Add(unsigned(`{"alg":"none"}`, `{"aud":null,"iss":1,"nonce":{}}`)+".", "", "i", "id_token", int64(0))
	f.Add("opaque-token", "a", "b", "access_token", int64(1))
	f.Fuzz(func(t *testing.T, raw, aud, iss, kind string, skewSec int64) {
		exp := Expect{Audience: aud, Issuer: iss, ClientID: aud, Nonce: iss, Kind: kind, Skew: time.Duration(skewSec) * time.Second}
		_, findings := Inspect(raw, exp, testNow)
		for _, f := range findings {
			if f.Code == "" || f.Message == "" || f.Hint == "" {
				t.Fatalf("incomplete finding %+v", f)
			}
			switch f.Severity {
			case report.SeverityError, report.SeverityWarn, report.SeverityInfo:
			default:
				t.Fatalf("finding %s has severity %q", f.Code, f.Severity)
			}
		}
	})
}
