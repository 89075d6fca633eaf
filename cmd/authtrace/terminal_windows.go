//go:build windows

package main

import "os"

// openControllingTerminal opens the console: CONIN$ to read, CONOUT$ to
// write, whatever stdin, stdout and stderr are.
func openControllingTerminal() (in, out *os.File, err error) {
	in, err = os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err != nil {
		return nil, nil, err
	}
	out, err = os.OpenFile("CONOUT$", os.O_RDWR, 0)
	if err != nil {
		in.Close()
		return nil, nil, err
	}
	return in, out, nil
}
