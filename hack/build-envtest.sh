#!/usr/bin/env bash
# Build the control-plane binaries envtest needs (kube-apiserver, etcd) from
# Go modules, so that nothing but the Go module proxy is required (no
# setup-envtest / GCS / GitHub release downloads).
#
# Versions are pinned by the tools modules:
#   hack/tools/envtest/go.mod       k8s.io/kubernetes          -> kube-apiserver
#   hack/tools/envtest/etcd/go.mod  go.etcd.io/etcd/server/v3  -> etcd
#
# Usage: hack/build-envtest.sh [ASSETS_DIR]
#   ASSETS_DIR defaults to $ENVTEST_BIN/<k8s version>-<goos>-<goarch>
#   (ENVTEST_BIN defaults to <repo>/bin/k8s), i.e. the same layout that
#   setup-envtest uses. A binary is (re)built only when it is missing or its
#   version stamp (ASSETS_DIR/.<name>.version) differs from the pinned version.
#   On success prints "KUBEBUILDER_ASSETS=<ASSETS_DIR>" on stdout; progress goes
#   to stderr, so:  export "$(hack/build-envtest.sh)"
#
# Cold build on 2 cores: kube-apiserver ~4-5 min / ~2.5 GB RSS, etcd ~1 min.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools="${root}/hack/tools/envtest"

# mod_version <go.mod> <module path>: the required version of a module
# (comment lines skipped; works for both block and single-line requires).
mod_version() {
  awk -v m="$2" '/^[[:space:]]*\/\//{next} {for (i = 1; i < NF; i++) if ($i == m) {print $(i+1); exit}}' "$1"
}

k8s_version=$(mod_version "${tools}/go.mod" k8s.io/kubernetes)           # v1.37.2
etcd_version=$(mod_version "${tools}/etcd/go.mod" go.etcd.io/etcd/server/v3) # v3.6.16
if [[ -z ${k8s_version} || -z ${etcd_version} ]]; then
  echo "envtest: cannot read pinned versions from ${tools}/go.mod and ${tools}/etcd/go.mod" >&2
  exit 1
fi

goos=$(go env GOOS)
goarch=$(go env GOARCH)
assets=${1:-${ENVTEST_BIN:-${root}/bin/k8s}/${k8s_version#v}-${goos}-${goarch}}
mkdir -p "${assets}"
assets=$(cd "${assets}" && pwd)

# Hermetic-ish go settings: ignore any go.work above us, use exactly the
# committed go.mod/go.sum, static binaries (no C toolchain needed).
export GOWORK=off
export GOFLAGS="-mod=readonly -buildvcs=false"
export CGO_ENABLED=0

# build <name> <version> <module dir> <package> <first-time estimate> [go build args...]
build() {
  local name=$1 version=$2 moddir=$3 pkg=$4 estimate=$5
  shift 5
  local bin="${assets}/${name}" stamp="${assets}/.${name}.version"
  if [[ -x ${bin} && -f ${stamp} && $(<"${stamp}") == "${version}" ]]; then
    return 0
  fi
  echo "envtest: building ${name} ${version} (first time: ~${estimate}) ..." >&2
  local tmp="${bin}.tmp.$$" log="${assets}/.${name}.build.log" start=${SECONDS}
  if ! (cd "${moddir}" && go build -trimpath "$@" -o "${tmp}" "${pkg}") >"${log}" 2>&1; then
    rm -f "${tmp}"
    echo "envtest: FAILED to build ${name} ${version}; last lines of ${log}:" >&2
    tail -n 40 "${log}" >&2
    exit 1
  fi
  mv -f "${tmp}" "${bin}" # atomic: an interrupted build never leaves a half binary
  echo "${version}" >"${stamp}"
  rm -f "${log}"
  local took=$((SECONDS - start))
  echo "envtest: built ${name} ${version} in $((took / 60))m$((took % 60))s" >&2
}

# Same version variables the Kubernetes release build stamps (hack/lib/version.sh),
# so /version reports v1.37.2 instead of v0.0.0-master.
minor=${k8s_version#v*.}
minor=${minor%%.*}
major=${k8s_version#v}
major=${major%%.*}
kldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kldflags+=" -X ${pkg}.gitVersion=${k8s_version} -X ${pkg}.gitMajor=${major} -X ${pkg}.gitMinor=${minor} -X ${pkg}.gitTreeState=clean"
done

build kube-apiserver "${k8s_version}" "${tools}" k8s.io/kubernetes/cmd/kube-apiserver "5 min" -ldflags "${kldflags}"
build etcd "${etcd_version}" "${tools}/etcd" go.etcd.io/etcd/server/v3 "1 min" -ldflags "-s -w"

# Tests run without make (go test ./...) find the binaries through this
# pointer: the Makefile is the one place that reads the pinned versions.
basename "${assets}" >"$(dirname "${assets}")/current"
echo "KUBEBUILDER_ASSETS=${assets}"
