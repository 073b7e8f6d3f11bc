package model

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/meshcheck/meshcheck/source"
)

// Labels, annotations and names of the Secrets the model derives facts from.
const (
	LabelMultiCluster  = "istio/multiCluster"
	AnnotationCluster  = "networking.istio.io/cluster"
	secretPlugInCA     = "cacerts"
	secretSelfSignedCA = "istio-ca-secret"
	configSecretName   = "istio-kubeconfig"
	maxKubeconfigBytes = 1 << 20
)

// secretData returns the Secret's values decoded, whether they were given
// base64-encoded (data) or in clear (stringData), and the path of each key.
// The values stay in this function's callers and are never put in the model.
func secretData(obj *source.Object) (map[string][]byte, map[string]string) {
	vals, paths := map[string][]byte{}, map[string]string{}
	for k, v := range secretValues(obj) {
		if b, ok := v.decode(); ok {
			vals[k], paths[k] = b, v.field()+"."+escapeKey(k)
		}
	}
	return vals, paths
}

func isRemoteSecret(obj *source.Object) bool {
	v, ok := obj.Label(LabelMultiCluster)
	return ok && strings.EqualFold(v, "true")
}

// remoteSecret derives the facts of a remote secret: which clusters it names
// and which API server each kubeconfig points at.
func remoteSecret(obj *source.Object, cluster string) *RemoteSecret {
	rs := &RemoteSecret{
		Name: obj.Name(), Namespace: obj.Namespace(), Type: "remote",
		Source: sourceAt(obj, cluster, "metadata.name", false),
	}
	if obj.Name() == configSecretName {
		rs.Type = "config"
	}
	_, rs.Encrypted = obj.Data["sops"]
	if v, ok := obj.Annotation(AnnotationCluster); ok {
		rs.ClusterAnnotation = &Fact[string]{
			Value:  v,
			Source: sourceAt(obj, cluster, "metadata.annotations."+escapeKey(AnnotationCluster), false),
		}
	}
	vals, paths := secretData(obj)
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e := kubeconfigEntry(vals[k])
		e.Key = k
		e.Source = sourceAt(obj, cluster, paths[k], false)
		rs.Entries = append(rs.Entries, e)
	}
	if rs.Entries == nil {
		rs.Entries = []SecretEntry{}
	}
	return rs
}

// kubeconfigEntry reads the parts of a kubeconfig that name clusters. It
// reports whether a credential is present, never what it is.
func kubeconfigEntry(b []byte) SecretEntry {
	var e SecretEntry
	if len(b) > maxKubeconfigBytes {
		e.Error = "kubeconfig larger than 1 MiB"
		return e
	}
	objs, errs := source.Read(strings.NewReader(string(b)), "", source.DefaultLimits())
	if len(errs) > 0 || len(objs) == 0 {
		e.Error = "not a kubeconfig"
		if len(errs) > 0 {
			// The parser's message may quote the secret's text: say where only.
			e.Error = "kubeconfig is not valid YAML"
			if errs[0].Line > 0 {
				e.Error += " (line " + strconv.Itoa(errs[0].Line) + ")"
			}
		}
		return e
	}
	kc := objs[0].Data
	e.CurrentContext = scalarString(kc["current-context"])
	ctx := named(kc["contexts"], e.CurrentContext)
	e.ContextCluster = scalarString(lookup(ctx, "context.cluster"))
	user := named(kc["users"], scalarString(lookup(ctx, "context.user")))
	e.Server = scalarString(lookup(named(kc["clusters"], e.ContextCluster), "cluster.server"))
	if u, err := url.Parse(e.Server); err == nil {
		e.ServerHost = u.Hostname()
	}
	e.HasCredentials = hasCredential(asMap(user["user"]))
	if e.CurrentContext == "" {
		e.Error = "kubeconfig has no current-context"
	}
	return e
}

// named finds the entry called name in a kubeconfig list.
func named(list any, name string) map[string]any {
	l, _ := list.([]any)
	for _, e := range l {
		if m := asMap(e); m != nil && scalarString(m["name"]) == name {
			return m
		}
	}
	return nil
}

// caSecret derives root-of-trust facts from cacerts or istio-ca-secret:
// fingerprints and whether the chain holds.
func caSecret(obj *source.Object, cluster string) *CASecret {
	cs := &CASecret{
		Name: obj.Name(), Namespace: obj.Namespace(), Keys: []string{},
		SelfSigned: obj.Name() == secretSelfSignedCA,
		Source:     sourceAt(obj, cluster, "metadata.name", false),
	}
	raw := secretValues(obj)
	rootKey := "root-cert.pem"
	if cs.SelfSigned {
		rootKey = "ca-cert.pem"
	}
	cf := rootFacts(certsKey{rootKey: rootKey, root: raw[rootKey], ca: raw["ca-cert.pem"], chain: raw["cert-chain.pem"], verify: !cs.SelfSigned})
	for k, v := range raw {
		decodes := cf.decodes[k]
		if _, cert := cf.decodes[k]; !cert {
			_, decodes = v.decode() // a key's presence is a fact; its value is dropped
		}
		if decodes {
			cs.Keys = append(cs.Keys, k)
		}
	}
	slices.Sort(cs.Keys)
	cs.RootFingerprint, cs.RootSubject, cs.Error = cf.fingerprint, cf.subject, cf.err
	if cf.chainsToRoot != nil {
		ok := *cf.chainsToRoot // the cached value is shared; the model's is its own
		cs.ChainsToRoot = &ok
	}
	return cs
}

// secretValue is a Secret's value as written: base64 (data) or in clear
// (stringData). The zero value is a missing key.
type secretValue struct {
	text         string
	set, encoded bool
}

