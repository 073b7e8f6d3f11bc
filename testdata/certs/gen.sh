#!/usr/bin/env bash
# Generates the certificate material used by testdata/corpus and testdata/mistakes.
#
# It follows istio.io "Plug in CA Certificates"
# (content/en/docs/tasks/security/cert-management/plugin-ca-cert) and the
# istio/istio tools/certs/{common.mk,Makefile.selfsigned.mk} it drives:
#   make -f Makefile.selfsigned.mk root-ca
#   make -f Makefile.selfsigned.mk <cluster>-cacerts
# i.e. ONE shared root (RSA 4096, O=Istio, CN=Root CA) and one intermediate per
# cluster (RSA 4096, O=Istio, CN=Intermediate CA, L=<cluster>, pathlen:0,
# SAN DNS istiod.istio-system.svc) signed by that root;
# cert-chain.pem = ca-cert.pem + root-cert.pem.
# Intermediates are valid 3650 days (as in the sail-operator multicluster doc)
# instead of the Makefile's 730 so the fixtures do not expire soon.
#
# Layout (relative to this directory):
#   root-ca.conf root-key.pem root-cert.pem      shared root of trust
#   <cluster>/{intermediate.conf,ca-key.pem,ca-cert.pem,cert-chain.pem,root-cert.pem}
#                                                for cluster1 cluster2 external-cluster
#   other-root/...                               a SECOND, unrelated root with its own
#                                                cluster2 intermediate (mistake #1)
#   kube-ca/<name>.pem                           fake Kubernetes API server CAs used as
#                                                certificate-authority-data in remote secrets
#
# Usage:
#   ./gen.sh                         generate everything that is missing (idempotent)
#   ./gen.sh secret <cluster> [namespace] [rootdir]
#                                    print the `cacerts` Secret for <cluster> the way
#                                    `kubectl create secret generic cacerts --from-file=...`
#                                    + `kubectl get -o yaml` shows it (data: base64)
#   ./gen.sh kubeca <name>           print base64 certificate-authority-data for <name>
set -euo pipefail
cd "$(dirname "$0")"

CLUSTERS=(cluster1 cluster2 external-cluster)
KUBE_CAS=(cluster1 cluster2 remote1 second-remote)
ROOTCA_DAYS=3650
INTERMEDIATE_DAYS=3650

root_ca_conf() {
  cat <<CONF
[ req ]
encrypt_key = no
prompt = no
utf8 = yes
default_md = sha256
default_bits = 4096
req_extensions = req_ext
x509_extensions = req_ext
distinguished_name = req_dn
[ req_ext ]
subjectKeyIdentifier = hash
basicConstraints = critical, CA:true
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign
[ req_dn ]
O = Istio
CN = Root CA
CONF
}

intermediate_conf() { # $1 = cluster (L=)
  cat <<CONF
[ req ]
encrypt_key = no
prompt = no
utf8 = yes
default_md = sha256
default_bits = 4096
req_extensions = req_ext
x509_extensions = req_ext
distinguished_name = req_dn
[ req_ext ]
subjectKeyIdentifier = hash
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign
subjectAltName=@san
[ san ]
DNS.1 = istiod.istio-system.svc
[ req_dn ]
O = Istio
CN = Intermediate CA
L = $1
CONF
}

gen_root() { # $1 = directory holding the root
  local d=$1
  mkdir -p "$d"
  [[ -f $d/root-cert.pem ]] && return 0
  echo "generating $d/root-cert.pem" >&2
  root_ca_conf > "$d/root-ca.conf"
  openssl genrsa -out "$d/root-key.pem" 4096 2>/dev/null
  openssl req -sha256 -new -key "$d/root-key.pem" -config "$d/root-ca.conf" -out "$d/root-cert.csr"
  openssl x509 -req -sha256 -days "$ROOTCA_DAYS" -signkey "$d/root-key.pem" \
    -extensions req_ext -extfile "$d/root-ca.conf" -in "$d/root-cert.csr" -out "$d/root-cert.pem" 2>/dev/null
  rm -f "$d/root-cert.csr"
}

gen_intermediate() { # $1 = root dir, $2 = cluster
  local r=$1 c=$2 d=$1/$2
  [[ -f $d/cert-chain.pem ]] && return 0
  echo "generating $d/ca-cert.pem" >&2
  mkdir -p "$d"
  intermediate_conf "$c" > "$d/intermediate.conf"
  openssl genrsa -out "$d/ca-key.pem" 4096 2>/dev/null
  openssl req -new -config "$d/intermediate.conf" -key "$d/ca-key.pem" -out "$d/cluster-ca.csr"
  openssl x509 -req -sha256 -days "$INTERMEDIATE_DAYS" \
    -CA "$r/root-cert.pem" -CAkey "$r/root-key.pem" -CAcreateserial \
    -extensions req_ext -extfile "$d/intermediate.conf" \
    -in "$d/cluster-ca.csr" -out "$d/ca-cert.pem" 2>/dev/null
  cat "$d/ca-cert.pem" "$r/root-cert.pem" > "$d/cert-chain.pem"
  cp "$r/root-cert.pem" "$d/root-cert.pem"
  rm -f "$d/cluster-ca.csr" "$r/root-cert.srl"
}

gen_kube_ca() { # $1 = cluster name; a small self-signed CA standing in for the API server CA
  local n=$1
  mkdir -p kube-ca
  [[ -f kube-ca/$n.pem ]] && return 0
  echo "generating kube-ca/$n.pem" >&2
  local key
  key=$(mktemp)
  openssl ecparam -name prime256v1 -genkey -noout -out "$key"
  openssl req -x509 -new -key "$key" -sha256 -days 3650 -subj "/CN=kubernetes-ca-$n" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "kube-ca/$n.pem"
  rm -f "$key"
}

b64() { base64 -w0 < "$1"; }

print_secret() { # $1 = cluster, $2 = namespace, $3 = root dir
  local c=$1 ns=${2:-istio-system} r=${3:-.}
  local d=$r/$c
  [[ -f $d/cert-chain.pem ]] || { echo "no intermediate for $c under $r" >&2; exit 1; }
  cat <<YAML
apiVersion: v1
data:
  ca-cert.pem: $(b64 "$d/ca-cert.pem")
  ca-key.pem: $(b64 "$d/ca-key.pem")
  cert-chain.pem: $(b64 "$d/cert-chain.pem")
  root-cert.pem: $(b64 "$d/root-cert.pem")
kind: Secret
metadata:
  name: cacerts
  namespace: $ns
type: Opaque
YAML
}

case "${1:-all}" in
  all)
    gen_root .
    for c in "${CLUSTERS[@]}"; do gen_intermediate . "$c"; done
    gen_root other-root
    gen_intermediate other-root cluster2
    for n in "${KUBE_CAS[@]}"; do gen_kube_ca "$n"; done
    ;;
  secret) shift; print_secret "$@" ;;
  kubeca) b64 "kube-ca/$2.pem"; echo ;;
  *) echo "usage: $0 [all | secret <cluster> [namespace] [rootdir] | kubeca <name>]" >&2; exit 2 ;;
esac
