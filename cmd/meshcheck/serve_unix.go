//go:build unix

package main

import (
	"os"
	"syscall"
)

// handOver replaces meshcheck with the webhook binary: same process, so
// signals and the exit code are the server's own.
func handOver(path string, args []string) error {
	return syscall.Exec(path, append([]string{path}, args...), os.Environ())
}
