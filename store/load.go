package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidings-app/tidings/store/index"
)

// Default limits, from DESIGN.md. Each can be changed through Options.
const (
	DefaultMaxFileSize = 8 << 20
	DefaultMaxFiles    = 1_000_000
	DefaultMaxDepth    = 64
	binarySniffLen     = 8000
)

// Root is one folder of articles: a directory on disk or any fs.FS (the
// built-in library is an embedded one).
type Root struct {
	// Name is how the root is shown: the directory as given, or "built-in".
	Name string
	dir  string // absolute path when the root is on disk
	fsys fs.FS  // when it is not
}

// DirRoot is a directory on disk. Symlinks under it are followed only while
// they stay inside it.
func DirRoot(dir string) Root { return Root{Name: dir, dir: dir} }

// FSRoot is a root backed by fsys, such as an embed.FS.
func FSRoot(name string, fsys fs.FS) Root { return Root{Name: name, fsys: fsys} }

// Options tune Load. The zero value means the defaults.
type Options struct {
	MaxFileSize int64 // bytes; bigger files are skipped
	MaxFiles    int   // article files considered before the walk stops
	MaxDepth    int   // folder depth under a root
	Workers     int   // parallel readers, parsers and tokenizers; GOMAXPROCS when 0
	// Progress, when set, is updated while loading so a UI can show how far
	// it got without being called back from the loader's goroutines.
	Progress *Progress
}

// Progress counts a load as it happens; read it from any goroutine.
type Progress struct {
	Files    atomic.Int64
	Articles atomic.Int64
	Bytes    atomic.Int64
}

// Problem is a file that was skipped, or loaded with a warning, and why.
type Problem struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Report tells what a load did: counts, timings and every file skipped.
type Report struct {
	Roots    []string
	Files    int   // article files found (those with a known format)
	Ignored  int   // other files (README, hidden files, unknown extensions)
	Articles int   // articles loaded
	Bytes    int64 // bytes read
	Skipped  []Problem
	Warnings []Problem
	Read     time.Duration // walk, read, parse and index (overlapping, wall time)
	Index    time.Duration // what is left once every file is in: the sorted view
	Total    time.Duration
}

// job is one file found by the walk, to be read and parsed by a worker.
type job struct {
	relPath string
	root    int
	// dir, when set, is the open folder the file is read from by name (the
	// last element of relPath); else path is its path on disk (a symlink's
	// target) or, for a root that is an fs.FS, in that file system.
	dir  *dirHandle
	path string
}

// chunkFiles is how many files, contiguous in walk order, a worker reads,
// parses and indexes as one batch. Batches are merged into the index in walk
// order, so the last one to finish is the tail of the load (about 0.4 s of
// one core at 4,096 files); but every batch adds a postings segment to most
// terms and costs a merge over its whole vocabulary: at 100,000 articles,
// 4,096 rather than 1,024 makes the index 34 MiB smaller and merging half a
// CPU-second cheaper.
const chunkFiles = 4096

// chunk is a run of files in walk order, and what a worker made of them.
type chunk struct {
	seq    int
	jobs   []job
	files  []fileResult // by job
	arts   []Article    // the chunk's articles, in walk order
	ptrs   []*Article   // to arts
	byDate []*Article   // ptrs sorted by date
	batch  *index.Batch
}

// fileResult is what became of one file of a chunk: its articles are
// arts[first:first+n] of its chunk.
type fileResult struct {
	first, n int
	warnings []string
	skip     string
	bytes    int64
}

