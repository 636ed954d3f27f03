package index

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestInPartsSharesOut checks that every part is done once, that each
// goroutine takes its parts in increasing order, and that helpers take
// parts at all: the first two parts wait for each other, which only a
// second goroutine can release.
func TestInPartsSharesOut(t *testing.T) {
	const parts = 40
	type state struct{ parts []int }
	var mu sync.Mutex
	var states []*state
	newState := func() *state {
		st := &state{}
		mu.Lock()
		states = append(states, st)
		mu.Unlock()
		return st
	}
	mine := newState()
	var met sync.WaitGroup
	met.Add(2)
	timedOut := atomic.Bool{}
	inParts(parts, 2, mine, newState, func(st *state, part int) {
		st.parts = append(st.parts, part)
		if part < 2 {
			met.Done()
			done := make(chan struct{})
			go func() { met.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				timedOut.Store(true)
			}
		}
	})
	if timedOut.Load() {
		t.Fatal("parts 0 and 1 never ran at the same time: no helper took a part")
	}
	if len(states) > 2 {
		t.Errorf("%d states for 2 workers", len(states))
	}
	var all []int
	for i, st := range states {
		if !slices.IsSorted(st.parts) {
			t.Errorf("goroutine %d took parts %v, out of order", i, st.parts)
		}
		all = append(all, st.parts...)
	}
	slices.Sort(all)
	for i, p := range all {
		if p != i {
			t.Fatalf("parts done: %v, want each of 0..%d once", all, parts-1)
		}
	}
	if len(all) != parts {
		t.Fatalf("%d parts done, want %d", len(all), parts)
	}
}

// TestOnCoresRaisesPanicOnCaller checks that a helper's panic reaches the
// caller, where a server's session would recover it, once every goroutine
// has returned.
func TestOnCoresRaisesPanicOnCaller(t *testing.T) {
	var returned atomic.Int32
	var panicked atomic.Bool
	defer func() {
		if r := recover(); r != "boom" {
			t.Fatalf("recovered %v, want the helper's panic", r)
		}
		if n := returned.Load(); n != 3 {
			t.Fatalf("%d of 3 workers had returned when the panic was raised", n)
		}
	}()
	onCores(3, func(helper bool) {
		defer returned.Add(1)
		if helper && panicked.CompareAndSwap(false, true) {
			panic("boom")
		}
	})
	t.Fatal("onCores returned")
}
