// Package model turns the Kubernetes objects read for each cluster into the
// fleet model: normalized facts about cluster identity, networks, control
// planes and meshes, each with its provenance (object, field path,
// file:line). The model is the input of every rule, what `meshcheck
// topology` shows and a public, versioned JSON document (docs/model.md).
//
// Its contract: Istio's own precedence decides each fact (injection URL
// parameters over values, a remote taking mesh values from its primary,
// CLUSTER_ID defaulting to Kubernetes); a default Istio applies is a fact
// marked default, not a choice the user made; the same objects give the
// same model whatever read them (files, a live audit, the webhook's cache).
//
// It must not:
//   - guess: a fact the inputs do not show (a Helm release name, a load
//     balancer's address, an object of a kind that was not listed in full)
//     is left out of the document, which rules read as unknown;
//   - evaluate rules or judge a configuration: it states what is set and
//     where, and the rules in checks decide what is wrong;
//   - keep, print or log secret material: of a Secret it keeps only what
//     facts are derived from (kubeconfig names and servers, certificates'
//     public parts), and the raw view of a Secret has no data;
//   - do I/O: no files, clusters or network; it builds from what it is
//     given and returns input problems as Errors.
package model
