//go:build !windows

package main

import "os"

// openControllingTerminal opens /dev/tty, the terminal of the session
// whatever stdin, stdout and stderr are.
func openControllingTerminal() (in, out *os.File, err error) {
	f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	return f, f, nil
}
