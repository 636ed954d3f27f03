package index

import (
	"sync"
	"sync/atomic"
)

// Work shared across cores within one search: a phrase's candidate
// documents (search.go).

// inParts calls do(st, part) for every part in [0, parts), on the calling
// goroutine with the state mine and on up to workers-1 others, each with
// the state newState makes when it takes its first part. The goroutines
// take parts one at a time, in increasing order, so each sees its own parts
// in increasing order (cursors only move forward), and one that starts late
// or whose core is busy leaves more parts to the others instead of
// finishing last. It returns when every part is done.
func inParts[S any](parts, workers int, mine S, newState func() S, do func(st S, part int)) {
	var next atomic.Int32
	take := func(st S, made bool) {
		for {
			part := int(next.Add(1)) - 1
			if part >= parts {
				return
			}
			if !made {
				st, made = newState(), true
			}
			do(st, part)
		}
	}
	onCores(workers, func(helper bool) {
		var none S
		if helper {
			take(none, false)
		} else {
			take(mine, true)
		}
	})
}

// onCores runs work(false) on the calling goroutine and work(true) on n-1
// others, and returns when all have returned. A panic in another goroutine
// is raised again on the caller, where it would have been without them: a
// server recovers a session's panic, not a stray goroutine's, which would
// end the process.
func onCores(n int, work func(helper bool)) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failure any
	for range n - 1 {
		wg.Go(func() {
			defer func() {
				if r := recover(); r != nil {
					mu.Lock()
					failure = r
					mu.Unlock()
				}
			}()
			work(true)
		})
	}
	if n > 1 {
		// An empty goroutine, for speed. Go runs the goroutine started
		// last next on the core that started it, and an idle core takes
		// that one over only after a sleep of a few microseconds: 0.1 ms
		// or more on the 2-core virtual machine of the benchmarks. Started
		// after the helpers, this one takes that place, and the last
		// helper waits in the ordinary queue, which an idle core takes
		// from at once. Over a benchmark's phrases the helper then started
		// 45 µs after the call at the median instead of 130 µs.
		go func() {}()
	}
	work(false)
	wg.Wait()
	if failure != nil {
		panic(failure)
	}
}
