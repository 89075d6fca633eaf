//go:build !windows

package main

import (
	"os"
	"syscall"
)

// stopSignals end a run as Ctrl-C does: the browser closed, its profile
// removed, the report with the hops so far. A closed terminal or a
// dropped SSH session sends SIGHUP, a service manager or kill SIGTERM.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
