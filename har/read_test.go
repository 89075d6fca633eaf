package har

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const small = `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},
"pages":[{"id":"page_1","title":"x"}],
"entries":[
 {"startedDateTime":"2026-11-30T10:00:00.000Z","pageref":"page_1","_resourceType":"document","_initiator":{"type":"other"},
  "request":{"method":"GET","url":"https://login.example.com/authorize?client_id=abc&response_type=code&state=s1","headers":[{"name":"Host","value":"login.example.com"}],"queryString":[{"name":"client_id","value":"abc"}],"cookies":[]},
  "response":{"status":302,"headers":[{"name":"Location","value":"/login"}],"redirectURL":"/login","content":{"size":0,"mimeType":"x-unknown"}}},
 {"startedDateTime":"2026-11-30T10:00:01.000Z","request":{"method":"POST","url":"https://login.example.com/token","headers":[],
  "postData":{"mimeType":"application/x-www-form-urlencoded","text":"grant_type=authorization_code&code=c1"}},
  "response":{"status":200,"headers":[],"content":{"size":12,"mimeType":"application/json","text":"eyJhIjoxfQ==","encoding":"base64"}}}
]}}`

func readAll(t *testing.T, in string, opt ReadOptions) (File, []Entry, error) {
	t.Helper()
	var got []Entry
	f, err := Read(strings.NewReader(in), opt, func(e Entry) error { got = append(got, e); return nil })
	return f, got, err
}

func TestReadSmall(t *testing.T) {
	keep := func(e *Entry) bool { return e.Request.Method == "POST" }
	f, es, err := readAll(t, small, ReadOptions{KeepBody: keep})
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != "1.2" || f.Creator != "WebInspector 537.36" || f.Entries != 2 || f.Pages != 1 {
		t.Errorf("file = %+v", f)
	}
	if len(es) != 2 {
		t.Fatalf("%d entries", len(es))
	}
	e := es[0]
	if e.Response.Status != 302 || e.Response.RedirectURL != "/login" || e.ResourceType != "document" || e.Initiator != "other" || e.Page != "page_1" {
		t.Errorf("entry 0 = %+v", e)
	}
	if v, _ := Header(e.Response.Headers, "location"); v != "/login" {
		t.Errorf("location = %q", v)
	}
	if es[1].Response.Content.Text != `{"a":1}` || !es[1].Response.Content.Kept {
		t.Errorf("body = %+v", es[1].Response.Content)
	}
	if es[1].Request.PostData == nil || !strings.Contains(es[1].Request.PostData.Text, "code=c1") {
		t.Errorf("post = %+v", es[1].Request.PostData)
	}
	if es[0].Response.Content.Kept {
		t.Error("a body nobody asked for was kept")
	}
}

func TestReadLenient(t *testing.T) {
	in := "\uFEFF" + strings.NewReplacer(`"log"`, `"Log"`, `"entries"`, `"Entries"`, `"status":302`, `"status":"302"`, `"version":"1.2"`, `"version":"1.1"`).Replace(small)
	f, es, err := readAll(t, in, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Response.Status != 302 {
		t.Fatalf("entries = %+v", es)
	}
	var notes []string
	for _, n := range f.Notes {
		notes = append(notes, n.Text)
	}
	all := strings.Join(notes, "\n")
	for _, want := range []string{"byte order mark", "1.1"} {
		if !strings.Contains(all, want) {
			t.Errorf("notes %q do not mention %q", all, want)
		}
	}
}

func TestReadTruncated(t *testing.T) {
	cut := small[:strings.Index(small, `"request":{"method":"POST"`)+20]
	f, es, err := readAll(t, cut, ReadOptions{})
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want ErrTruncated", err)
	}
	if len(es) != 1 || f.Entries != 1 {
		t.Errorf("kept %d entries before the cut", len(es))
	}
}

func TestReadRefuses(t *testing.T) {
	for name, in := range map[string]string{
		"empty":  "",
		"html":   "<!DOCTYPE html><html><body>hi</body></html>",
		"array":  `[{"log":{}}]`,
		"binary": "\x00\x01\x02\x03PK\x03\x04",
		"utf16":  "\xff\xfe{\x00\"\x00",
		"nolog":  `{"foo":1}`,
	} {
		_, _, err := readAll(t, in, ReadOptions{})
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if len(err.Error()) < 10 {
			t.Errorf("%s: error %q says too little", name, err)
		}
	}
}

func TestOpenGzipAndStdin(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(small))
	zw.Close()
	p := filepath.Join(dir, "x.har.gz")
	os.WriteFile(p, buf.Bytes(), 0o600)
	rc, _, err := Open(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	_, es, err := func() (File, []Entry, error) {
		var got []Entry
		f, err := Read(rc, ReadOptions{}, func(e Entry) error { got = append(got, e); return nil })
		return f, got, err
	}()
	if err != nil || len(es) != 2 {
		t.Fatalf("gzip: %d entries, %v", len(es), err)
	}
	rc2, _, err := Open("-", strings.NewReader(small))
	if err != nil {
		t.Fatal(err)
	}
	rc2.Close()
	if _, _, err := Open(dir, nil); err == nil {
		t.Error("a folder opened")
	}
	if _, _, err := Open(filepath.Join(dir, "nope.har"), nil); err == nil {
		t.Error("a missing file opened")
	}
}

func TestReadOddEntryIsNoted(t *testing.T) {
	f, es, err := readAll(t, `{"log": {"entries": [ {"request": 7}, 5, {"request":{"url":"https://a.example/"}} ]}}`, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || f.Entries != 3 || len(f.Notes) < 2 {
		t.Errorf("entries %d of %d, notes %+v", len(es), f.Entries, f.Notes)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte(small))
	f.Add([]byte(small[:len(small)/2]))
	f.Add([]byte(`{"log":{"entries":[{"request":{"url":1,"headers":{}},"response":{"content":{"text":"!!","encoding":"base64"}}}]}}`))
	f.Add([]byte("\xef\xbb\xbf{\"LOG\":{\"Entries\":[]}}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		file, err := Read(bytes.NewReader(b), ReadOptions{MaxBody: 64, KeepBody: func(*Entry) bool { return true }}, func(e Entry) error {
			n++
			if len(e.Response.Content.Text) > 64 || e.Request.PostData != nil && len(e.Request.PostData.Text) > 64 {
				t.Fatalf("a body past MaxBody: %d", len(e.Response.Content.Text))
			}
			return nil
		})
		if err == nil && file.Entries < n {
			t.Fatalf("File.Entries %d < %d handed over", file.Entries, n)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("an error with no words")
		}
	})
}
