package webhook

import (
	"slices"
	"sync"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/model"
)

// beforeReview is the review of one generation of the state, with the
// cluster's and its peers' objects as read for it (State.Reads), so that a
// request's review reads only what the request changes.
type beforeReview struct {
	gen uint64
	// seq orders the reviews by when they were started.
	seq uint64
	// local is this cluster's state reviewed (its reads, which the fleet
	// states made of it share).
	local  *stateReads
	done   chan struct{} // closed once the fields below are set
	reads  *model.Reads
	peers  []model.ClusterInput
	review *checks.Baseline
	err    error

	indexOnce sync.Once
	indexed   *findingIndex
}

// index is the review's findings by place, made on first use.
func (b *beforeReview) index() *findingIndex {
	b.indexOnce.Do(func() { b.indexed = indexFindings(b.review.Findings) })
	return b.indexed
}

func (b *beforeReview) finished() bool {
	select {
	case <-b.done:
		return true
	default:
		return false
	}
}

// samePeers says whether a and b are inputs of the same peers.
func samePeers(a, b []model.ClusterInput) bool {
	return slices.EqualFunc(a, b, func(x, y model.ClusterInput) bool { return x.Name == y.Name })
}
