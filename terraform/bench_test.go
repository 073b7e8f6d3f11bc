package terraform

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// BenchmarkRead reads the .tf files of one cluster of the valid fleet (a
// namespace, cacerts from four files, four releases, a manifest and a remote
// secret from a template), as lint reads them.
func BenchmarkRead(b *testing.B) {
	files, _ := filepath.Glob("../testdata/terraform/eks-multi-network/cluster1/*.tf")
	data := make([][]byte, len(files))
	var size int64
	for i, p := range files {
		d, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		data[i], size = d, size+int64(len(d))
	}
	b.SetBytes(size)
	for b.Loop() {
		for i, p := range files {
			if objs, _ := Read(p, data[i], source.Limits{}); i == 1 && len(objs) == 0 {
				b.Fatal("no objects")
			}
		}
	}
}
