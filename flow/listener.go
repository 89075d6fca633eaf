package flow

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
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

// arrival is one request that reached the redirect path.
type arrival struct {
	method string
	url    string // as the browser asked for it, with the listener's host
	at     time.Time
}

// listener is the loopback redirect listener. The first request to the
// redirect path is the callback; later ones are passed on as well, to be
// recorded as hops, and never replace it. Other paths (favicon too) get a
// quiet 404.
type listener struct {
	srv      *http.Server
	ln       net.Listener
	port     int
	arrivals chan arrival

	mu       sync.Mutex
	received int
	answer   func(first bool, a arrival) (status int, body string)
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
		arrivals: make(chan arrival, 32),
		answer:   answer,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != lb.path {
			http.NotFound(w, r)
			return
		}
		a := arrival{method: r.Method, url: "http://" + r.Host + r.URL.RequestURI(), at: time.Now()}
		// Counting and queueing under one lock: the request told "first"
		// is the one the engine takes first.
		l.mu.Lock()
		l.received++
		first := l.received == 1
		select {
		case l.arrivals <- a:
		default: // a flood of late requests: the first 32 are plenty
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
