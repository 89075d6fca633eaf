package report

import (
	"net/url"
	"strings"
)

// CutMiddle shortens text to w runes keeping both ends, which for URLs
// and long state values are the parts that tell them apart. It makes the
// text printable first. Below 5 runes it cuts the end.
func CutMiddle(s string, w int) string {
	r := []rune(Printable(s))
	if len(r) <= w {
		return string(r)
	}
	if w < 5 {
		if w <= 1 {
			return string(r[:max(w, 0)])
		}
		return string(r[:w-1]) + "…"
	}
	head := (w - 1) / 2
	tail := w - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// ElidePath shows a URL's host:port and path in w cells. What tells hops on
// one host apart is the port and the last path segment, so those stay:
// middle segments go first ("127.0.0.1:41001/…/identifier"), then the
// middle of the last segment, and only then the middle of the host. The
// query is left out: the comparison shows the parameters.
func ElidePath(raw string, w int) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return CutMiddle(raw, w)
	}
	host, path := []rune(Printable(u.Host)), []rune(Printable(u.EscapedPath()))
	if len(host)+len(path) <= w {
		return string(host) + string(path)
	}
	if len(path) < 2 {
		return CutMiddle(string(host)+string(path), w)
	}
	segs := strings.Split(strings.TrimPrefix(string(path), "/"), "/")
	last := segs[len(segs)-1]
	if last == "" && len(segs) > 1 {
		// A trailing slash belongs to the last segment: it is often the
		// very difference to see.
		segs = segs[:len(segs)-1]
		last = segs[len(segs)-1] + "/"
	}
	lead := ""
	if len(segs) > 1 {
		lead = "/…"
		// Keep as many leading segments as still fit.
		for k := len(segs) - 2; k > 0; k-- {
			try := "/" + strings.Join(segs[:k], "/") + "/…"
			if len(host)+len([]rune(try))+1+len([]rune(last)) <= w {
				lead = try
				break
			}
		}
	}
	tail := lead + "/" + last
	if len(host)+len([]rune(tail)) <= w {
		return string(host) + tail
	}
	if room := w - len(host) - len([]rune(lead)) - 1; room >= 5 {
		return string(host) + lead + "/" + CutMiddle(last, room)
	}
	if room := w - len(host) - 2; room >= 5 {
		return string(host) + "/" + CutMiddle(string(path[1:]), room)
	}
	return CutMiddle(string(host)+string(path), w)
}