// Load walks every root, reads and parses the article files and indexes them,
// all in parallel, and returns the Store and a Report. Bad files are skipped
// and reported, never fatal; Load fails only when a root itself cannot be
// read or ctx ends.
//
// The walk hands runs of files to workers; a worker reads, parses and
// tokenizes a run, and the runs are merged into the Store and its index in
// walk order, so ids, document numbers, reports and ties are the same on
// every run.
func Load(ctx context.Context, roots []Root, opts Options) (*Store, *Report, error) {
	start := time.Now()
	opts = opts.withDefaults()
	rep := &Report{}
	for _, r := range roots {
		rep.Roots = append(rep.Roots, r.Name)
	}
	s := newStore()

	todo := newChunkQueue(2 * opts.Workers)
	done := make(chan *chunk, 2*opts.Workers)
	var wg sync.WaitGroup
	for range opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(opts)
			b := s.ix.NewBuilder()
			var docs []index.Doc
			for c := todo.get(); c != nil; c = todo.get() {
				docs = w.loadChunk(ctx, roots, c, b, docs)
				done <- c
			}
		}()
	}

	w := &walker{ctx: ctx, opts: opts, todo: todo}
	var walkErr error
	go func() {
		defer func() {
			todo.close(w.cur, opts.Workers)
			w.cur = nil
			wg.Wait()
			close(done)
		}()
		for i, r := range roots {
			if err := w.walkRoot(i, r); err != nil {
				walkErr = err
				return
			}
		}
	}()

	// Merge chunks in walk order as they come.
	var skipped []Problem
	pending := map[int]*chunk{}
	next := 0
	for c := range done {
		pending[c.seq] = c
		for {
			c, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			next++
			skipped = s.addChunk(c, roots, rep, skipped)
		}
	}
	// The walker is done: its fields are ours to read.
	rep.Files, rep.Ignored = w.files, w.ignored
	rep.Skipped = append(w.skipped, skipped...)
	if walkErr != nil {
		return nil, rep, walkErr
	}
	if err := ctx.Err(); err != nil {
		return nil, rep, err
	}
	sortProblems(rep.Skipped)
	sortProblems(rep.Warnings)
	rep.Read = time.Since(start)

	indexStart := time.Now()
	s.finish()
	rep.Index = time.Since(indexStart)
	rep.Articles = s.Len()
	rep.Total = time.Since(start)
	return s, rep, nil
}

// loadChunk reads and parses the files of c, then tokenizes its articles
// with b. docs is reused from chunk to chunk.
func (w *worker) loadChunk(ctx context.Context, roots []Root, c *chunk, b *index.Builder, docs []index.Doc) []index.Doc {
	c.files = make([]fileResult, len(c.jobs))
	c.arts = make([]Article, 0, len(c.jobs))
	p := w.opts.Progress
	for i := range c.jobs {
		j := &c.jobs[i]
		if ctx.Err() != nil {
			if j.dir != nil {
				j.dir.release()
			}
			c.files[i].skip = ctx.Err().Error()
			continue
		}
		data, modTime, skip := w.read(roots[j.root], j)
		var res result
		if skip != "" {
			res = result{skip: skip, bytes: int64(len(data))}
		} else {
			res = w.parseFile(j.relPath, data, modTime)
		}
		identify(res.articles, roots[j.root].Name, j.relPath)
		c.files[i] = fileResult{first: len(c.arts), n: len(res.articles), warnings: res.warnings, skip: res.skip, bytes: res.bytes}
		c.arts = append(c.arts, res.articles...)
		if p != nil {
			p.Files.Add(1)
			p.Articles.Add(int64(len(res.articles)))
			p.Bytes.Add(res.bytes)
		}
	}
	c.ptrs = make([]*Article, len(c.arts))
	for i := range c.arts {
		c.ptrs[i] = &c.arts[i]
	}
	c.byDate = slices.Clone(c.ptrs)
	slices.SortStableFunc(c.byDate, byDate)
	if b == nil { // reading and parsing alone, for benchmarks
		return docs
	}
	docs = docs[:0]
	for i := range c.arts {
		docs = append(docs, indexDoc(&c.arts[i]))
	}
	c.batch = b.Build(docs)
	clear(docs) // the batch has copied them; let go of the strings
	return docs
}

// read reads the file of j into the worker's buffer.
func (w *worker) read(r Root, j *job) ([]byte, time.Time, string) {
	var data []byte
	var mod time.Time
	var skip string
	switch {
	case j.dir != nil:
		data, mod, skip = j.dir.readFile(path.Base(j.relPath), w.opts.MaxFileSize, w.buf)
	case r.fsys != nil:
		data, mod, skip = readFSFile(r.fsys, j.path, w.opts.MaxFileSize, w.buf)
	default:
		data, mod, skip = readOSFile(j.path, w.opts.MaxFileSize, w.buf)
	}
	if cap(data) > cap(w.buf) {
		w.buf = data[:0]
	}
	return data, mod, skip
}

