package main

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/authtrace/authtrace/connector"
	"github.com/authtrace/authtrace/flow"
	"github.com/authtrace/authtrace/report"
)

// callSettings are the --call flags of login, demo and har: requests to
// the API with the access token, as the connector makes them.
type callSettings struct {
	urls         []string
	method       string
	headers      []string
	afterRefresh bool
	// timeout is --request-timeout where the command has no other
	// (demo, har); login's is its settings' own.
	timeout time.Duration
	ops     []string
	params  []string
	fs      *pflag.FlagSet // to tell given from default
}

// addFlags adds the flags: --call-after-refresh where the run refreshes
// (refresh), --call-op and --call-param where a connector can be given
// (ops).
func (c *callSettings) addFlags(fs *pflag.FlagSet, refresh, ops bool) {
	c.fs = fs
	call := "after the login, call the API at `URL` with the access token (Authorization: Bearer, as the platform sends it) and say whether it accepts it; repeatable"
	switch {
	case ops:
		call = "after the login, call the API at `URL` with the access token (Authorization: Bearer, as the platform sends it) and say whether it accepts it; with --connector a /path is relative to the swagger's host and basePath; repeatable"
	case !refresh:
		call = "call the API at `URL` with the file's newest access token (Authorization: Bearer, as the platform sends it) and say whether it accepts it; repeatable"
	}
	if fs.Lookup("request-timeout") == nil {
		fs.DurationVar(&c.timeout, "request-timeout", 30*time.Second, "timeout of each HTTP request (each --call too)")
	}
	fs.StringArrayVar(&c.urls, "call", nil, call)
	fs.StringVar(&c.method, "call-method", http.MethodGet, "HTTP `METHOD` of the --call requests")
	fs.StringArrayVar(&c.headers, "call-header", nil, "a header of the --call requests, `NAME:VALUE` (an API gateway's key, Accept); repeatable")
	if refresh {
		fs.BoolVar(&c.afterRefresh, "call-after-refresh", false, "call the API again with the refreshed access token, as the platform does an hour later")
	}
	if !ops {
		return
	}
	fs.StringArrayVar(&c.ops, "call-op", nil, "with --connector: call the swagger's operation `OPERATION_ID` (its method and path; path, query, header and body parameters from --call-param, the required ones named when missing); repeatable")
	fs.StringArrayVar(&c.params, "call-param", nil, "a parameter of the --call-op operation, `NAME=VALUE` (a body parameter's value is sent as the JSON body; a name no operation has is refused); repeatable")
}

// given reports whether any call is asked for.
func (c *callSettings) given() bool { return len(c.urls) > 0 || len(c.ops) > 0 }

// apply puts the calls into cfg. conn is the connector being replayed
// (nil without --connector) and params its connection parameters, which
// a templated swagger host ({customHost}) is filled from.
func (c *callSettings) apply(cfg *flow.Config, conn *connector.Connector, params map[string]string) error {
	if !c.given() {
		for _, name := range []string{"call-method", "call-header", "call-param", "call-after-refresh"} {
			if c.changed(name) {
				return usageErr("--%s is for --call or --call-op: give the API's URL with --call URL", name)
			}
		}
		return nil
	}
	if c.timeout < 0 || c.timeout == 0 && c.changed("request-timeout") {
		return usageErr("--request-timeout %s: give a positive duration, such as 30s", c.timeout)
	}
	if c.timeout > 0 {
		cfg.RequestTimeout = c.timeout
	}
	var headers []flow.Param
	for _, kv := range c.headers {
		name, value, ok := strings.Cut(kv, ":")
		name = strings.TrimSpace(name)
		if !ok || name == "" || strings.ContainsAny(name, " \t\r\n") || strings.ContainsAny(value, "\r\n") {
			// Not echoed: a key typed with = instead of : is still a key.
			return usageErr("--call-header %s: want NAME:VALUE, for example --call-header \"Ocp-Apim-Subscription-Key: KEY\"", headerShape(kv))
		}
		if strings.EqualFold(name, "Authorization") {
			return usageErr("--call-header Authorization: the call sends the login's access token as Authorization: Bearer itself")
		}
		headers = append(headers, flow.Param{Name: name, Value: strings.TrimSpace(value)})
	}
	method := strings.ToUpper(strings.TrimSpace(c.method))
	if method == "" || strings.IndexFunc(method, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return usageErr("--call-method %q: want an HTTP method such as GET or POST", c.method)
	}
	values, err := nameValues("--call-param", "taskId=42", c.params)
	if err != nil {
		return err
	}
	if len(c.params) > 0 && len(c.ops) == 0 {
		return usageErr("--call-param fills the parameters of a --call-op operation: give --call-op OPERATION_ID (with --connector)")
	}
	for _, raw := range c.urls {
		u, err := c.callURL(raw, conn, params)
		if err != nil {
			return err
		}
		cfg.Calls = append(cfg.Calls, flow.APICall{Method: method, URL: u, Headers: headers})
	}
	var ops []*connector.Operation
	for _, id := range c.ops {
		if conn == nil {
			return usageErr("--call-op %s builds the request from a connector's swagger: give --connector PATH (or the whole URL with --call)", id)
		}
		op, err := conn.Operation(id)
		if err != nil {
			return usageErr("--call-op %s: %v", id, err)
		}
		ops = append(ops, op)
	}
	if err := unknownParams(values, ops); err != nil {
		return err
	}
	for _, op := range ops {
		req, err := conn.Request(op, params, values)
		if me, ok := errors.AsType[*connector.MissingValuesError](err); ok {
			return usageErr("--call-op %s: the operation (%s %s) needs a value for %s: give --call-param %s=VALUE", op.ID, op.Method, op.Path, strings.Join(me.Names, ", "), me.Names[0])
		}
		if err != nil {
			return usageErr("--call-op %s: %v", op.ID, err)
		}
		m := method
		if !c.changed("call-method") {
			m = op.Method
		}
		hs := slices.Clone(headers)
		for _, h := range req.Headers {
			hs = append(hs, flow.Param{Name: h.Name, Value: h.Value})
		}
		cfg.Calls = append(cfg.Calls, flow.APICall{Method: m, URL: req.URL, Headers: hs, Body: req.Body})
	}
	cfg.CallAfterRefresh = c.afterRefresh
	return nil
}