func (v secretValue) field() string {
	if v.encoded {
		return "data"
	}
	return "stringData"
}

func (v secretValue) decode() ([]byte, bool) {
	if !v.encoded {
		return []byte(v.text), true
	}
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v.text))
	return b, err == nil
}

// secretValues returns the Secret's values as written, stringData over data.
func secretValues(obj *source.Object) map[string]secretValue {
	out := map[string]secretValue{}
	for _, field := range []string{"data", "stringData"} {
		data, _ := obj.Data[field].(map[string]any)
		for k, v := range data {
			s, _ := v.(string)
			out[k] = secretValue{text: s, set: true, encoded: field == "data"}
		}
	}
	return out
}

// certsKey is what a CA secret's root-of-trust facts depend on: the
// certificates as written, not decoded, so that a cache hit costs a map
// lookup. A missing key has the zero value.
type certsKey struct {
	rootKey         string
	root, ca, chain secretValue
	verify          bool
}

// certFacts are what caSecret derives from a CA secret's certificates.
type certFacts struct {
	fingerprint, subject string
	chainsToRoot         *bool
	err                  string
	// decodes tells, for each certificate key present, whether it decoded.
	decodes map[string]bool
}

// rootFactsCache memoizes certFacts by the certificates. The webhook
// rebuilds its cluster's model on every request, and decoding, parsing and
// verifying a cacerts chain cost about 0.45 ms, most of such a request.
// Certificates are public; the cache holds them and the facts the model
// keeps anyway, never a key.
var rootFactsCache = struct {
	sync.Mutex
	m map[certsKey]certFacts
}{m: map[certsKey]certFacts{}}

// rootFacts fingerprints the root certificate and, with verify, says
// whether ca-cert.pem chains to it through cert-chain.pem.
func rootFacts(k certsKey) certFacts {
	rootFactsCache.Lock()
	cf, ok := rootFactsCache.m[k]
	rootFactsCache.Unlock()
	if ok {
		return cf
	}
	cf.decodes = map[string]bool{}
	decoded := map[string][]byte{}
	for name, v := range map[string]secretValue{k.rootKey: k.root, "ca-cert.pem": k.ca, "cert-chain.pem": k.chain} {
		if v.set {
			decoded[name], cf.decodes[name] = v.decode()
		}
	}
	if cf.decodes[k.rootKey] {
		roots, err := certs(decoded[k.rootKey])
		if err != nil || len(roots) == 0 {
			cf.err = k.rootKey + ": " + errString(err, "no certificate")
		} else {
			cf.fingerprint = fingerprint(roots[0])
			cf.subject = roots[0].Subject.String()
			if k.verify {
				cf.chainsToRoot = chainsToRoot(decoded["ca-cert.pem"], decoded["cert-chain.pem"], roots)
			}
		}
	}
	rootFactsCache.Lock()
	if len(rootFactsCache.m) >= 1024 {
		clear(rootFactsCache.m) // a fleet has a few roots; this only bounds memory
	}
	rootFactsCache.m[k] = cf
	rootFactsCache.Unlock()
	return cf
}

func chainsToRoot(caPEM, chainPEM []byte, roots []*x509.Certificate) *bool {
	ca, err := certs(caPEM)
	if err != nil || len(ca) == 0 {
		return nil
	}
	pool, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r)
	}
	chain, _ := certs(chainPEM)
	for _, c := range chain {
		inter.AddCert(c)
	}
	// Validity in time is audit's concern; here only the signatures count.
	_, err = ca[0].Verify(x509.VerifyOptions{
		Roots: pool, Intermediates: inter,
		CurrentTime: ca[0].NotBefore.Add(time.Second),
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	ok := err == nil
	return &ok
}

func certs(b []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for len(b) > 0 {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return out, errors.New("certificate does not parse")
		}
		out = append(out, c)
	}
	return out, nil
}

// fingerprint is the SHA-256 of a certificate's DER, as rules compare roots.
func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// pemFingerprints fingerprints every certificate of the pem fields of
// meshConfig.caCertificates entries; entries without pem add nothing.
func pemFingerprints(entries []any) []string {
	out := []string{}
	for _, e := range entries {
		p, _ := asMap(e)["pem"].(string)
		cs, _ := certs([]byte(p))
		for _, c := range cs {
			if fp := fingerprint(c); !slices.Contains(out, fp) {
				out = append(out, fp)
			}
		}
	}
	return out
}

func errString(err error, fallback string) string {
	if err != nil {
		return err.Error()
	}
	return fallback
}

// SecretKeyRef names one key of a Secret in the cluster that holds it.
type SecretKeyRef struct {
	Namespace, Name, Key string
}

// CredentialCheck is the outcome of connecting with the kubeconfig under
// one remote-secret key: whether the API server it names rejected the
// credential (401 Unauthorized). Only a live audit can know it.
type CredentialCheck struct {
	Secret   SecretKeyRef
	Rejected bool
}

// checkCredentials records each check on the entry it was made with; a
// check whose secret or key the inputs do not show adds nothing.
func checkCredentials(c *Cluster, checks []CredentialCheck) {
	for _, ch := range checks {
		for j, rs := range c.RemoteSecrets {
			if rs.Namespace != ch.Secret.Namespace || rs.Name != ch.Secret.Name {
				continue
			}
			// A copy: the record may come from Reads, shared by other builds.
			cp := *rs
			cp.Entries = slices.Clone(rs.Entries)
			rs, c.RemoteSecrets[j] = &cp, &cp
			for i := range rs.Entries {
				if e := &rs.Entries[i]; e.Key == ch.Secret.Key {
					e.CredentialRejected = &Fact[bool]{Value: ch.Rejected, Source: e.Source}
				}
			}
		}
	}
}