// identify sets the root and the stable id of the articles parsed from one
// file. Parsers of files holding several articles put each item's own key
// (a GUID, a link, a line number) in ID; it is hashed with the path.
func identify(arts []Article, root, rel string) []Article {
	for k := range arts {
		a := &arts[k]
		a.Root = root
		item := ""
		if len(arts) > 1 || a.ID != "" {
			item = a.ID
		}
		a.ID = makeID("", rel, item)
	}
	return arts
}

func (o Options) withDefaults() Options {
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultMaxFiles
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o
}

// displayPath names a file for reports: the OS path for a directory root,
// "root:path" for other file systems.
func displayPath(r Root, rel string) string {
	if r.dir != "" {
		return filepath.Join(r.dir, filepath.FromSlash(rel))
	}
	return r.Name + ":" + rel
}

// errEmpty is the skip reason of a file with nothing but white space.
const errEmpty = "empty file"

// readFSFile reads a file of an fs.FS root under the size limit.
func readFSFile(fsys fs.FS, name string, limit int64, buf []byte) ([]byte, time.Time, string) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, time.Time{}, "cannot open: " + errReason(err)
	}
	defer f.Close()
	return readOpenFile(f, limit, buf)
}

// readOpenFile checks an open file's type and size, then reads it under the
// limit.
func readOpenFile(f fs.File, limit int64, buf []byte) ([]byte, time.Time, string) {
	info, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, "cannot stat: " + errReason(err)
	}
	if !info.Mode().IsRegular() {
		return nil, time.Time{}, "not a regular file (" + fileKind(info.Mode()) + ")"
	}
	if info.Size() > limit {
		return nil, time.Time{}, tooLarge(info.Size(), limit)
	}
	data, err := readLimited(f, info.Size(), limit, buf)
	if err != nil {
		return data, time.Time{}, err.Error()
	}
	return data, info.ModTime(), ""
}

func tooLarge(size, limit int64) string {
	return fmt.Sprintf("too large: %s (limit %s)", humanBytes(size), humanBytes(limit))
}

// readLimited reads a file whose size was just checked, but reads at most
// limit+1 bytes anyway: the file may be growing, or lie about its size. The
// bytes go to buf when it is big enough.
func readLimited(r io.Reader, size, limit int64, buf []byte) ([]byte, error) {
	if int64(cap(buf)) < size+1 {
		buf = make([]byte, 0, size+1)
	}
	buf = buf[:0]
	lr := io.LimitReader(r, limit+1)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return buf, fmt.Errorf("cannot read: %s", errReason(err))
		}
	}
	if int64(len(buf)) > limit {
		return buf, fmt.Errorf("too large: grew past the limit of %s while reading", humanBytes(limit))
	}
	return buf, nil
}

// walker finds the article files under the roots and hands them to workers
// in chunks. It runs on a goroutine of its own: Load reads its counts and
// problems once it is done.
type walker struct {
	ctx     context.Context
	opts    Options
	todo    *chunkQueue
	cur     *chunk
	chunks  int
	files   int
	ignored int
	skipped []Problem
	// visited holds the real path of every directory entered, so a symlink
	// back to one of them is a loop, not a second copy.
	visited map[string]bool
	stopped bool
}

func (w *walker) skip(r Root, rel, reason string) {
	w.skipped = append(w.skipped, Problem{displayPath(r, rel), reason})
}

// emit hands a file to the workers; it reports false when the walk has
// stopped (file limit reached or ctx done) and the file was not taken.
func (w *walker) emit(j job) bool {
	if w.stopped {
		return false
	}
	if w.files >= w.opts.MaxFiles {
		w.stopped = true
		w.skipped = append(w.skipped, Problem{"(walk)", fmt.Sprintf("stopped after %d files (the file limit)", w.opts.MaxFiles)})
		return false
	}
	if w.ctx.Err() != nil {
		w.stopped = true
		return false
	}
	if w.cur == nil {
		// The first chunks are small, so every worker and the merge get
		// going at once.
		n := chunkFiles
		if w.chunks < 2*w.opts.Workers {
			n = chunkFiles / 4
		}
		w.cur = &chunk{seq: w.chunks, jobs: make([]job, 0, n)}
		w.chunks++
	}
	w.cur.jobs = append(w.cur.jobs, j)
	w.files++
	if len(w.cur.jobs) == cap(w.cur.jobs) {
		w.flush()
	}
	return true
}

