package flow

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadTokenResponse(t *testing.T) {
	const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
	tests := []struct {
		name       string
		status     int
		ct         string
		body       string
		want       tokenResponse
		wantFormat string
		wantOAuth  *OAuthError // when the error is an *OAuthError
		wantErr    error       // when it wraps this sentinel
	}{
		{
			name: "json", status: 200, ct: "application/json; charset=utf-8",
			body:       `{"access_token":"` + jwt + `","token_type":"Bearer","expires_in":3600,"refresh_token":"r1","id_token":"i1","scope":"openid offline_access"}`,
			wantFormat: formatJSON,
			want: tokenResponse{
				AccessToken: jwt, TokenType: "Bearer", RefreshToken: "r1", IDToken: "i1", Scope: "openid offline_access", ExpiresIn: 3600,
				Fields: map[string]string{"access_token": jwt, "token_type": "Bearer", "expires_in": "3600", "refresh_token": "r1", "id_token": "i1", "scope": "openid offline_access"},
			},
		},
		{
			name: "expires_in as a string, Entra v1 style", status: 200, ct: "application/json",
			body:       `{"token_type":"Bearer","expires_in":"3599","ext_expires_in":"3599","expires_on":"1732893600","resource":"https://api","access_token":"a"}`,
			wantFormat: formatJSON,
			want: tokenResponse{
				AccessToken: "a", TokenType: "Bearer", ExpiresIn: 3599,
				Fields: map[string]string{"token_type": "Bearer", "expires_in": "3599", "ext_expires_in": "3599", "expires_on": "1732893600", "resource": "https://api", "access_token": "a"},
			},
		},
		{
			name: "expires_in as a float, nested and null fields", status: 200, ct: "application/json",
			body:       `{"access_token":"a","expires_in":3599.9,"refresh_token":null,"authorization_details":[{"type":"x"}],"active":true}`,
			wantFormat: formatJSON,
			want: tokenResponse{
				AccessToken: "a", ExpiresIn: 3599,
				Fields: map[string]string{"access_token": "a", "expires_in": "3599.9", "refresh_token": "", "authorization_details": `[{"type":"x"}]`, "active": "true"},
			},
		},
		{
			name: "JSON sent as text/html", status: 200, ct: "text/html",
			body:       ` {"access_token":"a","expires":"60"}`,
			wantFormat: formatJSON,
			want:       tokenResponse{AccessToken: "a", ExpiresIn: 60, Fields: map[string]string{"access_token": "a", "expires": "60"}},
		},
		{
			name: "form-encoded", status: 200, ct: "application/x-www-form-urlencoded",
			body:       "access_token=a%2Bb&token_type=bearer&expires_in=7200&scope=repo+user",
			wantFormat: formatForm,
			want: tokenResponse{
				AccessToken: "a+b", TokenType: "bearer", Scope: "repo user", ExpiresIn: 7200,
				Fields: map[string]string{"access_token": "a+b", "token_type": "bearer", "expires_in": "7200", "scope": "repo user"},
			},
		},
		{
			name: "form in text/plain, GitHub style", status: 200, ct: "text/plain; charset=utf-8",
			body:       "access_token=gho_x&scope=&token_type=bearer",
			wantFormat: formatForm,
			want: tokenResponse{
				AccessToken: "gho_x", TokenType: "bearer",
				Fields: map[string]string{"access_token": "gho_x", "scope": "", "token_type": "bearer"},
			},
		},
		{
			name: "error with HTTP 200", status: 200, ct: "application/json",
			body:       `{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired.","error_uri":"https://docs.github.com/x"}`,
			wantFormat: formatJSON,
			want:       tokenResponse{Fields: map[string]string{"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired.", "error_uri": "https://docs.github.com/x"}},
			wantOAuth:  &OAuthError{Code: "bad_verification_code", Description: "The code passed is incorrect or expired.", URI: "https://docs.github.com/x", Status: 200},
		},
		{
			name: "form error with HTTP 200", status: 200, ct: "application/x-www-form-urlencoded",
			body:       "error=invalid_grant&error_description=expired",
			wantFormat: formatForm,
			want:       tokenResponse{Fields: map[string]string{"error": "invalid_grant", "error_description": "expired"}},
			wantOAuth:  &OAuthError{Code: "invalid_grant", Description: "expired", Status: 200},
		},
		{
			name: "invalid_grant 400", status: 400, ct: "application/json",
			body:       `{"error":"invalid_grant","error_description":"grant request is invalid"}`,
			wantFormat: formatJSON,
			want:       tokenResponse{Fields: map[string]string{"error": "invalid_grant", "error_description": "grant request is invalid"}},
			wantOAuth:  &OAuthError{Code: "invalid_grant", Description: "grant request is invalid", Status: 400},
		},
		{
			name: "invalid_client 401", status: 401, ct: "application/json",
			body:       `{"error":"invalid_client","error_description":"client authentication failed"}`,
			wantFormat: formatJSON,
			want:       tokenResponse{Fields: map[string]string{"error": "invalid_client", "error_description": "client authentication failed"}},
			wantOAuth:  &OAuthError{Code: "invalid_client", Description: "client authentication failed", Status: 401},
		},
		{
			name: "error as an object", status: 401, ct: "application/json",
			body:       `{"error":{"code":"invalid_client","message":"Client secret is wrong"}}`,
			wantFormat: formatJSON,
			want:       tokenResponse{Fields: map[string]string{"error": `{"code":"invalid_client","message":"Client secret is wrong"}`}},
			wantOAuth:  &OAuthError{Code: "invalid_client", Description: "Client secret is wrong", Status: 401},
		},
		{
			name: "500 JSON without error", status: 500, ct: "application/json",
			body:       `{"message":"internal"}`,
			wantFormat: formatJSON,
			want:       tokenResponse{Fields: map[string]string{"message": "internal"}},
			wantOAuth:  &OAuthError{Status: 500},
		},
		{
			name: "502 empty body", status: 502, ct: "",
			wantFormat: formatText,
			wantOAuth:  &OAuthError{Status: 502},
		},
		{
			name: "HTML page from a wrong token URL", status: 200, ct: "text/html; charset=utf-8",
			body:       "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form>...</form></body></html>",
			wantFormat: formatHTML,
			wantErr:    errTokenNotJSON,
		},
		{
			name: "HTML 404 with a JSON content type", status: 404, ct: "application/json",
			body:       "<html><body><h1>404 Not Found</h1></body></html>",
			wantFormat: formatHTML,
			wantErr:    errTokenNotJSON,
		},
		{
			name: "plain text", status: 200, ct: "text/plain",
			body:       "OK",
			wantFormat: formatText,
			wantErr:    errTokenNotJSON,
		},
		{
			name: "200 empty body", status: 200, ct: "application/json",
			wantFormat: formatText,
			wantErr:    errTokenNotJSON,
		},
		{
			name: "broken JSON", status: 200, ct: "application/json",
			body:       `{"access_token":"a",`,
			wantFormat: formatJSON,
			wantErr:    errTokenMalformed,
		},
		{
			name: "JSON array", status: 200, ct: "application/json",
			body:       `[{"access_token":"a"}]`,
			wantFormat: formatJSON,
			wantErr:    errTokenMalformed,
		},
		{
			name: "success without access_token", status: 200, ct: "application/json",
			body:       `{"token_type":"Bearer","expires_in":3600}`,
			wantFormat: formatJSON,
			want:       tokenResponse{TokenType: "Bearer", ExpiresIn: 3600, Fields: map[string]string{"token_type": "Bearer", "expires_in": "3600"}},
			wantErr:    errTokenNoAccessToken,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, format, err := readTokenResponse(tt.status, tt.ct, []byte(tt.body))
			if format != tt.wantFormat {
				t.Errorf("format = %q, want %q", format, tt.wantFormat)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("response mismatch (-want +got):\n%s", diff)
			}
			var oerr *OAuthError
			switch {
			case tt.wantOAuth != nil:
				if !errors.As(err, &oerr) {
					t.Fatalf("err = %v, want an *OAuthError", err)
				}
				if diff := cmp.Diff(tt.wantOAuth, oerr); diff != "" {
					t.Errorf("OAuthError mismatch (-want +got):\n%s", diff)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if errors.As(err, &oerr) {
					t.Errorf("err = %v is an *OAuthError, want not", err)
				}
			case err != nil:
				t.Fatalf("err = %v, want nil", err)
			}
		})
	}
}

