//go:build windows

package e2e

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own, as on Unix; Windows
// has no signal for a group, so stopGroup ends the process itself.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}

// stopGroup ends the process (Windows has no SIGTERM: both are a kill).
func stopGroup(cmd *exec.Cmd, _ bool) {
	cmd.Process.Kill() //nolint:errcheck // gone already is fine
}
