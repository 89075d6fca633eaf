package report

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// codeConstants reads the values of the Code* constants from codes.go, so
// that a code added there without a line in Codes fails the test.
func codeConstants(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok {
			return true
		}
		for i, name := range vs.Names {
			if !strings.HasPrefix(name.Name, "Code") || i >= len(vs.Values) {
				continue
			}
			if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				v, _ := strconv.Unquote(lit.Value)
				codes = append(codes, v)
			}
		}
		return true
	})
	if len(codes) < 40 {
		t.Fatalf("found only %d code constants in codes.go; the parse is wrong", len(codes))
	}
	return codes
}

func TestCodesListsEveryCode(t *testing.T) {
	listed := map[string]bool{}
	for _, c := range Codes() {
		if listed[c.Code] {
			t.Errorf("%s is listed twice", c.Code)
		}
		listed[c.Code] = true
		if !slices.Contains([]Severity{SeverityError, SeverityWarn, SeverityInfo}, c.Severity) {
			t.Errorf("%s: severity %q, want error, warn or info", c.Code, c.Severity)
		}
		if c.Meaning == "" || strings.ContainsAny(c.Meaning, "\n`") || strings.HasSuffix(c.Meaning, ".") {
			t.Errorf("%s: meaning %q, want one line of plain text without a final period", c.Code, c.Meaning)
		}
	}
	consts := codeConstants(t)
	for _, code := range consts {
		if !listed[code] {
			t.Errorf("code %s has no line in Codes()", code)
		}
	}
	for code := range listed {
		if !slices.Contains(consts, code) {
			t.Errorf("Codes() lists %s, which is no code constant", code)
		}
	}
}

// designCodes are the codes of DESIGN.md's findings table. The ones not
// implemented yet (connector check, --call) are left out of Codes until
// they are.
var designCodes = []string{
	"state.changed", "state.missing", "redirect_uri.changed", "redirect_uri.rejected",
	"param.dropped", "param.changed", "param.added", "redirect.loop", "redirect.too_many",
	"authorize.error", "token.error", "token.not_json", "token.client_auth",
	"refresh_token.missing", "refresh.failed", "access_token.opaque", "jwt.malformed",
	"jwt.aud_mismatch", "jwt.aud_azure_management", "jwt.expired", "jwt.not_yet_valid",
	"jwt.iat_future", "jwt.iss_mismatch", "jwt.alg_none", "jwt.signature_invalid",
	"jwt.kid_unknown", "id_token.aud_not_client", "id_token.nonce_mismatch", "scope.not_granted",
	"connector.redirect_global", "connector.redirect_mismatch", "connector.placeholder_unknown",
	"connector.redirect_hardcoded", "connector.refresh_template", "connector.token_template",
	"connector.no_offline_access", "connector.secret_in_file", "connector.provider_unsupported",
	"connector.invalid", "api.accepted", "api.rejected",
}

func TestCodesCoverDesign(t *testing.T) {
	consts := codeConstants(t)
	listed := map[string]bool{}
	for _, c := range Codes() {
		listed[c.Code] = true
	}
	for _, code := range designCodes {
		implemented := slices.Contains(consts, code)
		if implemented != listed[code] {
			t.Errorf("%s: implemented %v, listed by Codes() %v", code, implemented, listed[code])
		}
		notYet := strings.HasPrefix(code, "connector.") || strings.HasPrefix(code, "api.")
		if !implemented && !notYet {
			t.Errorf("DESIGN.md's code %s has no constant", code)
		}
	}
}
