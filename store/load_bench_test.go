package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidings-app/tidings/store/synth"
)

// benchSeed fixes the synthetic corpus every benchmark of the store uses.
const benchSeed = 1

// synthDir returns a folder holding the n-article synthetic corpus, written
// once under the system temp folder and reused by later runs (a marker file
// records that the write finished). Set TIDINGS_BENCH_DIR to put it elsewhere.
func synthDir(b *testing.B, n int) (string, int64) {
	b.Helper()
	base := os.Getenv("TIDINGS_BENCH_DIR")
	if base == "" {
		base = os.TempDir()
	}
	dir := filepath.Join(base, fmt.Sprintf("tidings-synth-%d-%d", n, benchSeed))
	marker := filepath.Join(dir, ".complete")
	if data, err := os.ReadFile(marker); err == nil {
		var size int64
		fmt.Sscan(string(data), &size)
		return dir, size
	}
	os.RemoveAll(dir)
	_, size, err := synth.WriteDir(dir, n, benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(marker, []byte(fmt.Sprint(size)), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir, size
}

// BenchmarkLoad measures Load (walk, read, parse, sanitize, build the Store)
// on the synthetic corpus at 10k and 100k articles of about 4 KB.
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			dir, size := synthDir(b, n)
			b.SetBytes(size)
			b.ResetTimer()
			var st *Store
			for b.Loop() {
				var err error
				st, _, err = Load(context.Background(), []Root{DirRoot(dir)}, Options{})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			if st.Len() != n {
				b.Fatalf("loaded %d, want %d", st.Len(), n)
			}
			var ms runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&ms)
			b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "MiB-live")
			runtime.KeepAlive(st)
		})
	}
}

// BenchmarkReadParse measures what Load does before indexing: walk, read,
// parse and keep, on the workers Load uses, at 100k articles.
func BenchmarkReadParse(b *testing.B) {
	dir, size := synthDir(b, 100_000)
	b.SetBytes(size)
	roots := []Root{DirRoot(dir)}
	opts := Options{}.withDefaults()
	for b.Loop() {
		todo := newChunkQueue(1000)
		w := &walker{ctx: context.Background(), opts: opts, todo: todo}
		if err := w.walkRoot(0, roots[0]); err != nil {
			b.Fatal(err)
		}
		todo.close(w.cur, opts.Workers)
		var wg sync.WaitGroup
		var arts atomic.Int64
		for range opts.Workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				wk := newWorker(opts)
				for c := todo.get(); c != nil; c = todo.get() {
					wk.loadChunk(context.Background(), roots, c, nil, nil)
					arts.Add(int64(len(c.arts)))
				}
			}()
		}
		wg.Wait()
		if arts.Load() != 100_000 {
			b.Fatalf("parsed %d articles", arts.Load())
		}
	}
}
