package capture

import (
	"os/exec"
	"syscall"
)

// ownGroup starts the browser in a process group of its own, killed
// with authtrace's thread as chromedp's default does (Pdeathsig).
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
