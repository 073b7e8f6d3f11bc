//go:build unix

package main

import (
	"os"
	"syscall"
)

// handOver replaces meshcheck with the webhook binary: same process, so
// signals and the exit code are the server's own. It returns only on error.
func handOver(path string, args []string) error {
	return handOverError(path, syscall.Exec(path, append([]string{path}, args...), os.Environ()))
}
