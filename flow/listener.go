package flow

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// ListenError says the loopback listener could not start. PortInURI says
// the port came from the redirect URI (where it must then be changed)
// rather than from the port setting.
type ListenError struct {
	Addr      string
	PortInURI bool
	Err       error
}

func (e *ListenError) Error() string { return e.Words(nil) }

// Words is the error with name(setting) for the settings it points to.
func (e *ListenError) Words(name func(Setting) string) string {
	if errors.Is(e.Err, syscall.EADDRINUSE) {
		if e.PortInURI {
			return words("cannot listen on %s: the port is in use by another program; change the port in %s (and register that redirect URI with the provider), or stop the program using it", e.Addr, mark(SettingRedirectURI)).In(name)
		}
		return words("cannot listen on %s: the port is in use by another program; choose another port with %s (0: any free one), and register that redirect URI with the provider", e.Addr, mark(SettingPort)).In(name)
	}
	return fmt.Sprintf("cannot listen on %s: %v", e.Addr, e.Err)
}

func (e *ListenError) Unwrap() error { return e.Err }

// arrival is one request that reached the listener: on the redirect
// path, or refused for its Host.
type arrival struct {
	method string
	url    string // as the browser asked for it, with the Host it sent
	at     time.Time
	// refused says why the listener answered 400 instead of taking the
	// request: its Host was not the listener's own.
	refused string
}

// maxArrivals bounds the requests kept after the callback: a reload or a
// second tab is worth a hop, a flood is not. maxRefused bounds those
// refused for their Host the same way, within that: a few show what is
// going on, the rest are counted.
const (
	maxArrivals = 32
	maxRefused  = 5
)

// listener is the loopback redirect listener. The first request to the
// redirect path is the callback, on a channel of its own so that no flood
// of other requests can crowd it out; later ones and those refused for
// their Host are passed on as well, to be recorded as hops, and never
// replace it. Other paths (favicon too) get a quiet 404.
type listener struct {
	srv      *http.Server
	ln       net.Listener
	port     int
	callback chan arrival // the first request to the redirect path
	arrivals chan arrival // later ones, and refused ones

	mu       sync.Mutex
	received int // requests taken on the redirect path
	refused  int // requests refused for their Host
	dropped  int // arrivals not kept: over maxRefused, or maxArrivals waiting
	answer   func(first bool, a arrival) (status int, body string)
	lb       loopback
}

// listen binds the loopback address of the redirect URI, never all
// interfaces. answer decides what the browser is shown.
func listen(lb loopback, answer func(first bool, a arrival) (int, string)) (*listener, error) {
	addr := net.JoinHostPort(lb.bind, strconv.Itoa(lb.port))
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, &ListenError{Addr: addr, PortInURI: lb.uri.Port() != "" && lb.uri.Port() != "0", Err: err}
	}
	l := &listener{
		ln:       ln,
		port:     ln.Addr().(*net.TCPAddr).Port,
		callback: make(chan arrival, 1),
		arrivals: make(chan arrival, maxArrivals),
		answer:   answer,
		lb:       lb,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		a := arrival{method: r.Method, url: "http://" + r.Host + r.URL.RequestURI(), at: time.Now()}
		if !l.ownHost(r.Host) {
			// A page on another site whose name resolves to 127.0.0.1
			// (DNS rebinding) sends its own name: it gets nothing.
			a.refused = fmt.Sprintf("Host %q is not this listener's (%s)", r.Host, l.hostPort())
			l.mu.Lock()
			l.refused++
			if l.refused <= maxRefused {
				l.queue(a)
			} else {
				l.dropped++
			}
			l.mu.Unlock()
			http.Error(w, "authtrace: this listener answers only to "+l.hostPort(), http.StatusBadRequest)
			return
		}
		if r.URL.EscapedPath() != lb.path {
			http.NotFound(w, r)
			return
		}
		// Counting and queueing under one lock: the request told "first"
		// is the one the engine takes first.
		l.mu.Lock()
		l.received++
		first := l.received == 1
		if first {
			l.callback <- a // room for one, and there is only one first
		} else {
			l.queue(a)
		}
		l.mu.Unlock()
		status, body := l.answer(first, a)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	})
	l.srv = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	go l.srv.Serve(ln) //nolint:errcheck // returns ErrServerClosed on close
	return l, nil
}

// queue passes a on to the engine, or counts it as dropped when
// maxArrivals are already waiting. l.mu is held.
func (l *listener) queue(a arrival) {
	select {
	case l.arrivals <- a:
	default:
		l.dropped++
	}
}

// droppedCount is how many arrivals were not kept.
func (l *listener) droppedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dropped
}

// hostPort is the Host a browser sends for the redirect URI.
func (l *listener) hostPort() string {
	return net.JoinHostPort(strings.Trim(l.lb.host, "[]"), strconv.Itoa(l.port))
}

// ownHost reports whether a request's Host names this listener: a
// loopback spelling (127.0.0.1, localhost, [::1]) and its port. Any
// loopback spelling is taken, because a provider or proxy that rewrote
// localhost to 127.0.0.1 still reached this listener, and the comparison
// reports the rewrite; a rebinding page's own host name is refused.
func (l *listener) ownHost(host string) bool {
	h, p, err := net.SplitHostPort(host)
	if err != nil && l.port == 80 {
		h, p, err = strings.Trim(host, "[]"), "80", nil // a browser leaves out :80
	}
	if err != nil || p != strconv.Itoa(l.port) {
		return false
	}
	switch strings.ToLower(h) {
	case "127.0.0.1", "localhost", "::1":
		return true
	}
	return false
}

// close stops the listener, letting the page being answered finish.
func (l *listener) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := l.srv.Shutdown(ctx); err != nil {
		l.srv.Close()
	}
}

// callbackPage is the page the browser shows after the redirect.
func callbackPage(title, text string) string {
	return `<!doctype html><html><head><meta charset="utf-8"><title>authtrace: ` + html.EscapeString(title) +
		`</title></head><body style="font-family:system-ui,sans-serif;max-width:40em;margin:4em auto">` +
		`<h1>` + html.EscapeString(title) + `</h1><p>` + html.EscapeString(text) + `</p></body></html>`
}