// flush hands the current chunk to the workers.
func (w *walker) flush() {
	if w.cur != nil {
		w.todo.put(w.cur)
		w.cur = nil
	}
}

// chunkQueue hands chunks from the walk to the workers in walk order. It
// holds a few at most, so the walk stays just ahead of the workers. When
// the walk ends, the chunks still waiting are cut again into pieces that
// shrink toward the end, so that the workers finish at about the same time
// instead of one of them reading a whole last chunk alone.
type chunkQueue struct {
	mu      sync.Mutex
	changed sync.Cond
	chunks  []*chunk
	max     int
	closed  bool
}

func newChunkQueue(max int) *chunkQueue {
	q := &chunkQueue{max: max}
	q.changed.L = &q.mu
	return q
}

// put waits for room and queues c.
func (q *chunkQueue) put(c *chunk) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.chunks) >= q.max {
		q.changed.Wait()
	}
	q.chunks = append(q.chunks, c)
	q.changed.Broadcast()
}

// get waits for the next chunk; it returns nil once the queue is closed and
// empty.
func (q *chunkQueue) get() *chunk {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.chunks) == 0 && !q.closed {
		q.changed.Wait()
	}
	if len(q.chunks) == 0 {
		return nil
	}
	c := q.chunks[0]
	q.chunks = q.chunks[1:]
	q.changed.Broadcast()
	return c
}

// close queues last (the walk's final chunk, or nil), cuts what waits
// again, and lets the workers stop once it is done. The waiting chunks are
// the last ones of the walk, in order: workers have taken all before them.
func (q *chunkQueue) close(last *chunk, workers int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if last != nil {
		q.chunks = append(q.chunks, last)
	}
	if len(q.chunks) > 0 {
		seq := q.chunks[0].seq
		var jobs []job
		for _, c := range q.chunks {
			jobs = append(jobs, c.jobs...)
		}
		q.chunks = q.chunks[:0]
		for len(jobs) > 0 {
			// A share of what is left per worker and a half: the pieces
			// shrink geometrically, down to chunkFiles/16.
			n := min(len(jobs), chunkFiles, max(chunkFiles/16, (len(jobs)+2*workers-1)/(2*workers)))
			q.chunks = append(q.chunks, &chunk{seq: seq, jobs: jobs[:n:n]})
			jobs = jobs[n:]
			seq++
		}
	}
	q.closed = true
	q.changed.Broadcast()
}

// ignored reports names that are not articles even with a known extension:
// hidden files and a folder's own documentation (the BBC corpus ships a
// README.TXT beside its articles).
func ignored(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	base := strings.TrimSuffix(name, path.Ext(name))
	var buf [len("CONTRIBUTING")]byte
	for i := 0; i < len(base); i++ {
		c := base[i]
		switch {
		case c >= 0x80: // ToUpper maps a few non-ASCII letters to ASCII ones
			return docName(strings.ToUpper(base))
		case i >= len(buf):
			continue // longer than every name: look on for non-ASCII only
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		}
		if i < len(buf) {
			buf[i] = c
		}
	}
	return len(base) <= len(buf) && docName(string(buf[:len(base)]))
}

func docName(upper string) bool {
	switch upper {
	case "README", "LICENSE", "LICENCE", "COPYING", "CHANGELOG", "NOTICE", "AUTHORS", "CONTRIBUTING":
		return true
	}
	return false
}

func (w *walker) walkRoot(idx int, r Root) error {
	if r.fsys != nil {
		return w.walkFS(idx, r)
	}
	real, err := filepath.EvalSymlinks(r.dir)
	if err != nil {
		return fmt.Errorf("reading %s: %w", r.dir, err)
	}
	real, err = filepath.Abs(real)
	if err != nil {
		return fmt.Errorf("reading %s: %w", r.dir, err)
	}
	info, err := os.Stat(real)
	if err != nil {
		return fmt.Errorf("reading %s: %w", r.dir, err)
	}
	if !info.IsDir() {
		return fmt.Errorf("reading %s: not a directory", r.dir)
	}
	w.visited = map[string]bool{}
	return w.walkDir(idx, r, real, real, "", 0)
}