// unknownParams refuses a --call-param that no --call-op operation has
// (a misspelt name would be dropped without a word), naming theirs.
func unknownParams(values map[string]string, ops []*connector.Operation) error {
	for _, name := range slices.Sorted(maps.Keys(values)) {
		if slices.ContainsFunc(ops, func(op *connector.Operation) bool { return op.Has(name) }) {
			continue
		}
		var ids, known []string
		for _, op := range ops {
			ids = append(ids, op.ID)
			for _, p := range op.Params {
				known = append(known, p.Name)
			}
		}
		has := "it has: " + strings.Join(known, ", ")
		if len(known) == 0 {
			has = "it has none"
		}
		return usageErr("--call-param %s: no parameter of %s has that name; %s", name, strings.Join(ids, ", "), has)
	}
	return nil
}

// callURL is a --call value as a whole URL: as given, or a path relative
// to the connector's API.
func (c *callSettings) callURL(raw string, conn *connector.Connector, params map[string]string) (string, error) {
	if u, err := url.Parse(raw); err == nil && u.IsAbs() {
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", usageErr("--call %s: want an http(s) URL with a host", report.RedactURL(raw))
		}
		if u.User != nil {
			// Not sent (the call's Authorization is the bearer token),
			// and a password must not be echoed.
			return "", usageErr("--call %s: the URL has a user or password, which the call does not send (its Authorization is the access token); give it without, and an API key with --call-header", report.RedactURL(raw))
		}
		return raw, nil
	}
	connectors := c.fs != nil && c.fs.Lookup("call-op") != nil // the command takes --connector
	switch {
	case !strings.HasPrefix(raw, "/") && connectors:
		return "", usageErr("--call %q: want the API's whole URL (https://api.example.com/me), or with --connector a path (/me)", raw)
	case !strings.HasPrefix(raw, "/"):
		return "", usageErr("--call %q: want the API's whole URL (https://api.example.com/me)", raw)
	case conn == nil && connectors:
		return "", usageErr("--call %s is a path: give the whole URL, or --connector PATH, whose swagger has the API's host and basePath", raw)
	case conn == nil:
		return "", usageErr("--call %s is a path: give the API's whole URL (https://api.example.com%s)", raw, raw)
	}
	u, err := conn.APIURL(raw, params)
	if err != nil {
		return "", usageErr("--call %s: %v", raw, err)
	}
	return u, nil
}

// changed reports whether the flag was given; set by addFlags' caller.
func (c *callSettings) changed(name string) bool {
	return c.fs != nil && c.fs.Changed(name)
}

// headerShape is a malformed --call-header as it may be shown: its name
// (up to a ':' or '='), never what follows.
func headerShape(kv string) string {
	name, _, cut := strings.Cut(kv, ":")
	if n, _, ok := strings.Cut(name, "="); ok {
		name, cut = n, true
	}
	if cut {
		return strconv.Quote(name + "…")
	}
	return "(no NAME:VALUE)"
}
