package main

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkDecodeProcess compares `authtrace decode TOKEN` as a whole
// process with a Go hello-world (the floor of any Go program's start on the
// machine). Target: within 2x. testdata/decode/bench-process.sh makes the
// same comparison with hyperfine, which reports medians and spread.
func BenchmarkDecodeProcess(b *testing.B) {
	if testing.Short() {
		b.Skip("builds two binaries")
	}
	dir := b.TempDir()
	bin := map[string]string{
		"hello":     filepath.Join(dir, "hello"),
		"authtrace": filepath.Join(dir, "authtrace"),
	}
	for name, pkg := range map[string]string{"hello": "./testdata/decode/hello", "authtrace": "."} {
		if out, err := exec.Command("go", "build", "-o", bin[name], pkg).CombinedOutput(); err != nil {
			b.Fatalf("go build %s: %v\n%s", pkg, err, out)
		}
	}
	tok := auth0Token(b)
	b.Run("hello", func(b *testing.B) {
		for b.Loop() {
			if err := exec.Command(bin["hello"]).Run(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode", func(b *testing.B) {
		for b.Loop() {
			// The token has error findings (expired), so exit 1 is expected.
			err := exec.Command(bin["authtrace"], "decode", tok).Run()
			if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != exitFindings) {
				b.Fatal(err)
			}
		}
	})
}
