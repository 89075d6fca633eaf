package connector

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Parse reads an apiProperties.json; name is the file, for messages.
func Parse(name string, data []byte) (*Connector, error) {
	if len(data) > MaxFile {
		return nil, &Error{File: name, Problem: fmt.Sprintf("over the %d MiB a connector file may have: is this the right file?", MaxFile>>20)}
	}
	r := &reader{file: name}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, &Error{File: name, Problem: "the file is UTF-16: save it as UTF-8 (the platform's tools write UTF-8)"}
	}
	if len(data) != len(stripBOM(data)) {
		r.note("the file starts with a UTF-8 byte order mark (read past it)")
		data = stripBOM(data)
	}
	if !utf8.Valid(data) {
		r.note("the file has bytes that are not UTF-8 (read as they are)")
	}
	v, err := decodeJSON(name, data)
	if err != nil {
		return nil, err
	}
	top, ok := v.(*object)
	if !ok {
		return nil, &Error{File: name, Path: "$", Problem: "want a JSON object {\"properties\": {\"connectionParameters\": ...}}, the shape of apiProperties.json"}
	}
	props := r.obj(top, "", "properties")
	if props == nil {
		return nil, &Error{File: name, Path: "properties", Problem: "no properties object: an apiProperties.json holds {\"properties\": {\"connectionParameters\": {...}}}; is this the connector's apiProperties.json?"}
	}
	c := &Connector{File: name}
	p := "properties"
	if cp := r.obj(props, p, "connectionParameters"); cp != nil {
		if err := r.params(c, cp, join(p, "connectionParameters"), ""); err != nil {
			return nil, err
		}
	}
	if err := r.sets(c, props, p); err != nil {
		return nil, err
	}
	if len(c.OAuth) == 0 {
		return nil, &Error{File: name, Path: "properties.connectionParameters", Problem: "no OAuth settings: want a connection parameter with \"type\": \"oauthSetting\" and an \"oAuthSettings\" object, in properties.connectionParameters or properties.connectionParameterSets.values[].parameters", Err: ErrNoOAuth}
	}
	c.Notes = r.notes
	return c, nil
}

