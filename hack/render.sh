#!/usr/bin/env bash
# Renders Istio installs with the real tools into OUT (make renders writes
# testdata/rendered; the freshness test writes a temporary directory and
# compares). Needs: ISTIOCTL, HELM (binaries built by make render-bins),
# ISTIO_DIR (the pinned istio.io/istio module: charts and profiles),
# ISTIO_VERSION and HELM_VERSION (written into the README), run from the
# repository root. Output is deterministic: same inputs, same bytes.
#
# Each render is split in two files: the CustomResourceDefinitions
# (<name>-crds.yaml, identical across renders, so git stores them once) and
# everything else (<name>.yaml). Nothing else is changed.
set -euo pipefail

: "${ISTIOCTL:?}" "${HELM:?}" "${ISTIO_DIR:?}" "${ISTIO_VERSION:?}" "${HELM_VERSION:?}" "${OUT:?}"
CORPUS=testdata/corpus
CHARTS="$ISTIO_DIR/manifests/charts"

rm -rf "$OUT"
mkdir -p "$OUT"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

# split FILE_BASE: reads a render on stdin, writes FILE_BASE.yaml and (when
# there are any) FILE_BASE-crds.yaml; FILE_BASE.yaml is empty when the render
# is (profile empty).
split() {
	: >"$1.yaml"
	awk -v main="$1.yaml" -v crds="$1-crds.yaml" '
		function flush(   i, out) {
			if (crd) { out = crds; if (nc++) printf "---\n" > out }
			else if (kind) { out = main; if (nm++) printf "---\n" > out }
			if (out != "") for (i = 0; i < n; i++) print lines[i] > out
			n = 0; kind = 0; crd = 0
		}
		/^---[[:space:]]*$/ { flush(); next }
		/^kind: / { kind = 1 }
		/^kind: CustomResourceDefinition[[:space:]]*$/ { crd = 1 }
		{ lines[n++] = $0 }
		END { flush() }'
}

