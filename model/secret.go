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

// SecretData returns the Secret's values decoded, whether they were given
// base64-encoded (data) or in clear (stringData, which wins), and the path
// of each key. The values stay in this function's callers and are never
// put in the model.
func SecretData(obj *source.Object) (map[string][]byte, map[string]string) {
	vals, paths := map[string][]byte{}, map[string]string{}
	if data, ok := obj.Data["data"].(map[string]any); ok {
		for k, v := range data {
			s, _ := v.(string)
			b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
			if err != nil {
				continue
			}
			vals[k], paths[k] = b, "data."+escapeKey(k)
		}
	}
	if data, ok := obj.Data["stringData"].(map[string]any); ok {
		for k, v := range data {
			s, _ := v.(string)
			vals[k], paths[k] = []byte(s), "stringData."+escapeKey(k)
		}
	}
	return vals, paths
}

// IsRemoteSecret says whether obj is an Istio remote secret: labelled
// istio/multiCluster=true exactly, the label selector istiod lists them with
// (pkg/kube/multicluster/secretcontroller.go), so "True" is not one. Where
// it is read is SecretNamespaces' business.
func IsRemoteSecret(obj *source.Object) bool {
	v, ok := obj.Label(LabelMultiCluster)
	return ok && v == "true"
}

// remoteSecret derives the facts of a remote secret: which clusters it names
// and which API server each kubeconfig points at.
func remoteSecret(obj *source.Object, cluster string, kcs kubeconfigs) *RemoteSecret {
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
	vals, paths := SecretData(obj)
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		e := kcs.entry(vals[k])
		e.Key = k
		e.Source = sourceAt(obj, cluster, paths[k], false)
		rs.Entries = append(rs.Entries, e)
	}
	if rs.Entries == nil {
		rs.Entries = []SecretEntry{}
	}
	return rs
}

// kubeconfigs holds the facts of the kubeconfigs read by one Build, by
// their text; nil reads each anew.
type kubeconfigs map[string]SecretEntry

func (kcs kubeconfigs) entry(b []byte) SecretEntry {
	if kcs == nil {
		return kubeconfigEntry(b)
	}
	if e, ok := kcs[string(b)]; ok {
		return e
	}
	e := kubeconfigEntry(b)
	kcs[string(b)] = e
	return e
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
	e.RefusedAuth = refusedAuth(kc["users"])
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
	vals, _ := SecretData(obj)
	cs := &CASecret{
		Name: obj.Name(), Namespace: obj.Namespace(), Keys: []string{},
		SelfSigned: obj.Name() == secretSelfSignedCA,
		Source:     sourceAt(obj, cluster, "metadata.name", false),
	}
	for k := range vals {
		cs.Keys = append(cs.Keys, k)
	}
	slices.Sort(cs.Keys)
	rootKey := "root-cert.pem"
	if cs.SelfSigned {
		rootKey = "ca-cert.pem"
	}
	rootPEM, ok := vals[rootKey]
	if !ok {
		return cs
	}
	roots, err := certs(rootPEM)
	if err != nil || len(roots) == 0 {
		cs.Error = rootKey + ": " + errString(err, "no certificate")
		return cs
	}
	cs.RootFingerprint = fingerprint(roots[0])
	cs.RootSubject = roots[0].Subject.String()
	if !cs.SelfSigned {
		cs.ChainsToRoot = chainsToRoot(vals["ca-cert.pem"], vals["cert-chain.pem"], roots)
	}
	return cs
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
