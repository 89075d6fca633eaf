package flow

import (
	"errors"
)

// OAuthError is an RFC 6749 §5.2 error response from a token endpoint.
type OAuthError struct {
	Code        string // error
	Description string // error_description
	URI         string // error_uri
	Status      int    // HTTP status
}

func (e *OAuthError) Error() string {
	s := "oauth2: " + e.Code
	if e.Description != "" {
		s += ": " + e.Description
	}
	return s
}

// tokenResponse is a token endpoint's answer, read leniently.
type tokenResponse struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
	IDToken      string
	Scope        string
	ExpiresIn    int64
	// Fields holds every top-level field as a string.
	Fields map[string]string
}

// readTokenResponse reads a token endpoint's body.
func readTokenResponse(status int, contentType string, body []byte) (resp tokenResponse, format string, err error) {
	return tokenResponse{}, "text", errors.New("not implemented")
}

// tokenErrorHint says what to change for a token endpoint error.
func tokenErrorHint(e *OAuthError, refresh bool) string {
	return ""
}
