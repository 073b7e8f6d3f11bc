package checks

import (
	"runtime"
	"sync"
)

// workers run the shards' evaluations on long-lived goroutines, one per
// CPU, shared by every engine of the process. Topdown recurses deeply: a
// fresh goroutine per shard grew (copied) its stack on every evaluation,
// about 13% of a webhook request's CPU. Sending blocks while every worker
// is busy, which also bounds concurrent evaluation to the CPUs.
var workers = sync.OnceValue(func() chan<- func() {
	work := make(chan func())
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for f := range work {
				f()
			}
		}()
	}
	return work
})
