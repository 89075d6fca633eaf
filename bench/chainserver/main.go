// Command chainserver serves a redirect chain on 127.0.0.1 for the
// whole-process benchmark in bench/trace.sh: /hop/1 redirects to /hop/2 and
// so on; /hop/N (the last) answers a small login page. The query goes along
// unchanged, as an authorize request's would.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
)

func main() {
	hops := flag.Int("hops", 6, "requests in the chain, the last one a page")
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("http://%s/hop/1\n", ln.Addr())
	http.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if err != nil || n < 1 || n > *hops {
			http.NotFound(w, r)
			return
		}
		if n == *hops {
			fmt.Fprint(w, "<!doctype html><html><body><form><input name=login></form></body></html>")
			return
		}
		target := "/hop/" + strconv.Itoa(n+1)
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusFound)
	})
	log.Fatal(http.Serve(ln, nil))
}
