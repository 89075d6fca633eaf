package connector

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Operation is one operation of the connector's swagger: what the
// platform calls the API with.
type Operation struct {
	ID     string // operationId
	Method string // upper case
	Path   string // the swagger's, with {name} for each path parameter
	Params []OperationParam
}

// OperationParam is one parameter of an operation (its own or its
// path's), $ref to the swagger's parameters resolved.
type OperationParam struct {
	Name     string
	In       string // path, query, header, body, formData
	Required bool
	// Double is x-ms-url-encoding: double, a path value the platform
	// percent-encodes twice (so that a / in it survives the API's
	// gateway).
	Double bool
}

// matches reports whether name is the parameter's: a header's in any
// case (HTTP header names are), the others' exactly.
func (p OperationParam) matches(name string) bool {
	if p.In == "header" {
		return strings.EqualFold(p.Name, name)
	}
	return p.Name == name
}

// Has reports whether the operation has a parameter called name.
func (op *Operation) Has(name string) bool {
	return slices.ContainsFunc(op.Params, func(p OperationParam) bool { return p.matches(name) })
}

var swaggerMethods = []string{"get", "put", "post", "delete", "options", "head", "patch"}

// readOperations reads the swagger's paths: every operation with an
// operationId, in the file's order. Parameters that are no objects, or
// $refs that lead nowhere, are left out: the platform would refuse the
// swagger, and the call names what it misses.
func readOperations(r *reader, root *object) []Operation {
	paths := r.obj(root, "", "paths")
	if paths == nil {
		return nil
	}
	shared := r.obj(root, "", "parameters")
	params := func(v any) []OperationParam {
		list, _ := v.([]any)
		var out []OperationParam
		for _, item := range list {
			o, _ := item.(*object)
			if ref := r.str(o, "", "$ref"); ref != "" {
				o = r.obj(shared, "parameters", strings.TrimPrefix(ref, "#/parameters/"))
			}
			if o == nil || r.str(o, "", "name") == "" {
				continue
			}
			out = append(out, OperationParam{Name: r.str(o, "", "name"), In: strings.ToLower(r.str(o, "", "in")), Required: r.str(o, "", "required") == "true",
				Double: strings.EqualFold(r.str(o, "", "x-ms-url-encoding"), "double")})
		}
		return out
	}
	var ops []Operation
	for i, p := range paths.keys {
		item, _ := paths.vals[i].(*object)
		if item == nil {
			continue
		}
		common, _ := r.get(item, "", "parameters")
		for j, m := range item.keys {
			if !slices.Contains(swaggerMethods, strings.ToLower(m)) {
				continue
			}
			o, _ := item.vals[j].(*object)
			id := strings.TrimSpace(r.str(o, "", "operationId"))
			if id == "" {
				continue
			}
			own, _ := r.get(o, "", "parameters")
			op := Operation{ID: id, Method: strings.ToUpper(m), Path: p, Params: params(own)}
			for _, cp := range params(common) {
				if !slices.ContainsFunc(op.Params, func(q OperationParam) bool { return q.Name == cp.Name && q.In == cp.In }) {
					op.Params = append(op.Params, cp)
				}
			}
			ops = append(ops, op)
		}
	}
	return ops
}

// Operation finds an operation by its operationId, in any case.
func (c *Connector) Operation(id string) (*Operation, error) {
	for i := range c.Operations {
		if strings.EqualFold(c.Operations[i].ID, id) {
			return &c.Operations[i], nil
		}
	}
	if len(c.Operations) == 0 {
		return nil, fmt.Errorf("the connector's swagger (apiDefinition.swagger.json) has no operation with an operationId")
	}
	ids := make([]string, 0, len(c.Operations))
	for _, op := range c.Operations {
		ids = append(ids, op.ID)
	}
	return nil, fmt.Errorf("the connector's swagger has no operation %s; it has: %s", id, strings.Join(ids, ", "))
}

