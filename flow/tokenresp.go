package flow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"mime"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// OAuthError is an error response from a token endpoint (RFC 6749 §5.2),
// also when it came with HTTP 200 or form-encoded. Code is empty when the
// endpoint answered a non-2xx status without an error code.
type OAuthError struct {
	Code        string // error
	Description string // error_description
	URI         string // error_uri
	Status      int    // HTTP status
}

func (e *OAuthError) Error() string {
	var b strings.Builder
	b.WriteString("token endpoint")
	if e.Code != "" {
		b.WriteString(" error " + e.Code)
	} else {
		fmt.Fprintf(&b, " answered HTTP %d without an error code", e.Status)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Code != "" && e.Status != 0 {
		fmt.Fprintf(&b, " (HTTP %d)", e.Status)
	}
	return b.String()
}

// Errors readTokenResponse wraps, for errors.Is.
var (
	// errTokenNotJSON: the body is an HTML page or plain text (a wrong
	// Token URL, a proxy's error page). Worth token.not_json with the
	// content type.
	errTokenNotJSON = errors.New("token response is not JSON")
	// errTokenMalformed: the body claims to be JSON (or form) and does not
	// parse, or is JSON but not an object.
	errTokenMalformed = errors.New("token response does not parse")
	// errTokenNoAccessToken: a success answer without access_token.
	errTokenNoAccessToken = errors.New("token response has no access_token")
)

// Formats of a token-endpoint body, as readTokenResponse read it.
const (
	formatJSON = "json"
	formatForm = "form"
	formatHTML = "html"
	formatText = "text"
)

// tokenResponse is a token endpoint's answer, read leniently.
type tokenResponse struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
	IDToken      string
	Scope        string
	// ExpiresIn is in seconds, from a number, a numeric string or a
	// float; 0 when absent or unreadable.
	ExpiresIn int64
	// ExpiresInProblem says what is odd about the lifetime as sent (not
	// a number, negative, absurdly long); "" when it is fine or absent.
	ExpiresInProblem string
	// Fields holds every top-level field as a string: strings as they
	// are, numbers and booleans as written, null as "", objects and
	// arrays as compact JSON.
	Fields map[string]string
}

// readTokenResponse reads a token endpoint's answer the lenient way
// golang.org/x/oauth2 does: JSON whenever the body is a JSON object,
// whatever the content type says, form-encoding (application/x-www-form-urlencoded,
// or text/plain as GitHub sends), expires_in as a number or a string, and
// an error in the body whatever the status.
//
// format is how the body was read: json, form, html or text; form is read
// successfully but still deserves token.not_json. err is an *OAuthError
// when the body carries `error` (also with HTTP 200) or the status is not
// 2xx; errTokenNotJSON for an HTML or text body; errTokenMalformed for a
// body that does not parse; errTokenNoAccessToken for a success without an
// access token. resp holds what could be read in every case.
func readTokenResponse(status int, contentType string, body []byte) (resp tokenResponse, format string, err error) {
	media := mediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	ok2xx := status >= 200 && status < 300

	switch {
	case len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		format = formatJSON
		resp.Fields, err = jsonFields(trimmed)
		if err != nil {
			return resp, format, fmt.Errorf("%w: HTTP %d, %s: %v", errTokenMalformed, status, describeType(contentType), err)
		}
	case looksHTML(trimmed) || media == "text/html" || media == "application/xhtml+xml":
		format = formatHTML
		return resp, format, fmt.Errorf("%w: HTTP %d, %s, an HTML page: %s", errTokenNotJSON, status, describeType(contentType), quoteCut(pageText(body, 200), 200))
	case media == "application/x-www-form-urlencoded" || looksForm(trimmed):
		format = formatForm
		vals, perr := url.ParseQuery(string(trimmed))
		if perr != nil && len(vals) == 0 {
			return resp, format, fmt.Errorf("%w: HTTP %d, %s: %v", errTokenMalformed, status, describeType(contentType), perr)
		}
		resp.Fields = make(map[string]string, len(vals))
		for k, vs := range vals {
			if len(vs) > 0 {
				resp.Fields[k] = vs[0]
			}
		}
	default:
		format = formatText
		if len(trimmed) == 0 {
			if ok2xx {
				return resp, format, fmt.Errorf("%w: HTTP %d with an empty body", errTokenNotJSON, status)
			}
			return resp, format, &OAuthError{Status: status}
		}
		return resp, format, fmt.Errorf("%w: HTTP %d, %s: %s", errTokenNotJSON, status, describeType(contentType), quoteCut(pageText(body, 200), 200))
	}

	f := resp.Fields
	resp.AccessToken = f["access_token"]
	resp.TokenType = f["token_type"]
	resp.RefreshToken = f["refresh_token"]
	resp.IDToken = f["id_token"]
	resp.Scope = f["scope"]
	if v, ok := f["expires_in"]; ok {
		resp.ExpiresIn, resp.ExpiresInProblem = parseSeconds(v), lifetimeProblem(v)
	} else if v, ok := f["expires"]; ok {
		// Some older servers (Facebook) say "expires".
		resp.ExpiresIn, resp.ExpiresInProblem = parseSeconds(v), lifetimeProblem(v)
	}

	if code, ok := f["error"]; ok && code != "" || !ok2xx {
		e := &OAuthError{Code: code, Description: f["error_description"], URI: f["error_uri"], Status: status}
		if code != "" && strings.HasPrefix(code, "{") {
			// {"error": {"code": "...", "message": "..."}}, as some API
			// gateways answer.
			var obj struct{ Code, Message string }
			if json.Unmarshal([]byte(code), &obj) == nil {
				e.Code = obj.Code
				if e.Description == "" {
					e.Description = obj.Message
				}
			}
		}
		return resp, format, e
	}
	if resp.AccessToken == "" {
		return resp, format, fmt.Errorf("%w: HTTP %d, %s body with fields %s", errTokenNoAccessToken, status, format, fieldNames(f))
	}
	return resp, format, nil
}

