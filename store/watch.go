package store

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Debounce timings of Watch: changes are applied once the folder has been
// quiet for watchQuiet, and at the latest watchMaxDelay after the first
// change, so an editor's write-to-temp-and-rename is one update and a copy of
// a thousand files is a handful of updates, not a thousand.
const (
	watchQuiet    = 150 * time.Millisecond
	watchMaxDelay = 600 * time.Millisecond
)

// watchedDir is a folder under watch: which root it belongs to, its path
// under that root, and its real path on disk.
type watchedDir struct {
	root int
	rel  string
}

// Watch keeps the Store in step with the directory roots until ctx ends:
// files added, changed, renamed or removed update the articles and the index
// incrementally, and subscribers are told. Roots that are not directories on
// disk (the built-in library) never change and are not watched. Problems
// with changed files (skips, warnings) go to report, which may be nil.
func (s *Store) Watch(ctx context.Context, roots []Root, opts Options, report func(Problem)) error {
	opts = opts.withDefaults()
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching the library: %w", err)
	}
	defer w.Close()
	wt := &watchState{s: s, w: w, roots: roots, opts: opts, dirs: map[string]watchedDir{}, report: report}
	for i, r := range roots {
		if r.dir == "" {
			continue
		}
		real, err := filepath.EvalSymlinks(r.dir)
		if err != nil {
			return fmt.Errorf("watching %s: %w", r.dir, err)
		}
		if real, err = filepath.Abs(real); err != nil {
			return fmt.Errorf("watching %s: %w", r.dir, err)
		}
		wt.realRoots = append(wt.realRoots, real)
		wt.addTree(i, real, "", 0, nil)
	}
	for len(wt.realRoots) < len(roots) {
		wt.realRoots = append(wt.realRoots, "")
	}

	pending := map[string]watchedDir{} // dirty file path -> where it lives
	var timer <-chan time.Time
	var first time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			wt.problem("(watch)", "watch error: "+err.Error())
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			wt.event(ev, pending)
			if len(pending) > 0 {
				if first.IsZero() {
					first = time.Now()
				}
				wait := min(watchQuiet, time.Until(first.Add(watchMaxDelay)))
				timer = time.After(max(wait, 0))
			}
		case <-timer:
			wt.flush(pending)
			pending = map[string]watchedDir{}
			timer, first = nil, time.Time{}
		}
	}
}

type watchState struct {
	s         *Store
	w         *fsnotify.Watcher
	roots     []Root
	realRoots []string
	opts      Options
	dirs      map[string]watchedDir // real folder path -> where it is
	report    func(Problem)
}

func (wt *watchState) problem(p, reason string) {
	if wt.report != nil {
		wt.report(Problem{Path: p, Reason: reason})
	}
}

// addTree watches a folder and everything below it. When found is not nil
// the files in it are marked dirty (a folder created or moved in).
func (wt *watchState) addTree(root int, real, rel string, depth int, found map[string]watchedDir) {
	if _, ok := wt.dirs[real]; ok || depth > wt.opts.MaxDepth {
		return
	}
	if err := wt.w.Add(real); err != nil {
		wt.problem(real, "cannot watch: "+errReason(err))
		return
	}
	wt.dirs[real] = watchedDir{root, rel}
	entries, _ := os.ReadDir(real)
	for _, e := range entries {
		if ignored(e.Name()) {
			continue
		}
		child := filepath.Join(real, e.Name())
		t := e.Type()
		if t&fs.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(child)
			if err != nil || !within(wt.realRoots[root], target) {
				continue
			}
			info, err := os.Stat(target)
			if err != nil {
				continue
			}
			if info.IsDir() {
				wt.addTree(root, target, path.Join(rel, e.Name()), depth+1, found)
				continue
			}
			t = info.Mode().Type()
		}
		switch {
		case t.IsDir():
			wt.addTree(root, child, path.Join(rel, e.Name()), depth+1, found)
		case found != nil:
			found[child] = watchedDir{root, path.Join(rel, e.Name())}
		}
	}
}

