package ruledoc

import (
	"strings"
	"testing"
)

// Long base64 (certificates, kubeconfigs) is cut; long commands are not.
func TestShortenCutsOnlyBase64(t *testing.T) {
	command := "# kubectl annotate namespace external-istiod \"topology.istio.io/controlPlaneClusters=${REMOTE_CLUSTER_NAME}\" --context=\"${CTX_SECOND_CLUSTER}\" --overwrite"
	cert := "certificate-authority-data: " + strings.Repeat("LS0tLS1CRUdJTiBD", 20)
	got := strings.Split(shorten(command+"\n"+cert), "\n")
	if got[0] != command {
		t.Errorf("a command was cut: %q", got[0])
	}
	if !strings.HasPrefix(got[1], "certificate-authority-data: LS0t") || !strings.HasSuffix(got[1], "…") || len(got[1]) > 100 {
		t.Errorf("base64 not cut: %q", got[1])
	}
}