// MissingValuesError names the parameters of an operation a call needs
// and was given no value for.
type MissingValuesError struct {
	Operation string
	Names     []string
}

func (e *MissingValuesError) Error() string {
	return fmt.Sprintf("operation %s needs a value for %s", e.Operation, strings.Join(e.Names, ", "))
}

// placeholder is a {name} in a swagger's host or path.
var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// APIURL is the URL of path (relative to the API: "/tasks/1?x=y") as the
// platform calls it: the swagger's scheme (https when it lists it, else
// its first), host and basePath. A {name} in the host is a connection
// parameter, filled from params.
func (c *Connector) APIURL(path string, params map[string]string) (string, error) {
	if c.Host == "" {
		return "", fmt.Errorf("the connector's swagger (apiDefinition.swagger.json) has no host: give the call's whole URL")
	}
	scheme := "https"
	if len(c.Schemes) > 0 && !slices.ContainsFunc(c.Schemes, func(s string) bool { return strings.EqualFold(s, "https") }) {
		scheme = strings.ToLower(c.Schemes[0])
	}
	var missing []string
	host := placeholder.ReplaceAllStringFunc(c.Host, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := lookupParam(params, name)
		if !ok || v == "" {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", &MissingParamsError{Names: missing}
	}
	if !plainHost.MatchString(host) {
		return "", fmt.Errorf("the swagger's host %s, filled in, is %q: no plain host[:port] (check the --conn-param value)", c.Host, host)
	}
	base := "/" + strings.Trim(c.BasePath, "/")
	if base == "/" {
		base = ""
	}
	raw := scheme + "://" + host + base + "/" + strings.TrimPrefix(path, "/")
	if _, err := url.Parse(raw); err != nil {
		return "", fmt.Errorf("the call's URL %s does not parse: %w", raw, err)
	}
	return raw, nil
}

// OpRequest is an operation's request as the platform builds it.
type OpRequest struct {
	URL     string
	Headers []Header // the operation's header parameters given a value, in its order
	Body    string   // its body parameter's value, as given (JSON)
}

// Header is one header of an OpRequest.
type Header struct{ Name, Value string }

// Request builds the operation's request from values: its path
// parameters filled in (percent-encoded; twice for x-ms-url-encoding:
// double), its query parameters added, its header parameters and body
// set; each required one without a value (an empty one for the path) is
// named in a *MissingValuesError.
func (c *Connector) Request(op *Operation, params, values map[string]string) (OpRequest, error) {
	var missing []string
	value := func(p OperationParam) (string, bool) {
		for k, v := range values {
			if p.matches(k) {
				return v, true
			}
		}
		return "", false
	}
	path := placeholder.ReplaceAllStringFunc(op.Path, func(m string) string {
		p := OperationParam{Name: m[1 : len(m)-1], In: "path"}
		if i := slices.IndexFunc(op.Params, func(q OperationParam) bool { return q.In == "path" && q.Name == p.Name }); i >= 0 {
			p = op.Params[i]
		}
		v, _ := value(p)
		if v == "" {
			missing = append(missing, p.Name)
		}
		v = url.PathEscape(v)
		if p.Double {
			v = url.PathEscape(v)
		}
		return v
	})
	var req OpRequest
	q := url.Values{}
	for _, p := range op.Params {
		v, ok := value(p)
		switch {
		case p.In == "path":
		case !ok:
			if p.Required && (p.In == "query" || p.In == "header" || p.In == "body") {
				missing = append(missing, p.Name)
			}
		case p.In == "query":
			q.Set(p.Name, v)
		case p.In == "header":
			req.Headers = append(req.Headers, Header{p.Name, v})
		case p.In == "body":
			req.Body = v
		}
	}
	if len(missing) > 0 {
		return OpRequest{}, &MissingValuesError{Operation: op.ID, Names: missing}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	u, err := c.APIURL(path, params)
	req.URL = u
	return req, err
}
