// Command hargen writes a big HAR file for authtrace's HAR benchmark, in
// Chrome's export shape: a Power Platform-shaped login somewhere in the
// middle of a long browsing session whose entries carry response bodies
// (HTML pages, JSON, base64-encoded images and scripts), as the files
// support staff receive do.
//
//	hargen -size 500 > big.har      # about 500 MB
//
// The file is generated, never committed.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"
)

func main() {
	size := flag.Int("size", 500, "approximate size of the file, in MB")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	if err := write(w, int64(*size)<<20); err != nil {
		fmt.Fprintln(os.Stderr, "hargen:", err)
		os.Exit(1)
	}
}

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func write(w *bufio.Writer, target int64) error {
	rng := rand.New(rand.NewPCG(1, 2))
	t := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	w.WriteString(`{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"pages":[{"startedDateTime":"2026-11-30T09:00:00.000Z","id":"page_1","title":"Power Automate","pageTimings":{}}],"entries":[`)
	var written int64
	n := 0
	login := false
	entry := func(method, url string, status int, location, mime, text, encoding, resource string) {
		t = t.Add(time.Duration(20+rng.IntN(200)) * time.Millisecond)
		var hs []nv
		hs = append(hs, nv{"content-type", mime}, nv{"cache-control", "no-store"})
		if location != "" {
			hs = append(hs, nv{"location", location})
		}
		e := map[string]any{
			"_initiator": map[string]string{"type": "parser"}, "_priority": "High", "_resourceType": resource,
			"cache": map[string]any{}, "connection": "443", "pageref": "page_1",
			"request": map[string]any{
				"method": method, "url": url, "httpVersion": "http/2.0",
				"headers":     []nv{{":authority", "make.powerautomate.com"}, {"accept", "*/*"}, {"user-agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"}},
				"queryString": []nv{}, "cookies": []nv{}, "headersSize": -1, "bodySize": 0,
			},
			"response": map[string]any{
				"status": status, "statusText": "", "httpVersion": "http/2.0", "headers": hs, "cookies": []nv{},
				"content":     map[string]any{"size": len(text), "mimeType": mime, "text": text, "encoding": encoding},
				"redirectURL": location, "headersSize": -1, "bodySize": -1, "_transferSize": len(text) + 300, "_error": nil,
			},
			"serverIPAddress": "13.107.246.1", "startedDateTime": t.Format("2006-01-02T15:04:05.000Z"), "time": 42.1,
			"timings": map[string]float64{"blocked": 1, "dns": -1, "ssl": -1, "connect": -1, "send": 0.1, "wait": 40, "receive": 1},
		}
		if encoding == "" {
			delete(e["response"].(map[string]any)["content"].(map[string]any), "encoding")
		}
		// Chrome writes <, > and & as they are, not as \u003c.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.Encode(e)
		if n > 0 {
			w.WriteByte(',')
		}
		w.Write(bytes.TrimSpace(b.Bytes()))
		written += int64(b.Len())
		n++
	}
	blob := make([]byte, 48<<10)
	for written < target {
		if !login && written > target/2 {
			login = true
			pp := "https://global.consent.azure-apim.net/redirect/contoso-20orders-5f0e9a"
			st := "8a1c6f1e-2b7d-4c3e-9f10-6d2b1a0c9e41_unitedstates-002_azure-apim.net"
			q := "client_id=abc&response_type=code&redirect_uri=" + pp + "&state=" + st + "&scope=openid%20offline_access"
			cb := pp + "?code=xyz&state=" + st
			entry("GET", "https://login.contoso-gw.com/authorize?"+q, 302, "https://contoso.eu.auth0.com/authorize?"+q, "text/html", "", "", "document")
			entry("GET", "https://contoso.eu.auth0.com/authorize?"+q, 302, cb, "text/html", "", "", "document")
			entry("GET", cb, 200, "", "text/html", "<html><body>done</body></html>", "", "document")
			continue
		}
		switch k := rng.IntN(10); {
		case k < 3:
			page := "<!DOCTYPE html><html><head><title>Flows</title></head><body>" + strings.Repeat("<div class=\"row\">Flow run succeeded</div>", 300+rng.IntN(600)) + "</body></html>"
			entry("GET", fmt.Sprintf("https://make.powerautomate.com/environments/Default/flows/%d?tab=runs", n), 200, "", "text/html", page, "", "document")
		case k < 6:
			for i := range blob {
				blob[i] = byte(rng.UintN(256))
			}
			img := base64.StdEncoding.EncodeToString(blob[:8<<10+rng.IntN(40<<10)])
			entry("GET", fmt.Sprintf("https://content.powerapps.com/resource/img/%d.png", n), 200, "", "image/png", img, "base64", "image")
		case k < 9:
			js := `{"value":[` + strings.Repeat(`{"name":"run","status":"Succeeded","startTime":"2026-11-30T08:00:00Z"},`, 100+rng.IntN(300)) + `{}]}`
			entry("GET", fmt.Sprintf("https://api.flow.microsoft.com/providers/Microsoft.ProcessSimple/environments/Default/flows/%d/runs?api-version=2016-11-01", n), 200, "", "application/json", js, "", "fetch")
		default:
			entry("GET", fmt.Sprintf("https://content.powerapps.com/resource/app/%d.js", n), 200, "", "application/javascript", strings.Repeat("function f(){return 1};", 2000), "", "script")
		}
	}
	w.WriteString("]}}\n")
	return nil
}
