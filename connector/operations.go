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
			out = append(out, OperationParam{Name: r.str(o, "", "name"), In: strings.ToLower(r.str(o, "", "in")), Required: r.str(o, "", "required") == "true"})
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

// URL builds the operation's request URL from values: its path
// parameters filled in (percent-encoded), its query parameters added,
// each required one without a value named in a *MissingValuesError.
func (c *Connector) URL(op *Operation, params, values map[string]string) (string, error) {
	var missing []string
	path := placeholder.ReplaceAllStringFunc(op.Path, func(m string) string {
		name := m[1 : len(m)-1]
		v, ok := values[name]
		if !ok {
			missing = append(missing, name)
		}
		return url.PathEscape(v)
	})
	q := url.Values{}
	for _, p := range op.Params {
		v, ok := values[p.Name]
		switch {
		case p.In != "query":
		case ok:
			q.Set(p.Name, v)
		case p.Required:
			missing = append(missing, p.Name)
		}
	}
	if len(missing) > 0 {
		return "", &MissingValuesError{Operation: op.ID, Names: missing}
	}
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	return c.APIURL(path, params)
}
