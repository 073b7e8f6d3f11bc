#!/usr/bin/env bash
# Installs a meshcheck release for the runner's platform, checked against the
# release's SHA256SUMS, and puts it on the job's PATH (the action's first step).
#
#   MESHCHECK_VERSION      release tag, e.g. v0.3.0 (required)
#   MESHCHECK_RELEASE_URL  where release tags are (default: GitHub releases)
#   RUNNER_TEMP, GITHUB_PATH  set by the runner
set -euo pipefail

fail() { echo "meshcheck action: $*" >&2; exit 1; }

version="${MESHCHECK_VERSION:-}"
[[ "$version" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$ ]] ||
  fail "input version must be a release tag such as v0.3.0, got '${version}'"
base="${MESHCHECK_RELEASE_URL:-https://github.com/meshcheck/meshcheck/releases/download}"

case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  *) fail "runners on $(uname -s) are not supported (releases are built for Linux and macOS; on Windows use the zip archive)" ;;
esac
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "no release is built for $(uname -m)" ;;
esac

archive="meshcheck_${version}_${os}_${arch}.tar.gz"
dir="${RUNNER_TEMP:?RUNNER_TEMP is set by the runner}/meshcheck-${version}"
mkdir -p "$dir"
curl -fsSL --retry 3 -o "$dir/$archive" "$base/$version/$archive" || fail "cannot download $base/$version/$archive"
curl -fsSL --retry 3 -o "$dir/SHA256SUMS" "$base/$version/SHA256SUMS" || fail "cannot download $base/$version/SHA256SUMS"

# Only the line for this archive is checked: a release without one fails.
want="$(awk -v f="$archive" '$2 == f {print $1}' "$dir/SHA256SUMS")"
[ -n "$want" ] || fail "$archive is not listed in the release's SHA256SUMS"
if command -v sha256sum >/dev/null 2>&1; then
  got="$(sha256sum "$dir/$archive" | awk '{print $1}')"
else
  got="$(shasum -a 256 "$dir/$archive" | awk '{print $1}')"
fi
[ "$got" = "$want" ] || fail "$archive has SHA-256 $got, the release's SHA256SUMS says $want"

tar -xzf "$dir/$archive" -C "$dir" meshcheck
"$dir/meshcheck" version
echo "$dir" >>"${GITHUB_PATH:?GITHUB_PATH is set by the runner}"