// event records what one fsnotify event made dirty.
func (wt *watchState) event(ev fsnotify.Event, pending map[string]watchedDir) {
	dir, ok := wt.dirs[filepath.Dir(ev.Name)]
	if !ok {
		return
	}
	name := filepath.Base(ev.Name)
	if ignored(name) {
		return
	}
	rel := path.Join(dir.rel, name)
	if ev.Has(fsnotify.Create) {
		if info, err := os.Stat(ev.Name); err == nil && info.IsDir() {
			real, err := filepath.EvalSymlinks(ev.Name)
			if err == nil && within(wt.realRoots[dir.root], real) {
				wt.addTree(dir.root, real, rel, strings.Count(rel, "/")+1, pending)
			}
			return
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		// A folder that went away takes its files with it; inotify says
		// nothing about them when the folder is moved as a whole.
		if _, was := wt.dirs[ev.Name]; was {
			delete(wt.dirs, ev.Name)
			for _, f := range wt.s.filesUnder(wt.roots[dir.root].Name, rel) {
				pending[filepath.Join(wt.realRoots[dir.root], filepath.FromSlash(f))] = watchedDir{dir.root, f}
			}
			return
		}
	}
	if formatFor(name) != nil {
		pending[ev.Name] = watchedDir{dir.root, rel}
	}
}

// flush reads every dirty file again and applies the result in one update.
func (wt *watchState) flush(pending map[string]watchedDir) {
	type item struct {
		real string
		at   watchedDir
		res  result
	}
	items := make([]item, 0, len(pending))
	for real, at := range pending {
		items = append(items, item{real: real, at: at})
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for range wt.opts.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := newWorker(wt.opts)
			w.noSlab = true // a file's kept text is freed with its article
			for i := range next {
				items[i].res = wt.readOne(w, items[i].real, items[i].at)
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()

	changes := make([]fileChange, 0, len(items))
	for _, it := range items {
		root := wt.roots[it.at.root]
		name := displayPath(root, it.at.rel)
		// A file seen between its creation and its first write is empty;
		// its write event brings it back, so that is not worth a report.
		if it.res.skip != "" && it.res.skip != errGone && it.res.skip != errEmpty {
			wt.problem(name, it.res.skip)
		}
		for _, warn := range it.res.warnings {
			wt.problem(name, warn)
		}
		changes = append(changes, fileChange{root: root.Name, rel: it.at.rel, arts: identify(it.res.articles, root.Name, it.at.rel)})
	}
	wt.s.apply(changes)
}

// errGone marks a file that no longer exists: not a problem, just a removal.
const errGone = "gone"

// readOne reads a changed file under the same rules as Load.
func (wt *watchState) readOne(w *worker, real string, at watchedDir) result {
	info, err := os.Lstat(real)
	if err != nil {
		return result{skip: errGone}
	}
	target := real
	if info.Mode()&fs.ModeSymlink != 0 {
		t, err := filepath.EvalSymlinks(real)
		if err != nil {
			return result{skip: "broken or looping symlink: " + errReason(err)}
		}
		if !within(wt.realRoots[at.root], t) {
			return result{skip: "symlink leads out of the library folder"}
		}
		if info, err = os.Stat(t); err != nil {
			return result{skip: "cannot stat symlink target: " + errReason(err)}
		}
		target = t
	}
	if !info.Mode().IsRegular() {
		return result{skip: "not a regular file (" + fileKind(info.Mode()) + ")"}
	}
	data, modTime, skip := w.read(Root{}, &job{relPath: at.rel, path: target})
	if skip != "" {
		return result{skip: skip, bytes: int64(len(data))}
	}
	res := w.parseFile(at.rel, data, modTime)
	res.articles = slices.Clone(res.articles) // the worker reuses the slice
	return res
}
