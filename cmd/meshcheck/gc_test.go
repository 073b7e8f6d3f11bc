package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemoryLimit(t *testing.T) {
	dir := t.TempDir()
	for text, want := range map[string]int64{"max\n": 0, "134217728\n": 134217728, "garbage": 0, "9223372036854771712": 9223372036854771712} {
		f := filepath.Join(dir, "memory.max")
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := memoryLimit(f); got != want {
			t.Errorf("memoryLimit(%q) = %d, want %d", text, got, want)
		}
	}
	if got := memoryLimit(filepath.Join(dir, "missing")); got != 0 {
		t.Errorf("no file: %d, want 0", got)
	}
}

func TestNextLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct{ live, floor, ceiling, want int64 }{
		{10 * mib, 256 * mib, 1 << 62, 256 * mib},    // below the floor: the floor
		{200 * mib, 256 * mib, 1 << 62, 600 * mib},   // past it: three times the live heap
		{200 * mib, 256 * mib, 512 * mib, 512 * mib}, // never past the container's limit
	} {
		if got := nextLimit(c.live, c.floor, c.ceiling); got != c.want {
			t.Errorf("nextLimit(%d, %d, %d) = %d, want %d", c.live, c.floor, c.ceiling, got, c.want)
		}
	}
}

// After a collection the limit follows the heap the collection left live.
func TestFollowHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	const floor = 1 << 20
	debug.SetMemoryLimit(floor)
	defer followHeap(floor, math.MaxInt64)()
	live := make([][]byte, 64)
	for i := range live {
		live[i] = make([]byte, 1<<20) // 64 MiB kept live
	}
	deadline := time.Now().Add(5 * time.Second)
	for debug.SetMemoryLimit(-1) < 3*64<<20 && time.Now().Before(deadline) {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got < 3*64<<20 {
		t.Errorf("memory limit %d MiB after collections with 64 MiB live, want at least 192 MiB", got>>20)
	}
	runtime.KeepAlive(live)
}
