// Package terraform reads the Terraform files (.tf) that install Istio: the
// helm_release resources of Istio's charts (and the releases the EKS
// Blueprints addon modules make), and the kubernetes_namespace,
// kubernetes_secret, kubernetes_manifest and kubectl_manifest resources
// beside them, as the objects and values documents the model reads, located
// in the file the user edits: each value of a yamlencode object where it is
// written, values from file() and templatefile() in their files.
//
// It evaluates only what the files themselves show: literals, string
// templates of literals, path.module, locals made of those, and the
// functions yamlencode, yamldecode, jsonencode, file and templatefile on
// files of the repository. Variables, data sources, module outputs,
// references to other resources and any other function are unknown: what
// they give is left out with a note (source.ErrNotEvaluated), never
// replaced by a literal or a guess. Resources created through one of
// several aliases of a provider are noted too: which fleet cluster an alias
// is, the file does not say. It does not run Terraform, read state or
// follow modules.
package terraform