func TestReadTokenResponseErrorNamesContentType(t *testing.T) {
	_, _, err := readTokenResponse(404, "text/html; charset=utf-8", []byte("<html><body><h1>Not Found</h1><p>The page /oauth/tokn does not exist</p></body></html>"))
	for _, want := range []string{"HTTP 404", `content type "text/html; charset=utf-8"`, "Not Found The page /oauth/tokn does not exist"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to contain %q", err, want)
		}
	}
}

func TestOAuthErrorString(t *testing.T) {
	tests := []struct {
		err  *OAuthError
		want string
	}{
		{&OAuthError{Code: "invalid_grant", Description: "expired", Status: 400}, "token endpoint error invalid_grant: expired (HTTP 400)"},
		{&OAuthError{Code: "invalid_client"}, "token endpoint error invalid_client"},
		{&OAuthError{Status: 502}, "token endpoint answered HTTP 502 without an error code"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseSeconds(t *testing.T) {
	tests := map[string]int64{
		"3600": 3600, " 3600 ": 3600, "3599.9": 3599, "-1": -1, "": 0, "abc": 0, "NaN": 0, "inf": 0,
		"1e400": math.MaxInt64, "-1e400": math.MinInt64, "9223372036854775808": math.MaxInt64,
	}
	for in, want := range tests {
		if got := parseSeconds(in); got != want {
			t.Errorf("parseSeconds(%q) = %d, want %d", in, got, want)
		}
	}
}

func FuzzReadTokenResponse(f *testing.F) {
	f.Add(200, "application/json", []byte(`{"access_token":"a","expires_in":"3600","refresh_token":null}`))
	f.Add(200, "application/x-www-form-urlencoded", []byte("access_token=a&expires_in=1e3"))
	f.Add(400, "application/json", []byte(`{"error":{"code":"x","message":"y"}}`))
	f.Add(200, "text/html", []byte("<html><body>login</body></html>"))
	f.Add(502, "", []byte(""))
	f.Add(200, "text/plain", []byte("error=invalid_grant&x=%zz"))
	f.Add(200, "application/json; charset=\"", []byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		resp, format, err := readTokenResponse(status, ct, body)
		switch format {
		case formatJSON, formatForm, formatHTML, formatText:
		default:
			t.Fatalf("format = %q", format)
		}
		var oerr *OAuthError
		if errors.As(err, &oerr) && oerr.Status != status {
			t.Fatalf("OAuthError.Status = %d, want %d", oerr.Status, status)
		}
		if err == nil {
			if resp.AccessToken == "" {
				t.Fatalf("no error but no access token: %+v", resp)
			}
			if status < 200 || status > 299 {
				t.Fatalf("no error with HTTP %d", status)
			}
		}
		if err != nil && err.Error() == "" {
			t.Fatalf("empty error message")
		}
	})
}

func BenchmarkReadTokenResponse(b *testing.B) {
	body := []byte(`{"access_token":"eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJodHRwczovL2FjbWUuYXV0aDAuY29tLyIsInN1YiI6ImF1dGgwfDEyMyIsImF1ZCI6Imh0dHBzOi8vYXBpLmFjbWUuY29tIiwiZXhwIjoxNzMyODkzNjAwfQ.c2lnbmF0dXJl","token_type":"Bearer","expires_in":86400,"refresh_token":"v1.MjE0NzQ4MzY0Nw","id_token":"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln","scope":"openid profile offline_access"}`)
	form := []byte("access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer")
	b.Run("json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, _, err := readTokenResponse(200, "application/json", body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("form", func(b *testing.B) {
		b.SetBytes(int64(len(form)))
		for b.Loop() {
			if _, _, err := readTokenResponse(200, "text/plain", form); err != nil {
				b.Fatal(err)
			}
		}
	})
}