# Renders run RENDER_JOBS at a time (default: one per core); each tool run
# is mostly start-up. The README's table is written in order, as it is queued.
JOBS=${RENDER_JOBS:-$(nproc)}
pids=()
queue() {
	"$@" &
	pids+=($!)
	if ((${#pids[@]} >= JOBS)); then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
}
drain() {
	for p in "${pids[@]}"; do wait "$p"; done
	pids=()
}

# note TARGET COMMAND: one line of the README's table.
note() { printf '| `%s` | `%s` |\n' "$1" "$2" >>"$LOG"; }

# run_istioctl drops istioctl's warnings on stderr unless it fails.
run_istioctl() {
	local base=$1 err
	shift
	err=$(mktemp)
	if ! "$ISTIOCTL" manifest generate "$@" 2>"$err" | split "$OUT/$base"; then
		echo "istioctl manifest generate $*:" >&2
		cat "$err" >&2
		rm -f "$err"
		return 1
	fi
	rm -f "$err"
}
run_helm() {
	local base=$1 release=$2 chart=$3 ns=$4
	shift 4
	"$HELM" template "$release" "$CHARTS/$chart" -n "$ns" "$@" | split "$OUT/$base"
}

# istioctl manifest generate; arguments after the first are its flags.
istioctl_render() {
	local base=$1
	shift
	queue run_istioctl "$base" "$@"
	note "$base.yaml" "istioctl manifest generate $*"
}

# helm template RELEASE CHART_DIR NAMESPACE [flags...]
helm_render() {
	local base=$1 release=$2 chart=$3 ns=$4
	shift 4
	queue run_helm "$base" "$release" "$chart" "$ns" "$@"
	note "$base.yaml" "helm template $release <istio>/manifests/charts/$chart -n $ns $*"
}

# Every istioctl profile of the pinned version: the profiles istioctl embeds
# (manifests/profiles; the pinned istioctl has no "profile list" command).
for f in "$ISTIO_DIR"/manifests/profiles/*.yaml; do
	p=$(basename "$f" .yaml)
	mkdir -p "$OUT/profiles/$p"
	istioctl_render "profiles/$p/install" --set "profile=$p"
done

# Every IstioOperator of the corpus, each cluster's render in the corpus's
# fleet layout, its other files (secrets, namespaces, gateways) copied beside.
for cluster in "$CORPUS"/*/iop/*/; do
	cluster=${cluster%/}
	rel=${cluster#"$CORPUS"/}
	mkdir -p "$OUT/corpus/$rel"
	for f in "$cluster"/*.yaml; do
		name=$(basename "$f" .yaml)
		if grep -q '^kind: IstioOperator' "$f"; then
			istioctl_render "corpus/$rel/$name" -f "$f"
		else
			cp "$f" "$OUT/corpus/$rel/"
		fi
	done
done

# Every Helm form of the corpus: helm template of the chart each values file
# belongs to, with the release and namespace of the helm install command its
# first comment gives; other files copied beside. Ambient clusters also get the
# cni (profile=ambient) and ztunnel charts the ambient doc installs.
chart_dir() {
	case $1 in
	istiod) echo istio-control/istio-discovery ;;
	gateway) echo gateway ;;
	cni) echo istio-cni ;;
	*) echo "$1" ;;
	esac
}
for cluster in "$CORPUS"/*/helm/*/; do
	cluster=${cluster%/}
	rel=${cluster#"$CORPUS"/}
	mkdir -p "$OUT/corpus/$rel"
	for f in "$cluster"/*.yaml; do
		name=$(basename "$f" .yaml)
		case $name in
		*-values)
			read -r release chart ns < <(sed -n 's|^#[[:space:]]*helm install \([^ ]*\) istio/\([^ ]*\) -n \([^ ]*\).*|\1 \2 \3|p' "$f" | head -1)
			[ -n "${ns:-}" ] || { echo "$f: no 'helm install RELEASE istio/CHART -n NS' comment" >&2; exit 1; }
			helm_render "corpus/$rel/${name%-values}" "$release" "$(chart_dir "$chart")" "$ns" -f "$f"
			;;
		*) cp "$f" "$OUT/corpus/$rel/" ;;
		esac
	done
	if grep -qx 'profile: ambient' "$cluster"/*-values.yaml; then
		helm_render "corpus/$rel/istio-cni" istio-cni istio-cni istio-system --set profile=ambient
		helm_render "corpus/$rel/ztunnel" ztunnel ztunnel istio-system
	fi
done

# The charts alone, one directory (one cluster) per render: defaults, and the
# ambient values the corpus uses.
chart_alone() {
	local chart=$1 variant=$2 release=$3
	shift 3
	mkdir -p "$OUT/charts/$chart/$variant"
	helm_render "charts/$chart/$variant/$chart" "$release" "$(chart_dir "$chart")" istio-system "$@"
}
chart_alone base default istio-base
chart_alone istiod default istiod
chart_alone istiod ambient istiod --set profile=ambient
chart_alone gateway default istio-ingressgateway
chart_alone cni default istio-cni
chart_alone cni ambient istio-cni --set profile=ambient
chart_alone ztunnel default ztunnel

drain

cat >"$OUT/README.md" <<EOF
# Rendered installs

Generated by \`make renders\` (hack/render.sh); do not edit. \`make render-test\` renders again
and fails on any difference. \`cmd/meshcheck/rendered_test.go\` lints every directory here and
requires no error or warning finding.

Tools, built from Go modules by \`make render-bins\`:

- istioctl from \`istio.io/istio\` $ISTIO_VERSION (hack/referee/tools/go.mod); charts and
  profiles are that module's \`manifests/\` (\`<istio>\` below).
- helm from \`helm.sh/helm/v4\` $HELM_VERSION (hack/tools/helm/go.mod).

Layout:

- \`profiles/<profile>/\`: one cluster per istioctl profile (every file of
  \`manifests/profiles\`: the pinned istioctl has no \`profile list\` command).
- \`corpus/<model>/<form>/<cluster>/\`: the fleets of testdata/corpus in iop and helm form, each
  IstioOperator or values file replaced by its render, every other file copied as is.
- \`charts/<chart>/<values>/\`: the charts alone, with defaults and with the ambient values.

Every render is split into \`<name>-crds.yaml\` (its CustomResourceDefinitions) and
\`<name>.yaml\` (everything else); nothing else is changed. istioctl's warnings on stderr are dropped.

| File | Command |
|---|---|
EOF
cat "$LOG" >>"$OUT/README.md"
