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
	if want := []string{"GET GetTask", "DELETE DeleteTask", "GET WhoAmI", "POST PutFile"}; !cmp.Equal(ids, want) {
		t.Fatalf("operations %v, want %v", ids, want)
	}
	op, err := c.Operation("gettask")
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"token:customHost": "tasks.example.com:8443"}
	req, err := c.Request(op, params, map[string]string{"taskId": "a b/1", "tenant": "acme"})
	if want := "https://tasks.example.com:8443/api/v1/tasks/a%20b%2F1?tenant=acme"; err != nil || req.URL != want {
		t.Errorf("URL: got %q %v, want %q", req.URL, err, want)
	}
	// An empty value is none: the path would lose its segment.
	_, err = c.Request(op, params, map[string]string{"taskId": ""})
	var me *MissingValuesError
	if !errors.As(err, &me) || !cmp.Equal(me.Names, []string{"taskId", "tenant"}) {
		t.Errorf("URL without values: %v, want taskId and tenant named", err)
	}
	if _, err := c.Request(op, nil, map[string]string{"taskId": "1", "tenant": "t"}); !strings.Contains(fmtErr(err), "customHost") {
		t.Errorf("URL without the host's parameter: %v, want customHost named", err)
	}
	if _, err := c.Request(op, map[string]string{"customHost": "evil.example/x@"}, map[string]string{"taskId": "1", "tenant": "t"}); err == nil {
		t.Errorf("a host parameter that is no host: no error")
	}
	if _, err := c.Operation("Nope"); err == nil || !strings.Contains(err.Error(), "GetTask, DeleteTask, WhoAmI, PutFile") {
		t.Errorf("unknown operation: %v, want the ones there are", err)
	}
	if got, err := c.APIURL("me", params); err != nil || got != "https://tasks.example.com:8443/api/v1/me" {
		t.Errorf("APIURL: %q %v", got, err)
	}
}

// TestOperationRequest: header and body parameters are sent, or named
// when required and missing; x-ms-url-encoding double encodes twice.
func TestOperationRequest(t *testing.T) {
	c, err := Load("testdata/operations")
	if err != nil {
		t.Fatal(err)
	}
	op, err := c.Operation("PutFile")
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"token:customHost": "tasks.example.com"}
	_, err = c.Request(op, params, nil)
	var me *MissingValuesError
	if !errors.As(err, &me) || !cmp.Equal(me.Names, []string{"path", "X-Api-Version", "file"}) {
		t.Errorf("without values: %v, want path, X-Api-Version and file named", err)
	}
	req, err := c.Request(op, params, map[string]string{"path": "a/b c", "X-Api-Version": "2", "X-Trace": "t1", "file": `{"n":1}`})
	if err != nil {
		t.Fatal(err)
	}
	want := OpRequest{URL: "https://tasks.example.com/api/v1/files/a%252Fb%2520c", Headers: []Header{{"X-Api-Version", "2"}, {"X-Trace", "t1"}}, Body: `{"n":1}`}
	if diff := cmp.Diff(want, req); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	if !op.Has("x-api-version") || op.Has("nope") {
		t.Errorf("Has: wrong")
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
			c.Request(&op, nil, map[string]string{})
		}
	})
}
