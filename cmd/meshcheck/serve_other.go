//go:build !unix

package main

import "errors"

func handOver(path string, _ []string) error {
	return handOverError(path, errors.New("run it directly on this system"))
}