// walkDir reads one directory. realDir is its resolved path on disk, rel its
// path under the root as the user sees it.
func (w *walker) walkDir(idx int, r Root, realRoot, realDir, rel string, depth int) error {
	if w.stopped || w.ctx.Err() != nil {
		return nil
	}
	w.visited[realDir] = true
	dir := openDir(realDir)
	defer dir.release()
	entries, err := os.ReadDir(realDir)
	if err != nil {
		if rel == "" {
			return fmt.Errorf("reading %s: %w", r.dir, err)
		}
		w.skip(r, rel, "cannot read folder: "+errReason(err))
		// ReadDir returns what it could read before the error.
	}
	for _, e := range entries {
		name := e.Name()
		// path.Join without its Clean: rel is clean and a name from
		// ReadDir has no slash and is not "." or "..".
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		childReal := "" // set for folders and symlinks only: files are read by name
		viaLink := false
		mode := e.Type()
		if ignored(name) {
			if !mode.IsDir() {
				w.ignored++
			}
			continue
		}
		if mode&fs.ModeSymlink != 0 {
			viaLink = true
			target, err := filepath.EvalSymlinks(filepath.Join(realDir, name))
			if err != nil {
				w.skip(r, childRel, "broken or looping symlink: "+errReason(err))
				continue
			}
			if !within(realRoot, target) {
				w.skip(r, childRel, "symlink leads out of the library folder")
				continue
			}
			info, err := os.Stat(target)
			if err != nil {
				w.skip(r, childRel, "cannot stat symlink target: "+errReason(err))
				continue
			}
			childReal, mode = target, info.Mode().Type()
		}
		switch {
		case mode.IsDir():
			if !viaLink {
				childReal = filepath.Join(realDir, name)
			}
			if w.visited[childReal] {
				w.skip(r, childRel, "symlink loop: folder already visited")
				continue
			}
			if depth+1 > w.opts.MaxDepth {
				w.skip(r, childRel, fmt.Sprintf("deeper than %d folders", w.opts.MaxDepth))
				continue
			}
			if err := w.walkDir(idx, r, realRoot, childReal, childRel, depth+1); err != nil {
				return err
			}
		case mode.IsRegular():
			if formatFor(name) == nil {
				w.ignored++
				continue
			}
			if !viaLink {
				dir.acquire()
				if !w.emit(job{relPath: childRel, root: idx, dir: dir}) {
					dir.release()
				}
			} else { // reached through a symlink: open the target by path
				w.emit(job{relPath: childRel, root: idx, path: childReal})
			}
		default:
			if formatFor(name) == nil {
				w.ignored++
				continue
			}
			// FIFOs, devices and sockets are never opened: reading one can
			// block forever or have side effects.
			w.skip(r, childRel, "not a regular file ("+fileKind(mode)+")")
		}
	}
	return nil
}

func (w *walker) walkFS(idx int, r Root) error {
	return fs.WalkDir(r.fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if w.stopped || w.ctx.Err() != nil {
			return fs.SkipAll
		}
		if err != nil {
			if p == "." {
				return fmt.Errorf("reading %s: %w", r.Name, err)
			}
			w.skip(r, p, "cannot read: "+errReason(err))
			return nil
		}
		if p == "." {
			return nil
		}
		if ignored(d.Name()) {
			if d.IsDir() {
				return fs.SkipDir
			}
			w.ignored++
			return nil
		}
		if d.IsDir() {
			if strings.Count(p, "/")+1 > w.opts.MaxDepth {
				w.skip(r, p, fmt.Sprintf("deeper than %d folders", w.opts.MaxDepth))
				return fs.SkipDir
			}
			return nil
		}
		if formatFor(p) == nil {
			w.ignored++
			return nil
		}
		if !d.Type().IsRegular() {
			w.skip(r, p, "not a regular file ("+fileKind(d.Type())+")")
			return nil
		}
		w.emit(job{relPath: p, root: idx, path: p})
		return nil
	})
}

// within reports whether target is root or below it.
func within(root, target string) bool {
	rel, err := filepath.Rel(root, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	case m.IsDir():
		return "a folder"
	}
	return "not a file"
}

// errReason is the part of an error worth showing next to a path that the
// report already names.
func errReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// sortProblems orders a report's lists by path for stable output.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Path < ps[j].Path })
}
