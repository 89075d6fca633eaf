package connector

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOperations(t *testing.T) {
	c, err := Load("testdata/operations")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, op := range c.Operations {
		ids = append(ids, op.Method+" "+op.ID)
	}
	if want := []string{"GET GetTask", "DELETE DeleteTask", "GET WhoAmI"}; !cmp.Equal(ids, want) {
		t.Fatalf("operations %v, want %v", ids, want)
	}
	op, err := c.Operation("gettask")
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"token:customHost": "tasks.example.com:8443"}
	got, err := c.URL(op, params, map[string]string{"taskId": "a b/1", "tenant": "acme"})
	if want := "https://tasks.example.com:8443/api/v1/tasks/a%20b%2F1?tenant=acme"; err != nil || got != want {
		t.Errorf("URL: got %q %v, want %q", got, err, want)
	}
	_, err = c.URL(op, params, nil)
	var me *MissingValuesError
	if !errors.As(err, &me) || !cmp.Equal(me.Names, []string{"taskId", "tenant"}) {
		t.Errorf("URL without values: %v, want taskId and tenant named", err)
	}
	if _, err := c.URL(op, nil, map[string]string{"taskId": "1", "tenant": "t"}); !strings.Contains(fmtErr(err), "customHost") {
		t.Errorf("URL without the host's parameter: %v, want customHost named", err)
	}
	if _, err := c.URL(op, map[string]string{"customHost": "evil.example/x@"}, map[string]string{"taskId": "1", "tenant": "t"}); err == nil {
		t.Errorf("a host parameter that is no host: no error")
	}
	if _, err := c.Operation("Nope"); err == nil || !strings.Contains(err.Error(), "GetTask, DeleteTask, WhoAmI") {
		t.Errorf("unknown operation: %v, want the ones there are", err)
	}
	if got, err := c.APIURL("me", params); err != nil || got != "https://tasks.example.com:8443/api/v1/me" {
		t.Errorf("APIURL: %q %v", got, err)
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzReadOperations: any swagger reads without a panic, and every
// operation it finds has an id, a known method and named parameters.
func FuzzReadOperations(f *testing.F) {
	f.Add(`{"paths":{"/a/{b}":{"parameters":[{"name":"b","in":"path"}],"get":{"operationId":"A","parameters":[{"$ref":"#/parameters/x"}]}}},"parameters":{"x":{"name":"x","in":"query","required":true}}}`)
	f.Add(`{"paths":{"/":{"post":{"operationId":""},"get":[]}}}`)
	f.Add(`{"paths":[1,2]}`)
	f.Fuzz(func(t *testing.T, s string) {
		v, err := decodeJSON("swagger", []byte(s))
		if err != nil {
			return
		}
		o, _ := v.(*object)
		for _, op := range readOperations(&reader{}, o) {
			if op.ID == "" || op.Method == "" {
				t.Fatalf("operation %+v of %q", op, s)
			}
			for _, p := range op.Params {
				if p.Name == "" {
					t.Fatalf("parameter without a name in %+v", op)
				}
			}
			c := &Connector{Host: "h.example", Operations: []Operation{op}}
			c.URL(&op, nil, map[string]string{})
		}
	})
}
