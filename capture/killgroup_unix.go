//go:build !windows

package capture

import "syscall"

// killGroup kills what is left of the process group ownGroup made.
func killGroup(pid int) {
	syscall.Kill(-pid, syscall.SIGKILL) //nolint:errcheck // gone already is fine
}