func stripBOM(data []byte) []byte { return bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")) }

// sets reads connectionParameterSets: {"values": [{"name", "parameters"}]},
// or the array of values itself, which some tools write.
func (r *reader) sets(c *Connector, props *object, path string) error {
	raw, ok := r.get(props, path, "connectionParameterSets")
	if !ok || raw == nil {
		return nil
	}
	path = join(path, "connectionParameterSets")
	values, isArray := raw.([]any)
	if o, isObj := raw.(*object); isObj {
		v, _ := r.get(o, path, "values")
		values, isArray = v.([]any)
		path = join(path, "values")
	} else if isArray {
		r.note("%s is an array; the platform writes {\"values\": [...]} (read as the values)", path)
	}
	if !isArray {
		return &Error{File: r.file, Path: path, Problem: "want an array of parameter sets, each {\"name\": ..., \"parameters\": {...}}"}
	}
	for i, item := range values {
		vp := fmt.Sprintf("%s[%d]", path, i)
		set, _ := item.(*object)
		if set == nil {
			return &Error{File: r.file, Path: vp, Problem: "want a parameter set object {\"name\": ..., \"parameters\": {...}}"}
		}
		name := r.str(set, vp, "name")
		if params := r.obj(set, vp, "parameters"); params != nil {
			if name == "" {
				name = fmt.Sprint(i)
			}
			if err := r.params(c, params, join(vp, "parameters"), name); err != nil {
				return err
			}
		}
	}
	return nil
}

// params reads one connectionParameters object.
func (r *reader) params(c *Connector, o *object, path, set string) error {
	for i, name := range o.keys {
		pp := join(path, name)
		po, _ := o.vals[i].(*object)
		if po == nil {
			r.note("%s is not an object (skipped)", pp)
			continue
		}
		typ := r.str(po, pp, "type")
		settings := r.obj(po, pp, "oAuthSettings")
		if !strings.EqualFold(typ, "oauthSetting") {
			if settings != nil {
				r.note("%s has oAuthSettings but type %q, not \"oauthSetting\" (read as OAuth settings)", pp, typ)
			} else {
				c.Params = append(c.Params, r.param(po, pp, name, typ, set))
				continue
			}
		} else if typ != "oauthSetting" {
			r.note("%s: type %q read as \"oauthSetting\"", pp, typ)
		}
		if settings == nil {
			return &Error{File: r.file, Path: join(pp, "oAuthSettings"), Problem: "a parameter of type oauthSetting without an oAuthSettings object: want {\"identityProvider\": ..., \"clientId\": ..., \"customParameters\": {...}}"}
		}
		c.OAuth = append(c.OAuth, r.oauth(settings, join(pp, "oAuthSettings"), name, set))
	}
	return nil
}

func (r *reader) param(o *object, path, name, typ, set string) Param {
	ui := r.obj(o, path, "uiDefinition")
	up := join(path, "uiDefinition")
	desc := r.str(ui, up, "description")
	if desc == "" {
		desc = r.str(ui, up, "displayName")
	}
	req := r.str(r.obj(ui, up, "constraints"), join(up, "constraints"), "required")
	return Param{Name: name, Type: typ, Required: strings.EqualFold(req, "true"), Description: desc, Set: set}
}

func (r *reader) oauth(o *object, path, param, set string) *OAuth {
	a := &OAuth{
		Path:        path,
		Set:         set,
		Param:       param,
		Provider:    strings.ToLower(strings.TrimSpace(r.str(o, path, "identityProvider"))),
		ClientID:    strings.TrimSpace(r.str(o, path, "clientId")),
		RedirectURL: strings.TrimSpace(r.str(o, path, "redirectUrl")),
		Custom:      map[string]string{},
		customKeys:  map[string]string{},
	}
	a.ClientSecret = r.str(o, path, "clientSecret")
	if v, ok := r.get(o, path, "scopes"); ok {
		if _, isStr := v.(string); isStr {
			r.note("%s is a string; the platform writes an array (read as one item)", join(path, "scopes"))
		}
		a.Scopes = stringList(v)
	}
	a.RedirectMode = r.str(o, path, "redirectMode")
	for _, mode := range []string{RedirectGlobal, RedirectGlobalPerConnector, RedirectDirect} {
		if strings.EqualFold(a.RedirectMode, mode) {
			a.RedirectMode = mode
		}
	}
	fp := r.str(r.obj(o, path, "properties"), join(path, "properties"), "IsFirstParty")
	a.FirstParty = strings.EqualFold(fp, "true")
	cp := join(path, "customParameters")
	if cpo := r.obj(o, path, "customParameters"); cpo != nil {
		for i, k := range cpo.keys {
			v, ok := r.unwrap(cpo.vals[i], join(cp, k))
			if !ok {
				continue
			}
			a.Custom[strings.ToLower(k)] = v
			a.customKeys[strings.ToLower(k)] = k
		}
	}
	return a
}

// unwrap reads a customParameters value: {"value": x} as written, a bare
// x leniently (noted); null, or {"value": null}, is absent.
func (r *reader) unwrap(v any, path string) (string, bool) {
	switch v := v.(type) {
	case nil:
		return "", false
	case *object:
		inner, ok := r.get(v, path, "value")
		if !ok || inner == nil {
			return "", false
		}
		if _, isObj := inner.(*object); isObj {
			r.note("%s.value is an object, not text (skipped)", path)
			return "", false
		}
		return scalar(inner), true
	case []any:
		r.note("%s is an array, not {\"value\": ...} (skipped)", path)
		return "", false
	}
	r.note("%s is a bare value; the platform writes {\"value\": ...} (read as its value)", path)
	return scalar(v), true
}

// custom returns a customParameters value by its documented name, in any
// casing, and the key as written (for JSON paths).
func (o *OAuth) custom(name string) (string, string, bool) {
	k := strings.ToLower(name)
	v, ok := o.Custom[k]
	if !ok {
		return "", "", false
	}
	written := o.customKeys[k]
	if written == "" {
		written = name
	}
	return v, written, true
}

// WrittenKey is a customParameters key (lower case, as in Custom) as the
// file writes it.
func (o *OAuth) WrittenKey(key string) string {
	if k := o.customKeys[key]; k != "" {
		return k
	}
	return key
}

// customPath is the JSON path of a customParameters value.
func (o *OAuth) customPath(written string) string {
	return join(join(o.Path, "customParameters"), written) + ".value"
}
