//go:build windows

package main

import "os"

// stopSignals end a run as Ctrl-C does (Windows has only os.Interrupt).
var stopSignals = []os.Signal{os.Interrupt}
