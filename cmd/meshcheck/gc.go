package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
)

// lessGC trades memory for time in a short run: compiling the policies
// allocates ~23 MB of short-lived objects (BenchmarkNewEngine), and
// collecting them costs more than the process lives. Collection starts
// only past a floor of 256 MiB, or half the container's memory limit if
// that is less. Linting a generated 200-cluster fleet peaked at 241 MB of
// RSS this way (145 MB with GOGC=100) and took 0.72 s of CPU instead of
// 0.97 s. Past the floor the limit follows the heap (followHeap), as GOGC=200
// would: a fixed limit that a large fleet outgrows makes the collector run
// without pause (a 1,000-cluster multi-primary mesh took 19.7 s of CPU
// instead of 9.4 s). GOGC or GOMEMLIMIT set by the user wins.
func lessGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	floor, ceiling := int64(256<<20), int64(math.MaxInt64)
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if c := memoryLimit(f); c > 0 {
			floor, ceiling = min(floor, c/2), min(ceiling, c)
		}
	}
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(floor)
	followHeap(floor, ceiling)
}

// followHeap resets the memory limit after every collection to three times
// the heap it left live, kept between floor and ceiling (the container's
// limit, which the heap must not pass), until stop is called.
func followHeap(floor, ceiling int64) (stop func()) {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var stopped atomic.Bool
	var arm func()
	arm = func() {
		// The cleanup runs after the collection that frees the sentinel.
		runtime.AddCleanup(&sentinel{}, func(struct{}) {
			if stopped.Load() {
				return
			}
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 {
				debug.SetMemoryLimit(nextLimit(int64(sample[0].Value.Uint64()), floor, ceiling))
			}
			arm()
		}, struct{}{})
	}
	arm()
	return func() { stopped.Store(true) }
}

// sentinel is an object only a collection frees; it holds a pointer so that
// the allocator does not batch it with others.
type sentinel struct{ _ *int }

// nextLimit is the memory limit for a live heap of live bytes.
func nextLimit(live, floor, ceiling int64) int64 {
	return min(max(3*live, floor), ceiling)
}

// memoryLimit reads a cgroup memory limit file; 0 when there is none.
func memoryLimit(file string) int64 {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n <= 0 {
		return 0 // "max", or unreadable
	}
	return n
}
