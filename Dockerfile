# The image deploy/ runs: meshcheck and the webhook server its `serve`
# command hands over to, on a distroless, non-root base.
# (Not built in CI here: the machines have no container engine.)
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/meshcheck/meshcheck/internal/buildinfo.version=${VERSION}" -o /out/ ./cmd/meshcheck ./cmd/meshcheck-webhook

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/meshcheck /out/meshcheck-webhook /
USER 65532:65532
ENTRYPOINT ["/meshcheck"]
