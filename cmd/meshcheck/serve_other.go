//go:build !unix

package main

import "errors"

// handOver cannot replace the process here: run the webhook binary itself.
func handOver(string, []string) error {
	return errors.New("not possible on this system: run " + webhookBinary + " directly")
}
