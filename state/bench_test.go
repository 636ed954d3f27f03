package state

import (
	"fmt"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// benchStores gives each benchmark a store already holding the 200 marks of
// a fairly active user, so Marks decodes a realistic amount.
func benchStores(b *testing.B) map[string]Store {
	b.Helper()
	file, err := Open(filepath.Join(b.TempDir(), "state.db"))
	if err != nil {
		b.Fatal(err)
	}
	stores := map[string]Store{"memory": NewMemory(), "bolt": file}
	for _, s := range stores {
		for i := range 200 {
			if err := s.SetPosition("bench", fmt.Sprintf("%016x", i), i, 50); err != nil {
				b.Fatal(err)
			}
		}
	}
	return stores
}

// BenchmarkSetStarredMarks is one user action followed by a session start:
// a durable write (open, update, fsync, close) then a full reread.
func BenchmarkSetStarredMarks(b *testing.B) {
	for name, s := range benchStores(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := s.SetStarred("bench", "0000000000000007", i%2 == 0); err != nil {
					b.Fatal(err)
				}
				if m, err := s.Marks("bench"); err != nil || len(m) != 200 {
					b.Fatalf("Marks: %d, %v", len(m), err)
				}
			}
		})
	}
}

// BenchmarkSetStarred is the write alone: what a keypress costs.
func BenchmarkSetStarred(b *testing.B) {
	for name, s := range benchStores(b) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := s.SetStarred("bench", "0000000000000007", i%2 == 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarkCached is what a list redraw pays per visible headline.
func BenchmarkMarkCached(b *testing.B) {
	for name, s := range benchStores(b) {
		b.Run(name, func(b *testing.B) {
			if _, err := s.Marks("bench"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Mark("bench", "0000000000000007"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenClose isolates the price of opening the file per operation
// instead of once per process, for both lock kinds.
func BenchmarkOpenClose(b *testing.B) {
	path := filepath.Join(b.TempDir(), "state.db")
	if _, err := Open(path); err != nil {
		b.Fatal(err)
	}
	for _, readOnly := range []bool{true, false} {
		b.Run(fmt.Sprintf("readOnly=%v", readOnly), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout, ReadOnly: readOnly})
				if err != nil {
					b.Fatal(err)
				}
				if err := db.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