// mediaType returns the lower-case media type of a Content-Type value,
// reading it even when its parameters are malformed.
func mediaType(contentType string) string {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		return mt
	}
	mt, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

func describeType(contentType string) string {
	if contentType == "" {
		return "no content type"
	}
	return fmt.Sprintf("content type %q", contentType)
}

// looksForm reports whether b reads as a form-encoded token response
// (text/plain or no content type, as some servers send).
func looksForm(b []byte) bool {
	if len(b) == 0 || bytes.ContainsAny(b, " \n\t<{") {
		return false
	}
	for _, k := range []string{"access_token=", "error=", "refresh_token=", "token_type="} {
		if bytes.HasPrefix(b, []byte(k)) || bytes.Contains(b, []byte("&"+k)) {
			return true
		}
	}
	return false
}

// jsonFields reads a JSON object's top-level fields as strings.
func jsonFields(b []byte) (map[string]string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return nil, fmt.Errorf("JSON %s, not an object", te.Value)
		case errors.As(err, &se):
			return nil, fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		}
		return nil, err
	}
	out := make(map[string]string, len(m))
	for k, raw := range m {
		out[k] = jsonString(raw)
	}
	return out, nil
}

// jsonString renders one JSON value as a string: a string's contents,
// null as "", anything else as compact JSON.
func jsonString(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return ""
	}
	if t[0] == '"' && len(t) >= 2 {
		// Fast path: no escapes, so the contents are the string (the
		// value was validated when the object was decoded).
		if in := t[1 : len(t)-1]; bytes.IndexByte(in, '\\') < 0 && bytes.IndexByte(in, '"') < 0 && utf8.Valid(in) {
			return string(in)
		}
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
	}
	var buf bytes.Buffer
	if json.Compact(&buf, t) == nil {
		return buf.String()
	}
	return string(t)
}

// maxLifetime is the longest access-token lifetime taken as meant: past
// ten years, expires_in is an expiry time (seconds since 1970), a value in
// milliseconds, or a mistake.
const maxLifetime = 10 * 365 * 24 * 3600

// lifetimeProblem says what is odd about an expires_in as sent, or "".
func lifetimeProblem(v string) string {
	t := strings.TrimSpace(v)
	if t == "" {
		return "is empty"
	}
	if _, err := strconv.ParseFloat(t, 64); err != nil && !errors.Is(err, strconv.ErrRange) || strings.EqualFold(strings.TrimLeft(t, "+-"), "nan") || strings.Contains(strings.ToLower(t), "inf") {
		return "is not a number of seconds"
	}
	switch n := parseSeconds(t); {
	case n < 0 || strings.HasPrefix(t, "-"):
		return "is negative"
	case n > maxLifetime:
		return "is more than ten years"
	}
	return ""
}

// parseSeconds reads a lifetime in seconds written as an integer, a
// float or a numeric string ("3600", "3599.9", " 3600 "); anything else,
// and NaN or infinities, give 0. Values beyond int64 saturate.
func parseSeconds(s string) int64 {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(f) || math.IsInf(f, 0) && !errors.Is(err, strconv.ErrRange) {
		return 0
	}
	switch {
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

func fieldNames(f map[string]string) string {
	if len(f) == 0 {
		return "(none)"
	}
	names := make([]string, 0, len(f))
	for k := range f {
		names = append(names, k)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}
