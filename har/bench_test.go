package har

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
	"testing"
)

// bigHAR is the healthy Power Platform login with n entries of bodies
// around it, each about 40 KB (HTML and base64 images), as a browsing
// session before and after a login makes.
func bigHAR(b *testing.B, n int) []byte {
	b.Helper()
	login, err := os.ReadFile("testdata/pp-healthy.har")
	if err != nil {
		b.Fatal(err)
	}
	s := string(login)
	start := strings.Index(s, `"entries": [`) + len(`"entries": [`)
	end := strings.LastIndex(s, "]")
	entries := s[start:end]
	img := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 7, 1, 200}, 4<<10))
	html := strings.Repeat(`<div class=\"row\">Flow run succeeded</div>`, 500)
	var buf bytes.Buffer
	buf.WriteString(s[:start])
	filler := func(i int) {
		fmt.Fprintf(&buf, `{"startedDateTime":"2026-11-30T08:%02d:%02d.000Z","_resourceType":"image","request":{"method":"GET","url":"https://content.powerapps.com/img/%d.png","headers":[]},"response":{"status":200,"headers":[],"content":{"size":1,"mimeType":"image/png","text":"%s","encoding":"base64"}}},`, i/60%60, i%60, i, img)
		fmt.Fprintf(&buf, `{"startedDateTime":"2026-11-30T08:%02d:%02d.500Z","_resourceType":"document","request":{"method":"GET","url":"https://make.powerautomate.com/flows/%d","headers":[]},"response":{"status":200,"headers":[],"content":{"size":1,"mimeType":"text/html","text":"%s"}}},`, i/60%60, i%60, i, html)
	}
	for i := range n {
		filler(i)
	}
	buf.WriteString(entries)
	buf.WriteString(s[end:])
	return buf.Bytes()
}

// BenchmarkAnalyze reads a file of bodies around one login: the bodies
// are skipped, never decoded, so the rate is the scan's.
func BenchmarkAnalyze(b *testing.B) {
	data := bigHAR(b, 400)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rep, err := Analyze(bytes.NewReader(data), Options{})
		if err != nil || len(rep.Chains) != 1 {
			b.Fatalf("%d chains, %v", len(rep.Chains), err)
		}
	}
}
