// Package terraform reads the Terraform files (.tf) that install Istio: the
// helm_release resources of Istio's charts, and the kubernetes_namespace,
// kubernetes_secret and kubernetes_manifest resources beside them, as the
// objects and values documents the model reads, located in the file the
// user edits.
//
// It evaluates only what the files themselves show: literals, string
// templates of literals, path.module, locals made of those, and the
// functions yamlencode, yamldecode, jsonencode, file and templatefile on
// files of the repository. Variables, data sources, module outputs,
// references to other resources and any other function are unknown: what
// they give is left out with a note (source.ErrNotEvaluated), never
// replaced by a literal or a guess. It does not run Terraform, read state
// or follow modules.
package terraform
