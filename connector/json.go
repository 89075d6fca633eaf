package connector

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxDepth bounds how deeply a connector file may nest: real ones nest a
// dozen levels; a hostile one must not exhaust the stack.
const maxDepth = 200

// object is a JSON object with its keys in the file's order: the first
// oauthSetting is the one --connector uses, so order matters, and
// encoding/json's maps lose it.
type object struct {
	keys []string
	vals []any // string, json.Number, bool, nil, *object or []any
	// index finds a key's position, fold a lower-case key's first: a
	// scan per key would make a file of many keys quadratic to read.
	index map[string]int
	fold  map[string]int
}

// errTooDeep is a file nested past maxDepth: valid JSON, maybe, but no
// connector.
var errTooDeep = fmt.Errorf("too deeply nested: more than %d levels, where a connector file has a dozen", maxDepth)

// decodeJSON reads one JSON value, objects as *object. A syntax error is
// an *Error with the line and column.
func decodeJSON(file string, data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := decodeValue(d, 0)
	if err == nil {
		if _, err2 := d.Token(); err2 != io.EOF {
			err = errors.New("more than one JSON value: the file should hold one object")
			if err2 != nil {
				err = err2
			}
		}
	}
	if err == nil {
		return v, nil
	}
	off := d.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	problem := "not valid JSON: " + err.Error()
	if errors.Is(err, errTooDeep) {
		problem = err.Error() + "; is this a connector's apiProperties.json?"
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		problem = "not valid JSON: the file ends in the middle of a JSON value (cut short, or a bracket not closed)"
		off = int64(len(data))
		if len(bytes.TrimSpace(data)) == 0 {
			off = 0
			problem = "is empty: want the connector's JSON object ({\"properties\": {\"connectionParameters\": ...}})"
		}
	}
	line, col := position(data, off)
	return nil, &Error{File: file, Line: line, Column: col, Problem: problem}
}

func decodeValue(d *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, errTooDeep
	}
	t, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &object{}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				o.set(k, v)
			}
			_, err := d.Token() // '}'
			return o, err
		case '[':
			var a []any
			for d.More() {
				v, err := decodeValue(d, depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := d.Token() // ']'
			return a, err
		}
		return nil, fmt.Errorf("unexpected %q", t)
	default:
		return t, nil
	}
}

// set keeps the last of a key given twice, as encoding/json (and so the
// platform's own reader, most likely) does.
func (o *object) set(k string, v any) {
	if i, ok := o.index[k]; ok {
		o.vals[i] = v
		return
	}
	if o.index == nil {
		o.index = map[string]int{}
	}
	o.index[k] = len(o.keys)
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
}

// lookup finds key exactly, else in another casing (the first such key
// in the file's order); written is the key as the file has it.
func (o *object) lookup(key string) (v any, written string, ok bool) {
	if i, ok := o.index[key]; ok {
		return o.vals[i], key, true
	}
	if o.fold == nil && len(o.keys) > 0 {
		o.fold = make(map[string]int, len(o.keys))
		for i, k := range o.keys {
			lk := strings.ToLower(k)
			if _, have := o.fold[lk]; !have {
				o.fold[lk] = i
			}
		}
	}
	if i, ok := o.fold[strings.ToLower(key)]; ok {
		return o.vals[i], o.keys[i], true
	}
	return nil, "", false
}

// position turns a byte offset into a 1-based line and column (in
// characters, which editors show).
func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	last := bytes.LastIndexByte(before, '\n')
	col = len([]rune(string(before[last+1:]))) + 1
	return line, col
}

// reader reads values out of a decoded file leniently, the way the
// platform does, and keeps a note of each leniency: key casing, bare
// values where wrapped ones belong.
type reader struct {
	file  string
	notes []string
	seen  map[string]bool // the notes, each once
}

func (r *reader) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if r.seen[n] {
		return
	}
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	r.seen[n] = true
	r.notes = append(r.notes, n)
}

// get finds key in o, exactly or else in another casing (noted, with the
// JSON path of o).
func (r *reader) get(o *object, path, key string) (any, bool) {
	if o == nil {
		return nil, false
	}
	v, k, ok := o.lookup(key)
	if ok && k != key {
		r.note("%s: key %q read as %q (the platform ignores the casing)", join(path, k), k, key)
	}
	return v, ok
}

func (r *reader) obj(o *object, path, key string) *object {
	v, _ := r.get(o, path, key)
	got, _ := v.(*object)
	return got
}

// str reads a scalar as text: numbers and booleans as written, null and
// objects as "".
func (r *reader) str(o *object, path, key string) string {
	v, _ := r.get(o, path, key)
	return scalar(v)
}

func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	}
	return ""
}

// join appends a key to a JSON path, bracketing keys that are not plain
// names (a parameter "token:TenantId").
func join(path, key string) string {
	plain := key != ""
	for _, c := range key {
		if !(c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			plain = false
			break
		}
	}
	if !plain {
		key = fmt.Sprintf("[%q]", key)
		if path == "" {
			return "$" + key
		}
		return path + key
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
