// Tools module for `make image`: go-containerregistry writes the OCI image
// without a container engine. Built into bin/ by the Makefile; never imported
// by meshcheck, so the main module does not take these dependencies.
module github.com/meshcheck/meshcheck/hack/tools/image

go 1.26.0

require github.com/google/go-containerregistry v0.22.1

require (
	github.com/klauspost/compress v1.19.2 // indirect
	github.com/opencontainers/go-digest v1.0.0 // indirect
	github.com/opencontainers/image-spec v1.1.1 // indirect
	golang.org/x/sync v0.22.0 // indirect
)
