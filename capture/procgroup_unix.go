//go:build !windows && !linux

package capture

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the browser in a process group of its own.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}
