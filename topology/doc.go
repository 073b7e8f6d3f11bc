// Package topology derives a picture of a fleet's deployment model from the
// fleet model and the findings: the clusters, the networks and their
// east-west gateways, the control planes and the clusters they serve, the
// meshes, the links between clusters, and the install model in Istio's own
// words. Renderers turn that view into text, an ASCII box diagram, Mermaid,
// Graphviz DOT and a self-contained HTML page, with each finding pinned to
// the element it concerns.
//
// It must not read inputs, evaluate rules or print secret material: it only
// reads the model (which holds facts derived from secrets, never their data)
// and findings that the engine already produced.
package topology
