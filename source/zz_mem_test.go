package source

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestZZMem(t *testing.T) {
	for _, in := range []string{
		"a: [" + strings.Repeat("1,", 8<<20-4) + "1]\n",
		strings.Repeat("- 1\n", 4<<20-1),
		"a: [" + strings.Repeat("1,", 999_990) + "1]\n",
		"a: {" + strings.Repeat("a,", 2<<20) + "}\n",
		"a:\n" + strings.Repeat("  - b: c\n", 1<<20),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		objs, errs := Read(bytes.NewReader([]byte(in)), "big.yaml", Limits{})
		runtime.ReadMemStats(&after)
		t.Logf("%d bytes: %d objs, %.80v in %v, total alloc %d MB", len(in), len(objs), errs, time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>20)
	}
}
