package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/meshcheck/meshcheck/internal/buildinfo"
)

// webhookBinary is the server that `meshcheck serve` runs. It links
// controller-runtime and Prometheus; meshcheck does not, so that every
// short command starts ~7 ms sooner (cmd/meshcheck-webhook says more).
const webhookBinary = "meshcheck-webhook"

func serveCommand() command {
	return command{
		name:  "serve",
		usage: "serve [flags]",
		short: "Run the admission webhook that refuses changes which break the mesh (" + webhookBinary + ").",
		// The flags are the webhook binary's: it parses them.
		raw: func(_ context.Context, args []string, s streams) int {
			path, err := findWebhook()
			if err != nil {
				return failed(s, err)
			}
			err = handOver(path, args) // returns only if it could not
			return failed(s, fmt.Errorf("start %s: %w", path, err))
		},
	}
}

// findWebhook looks beside meshcheck's own executable first, so that a
// release's pair stays together, then on PATH.
func findWebhook() (string, error) {
	if self, err := os.Executable(); err == nil {
		// A path with a separator is checked as is, not searched on PATH.
		if p, err := exec.LookPath(filepath.Join(filepath.Dir(self), webhookBinary)); err == nil {
			return p, nil
		}
	}
	p, err := exec.LookPath(webhookBinary)
	if err != nil {
		v := buildinfo.Version()
		if v == "dev" {
			v = "latest"
		}
		return "", errors.New("serve runs " + webhookBinary + ", found neither beside meshcheck nor on PATH: " +
			"install it with `go install github.com/meshcheck/meshcheck/cmd/" + webhookBinary + "@" + v + "` or `make build`")
	}
	return p, nil
}
