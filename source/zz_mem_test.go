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
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		objs, errs := Read(bytes.NewReader([]byte(in)), "big.yaml", Limits{})
		runtime.ReadMemStats(&after)
		t.Logf("%d bytes: %d objs, %v in %v, total alloc %d MB, peak sys %d MB", len(in), len(objs), errs, time.Since(start), (after.TotalAlloc-before.TotalAlloc)>>20, after.Sys>>20)
	}
}
