//go:build unix

package state

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// These tests re-execute the test binary as a child process, because bbolt's
// lock and a crash are only meaningful across processes. The child runs one
// of the TestHelper functions, selected by -test.run and enabled by helperEnv.

const (
	helperEnv      = "TIDINGS_STATE_HELPER"
	helperDBEnv    = "TIDINGS_STATE_HELPER_DB"
	helperUserEnv  = "TIDINGS_STATE_HELPER_USER"
	helperStartEnv = "TIDINGS_STATE_HELPER_START"
	helperCountEnv = "TIDINGS_STATE_HELPER_COUNT"
)

func helperCommand(t *testing.T, binary, test string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary, "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.Env = append(cmd.Env, env...)
	cmd.Stderr = os.Stderr
	return cmd
}

func envInt(t *testing.T, name string) int {
	t.Helper()
	n, err := strconv.Atoi(os.Getenv(name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}

// TestHelperWriter is the child of the crash and two-process tests: it
// writes positions and stars and prints one line after each write returns,
// which is the moment the write is promised to be on disk.
func TestHelperWriter(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("helper process only")
	}
	s, err := Open(os.Getenv(helperDBEnv))
	if err != nil {
		t.Fatal(err)
	}
	user, start, count := os.Getenv(helperUserEnv), envInt(t, helperStartEnv), envInt(t, helperCountEnv)
	for i := start; count == 0 || i < start+count; i++ {
		id := fmt.Sprintf("a%07d", i)
		if err := s.SetPosition(user, id, i+1, 50); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("pos %s %d\n", id, i+1)
		if i%3 == 0 {
			if err := s.SetStarred(user, id, true); err != nil {
				t.Fatal(err)
			}
			fmt.Printf("star %s\n", id)
		}
	}
}

// TestHelperLocker holds an exclusive bbolt handle on the file until its
// stdin closes, like a program that keeps the database open.
func TestHelperLocker(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("helper process only")
	}
	db, err := bolt.Open(os.Getenv(helperDBEnv), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("locked")
	_, _ = io.Copy(io.Discard, os.Stdin)
	_ = db.Close()
}

// TestHelperReadOnly runs as a user who may read the state file but not
// write it or its directory, and checks the read-only mode from there.
func TestHelperReadOnly(t *testing.T) {
	if os.Getenv(helperEnv) == "" {
		t.Skip("helper process only")
	}
	checkReadOnly(t, os.Getenv(helperDBEnv))
}

func checkReadOnly(t *testing.T, path string) {
	s, warn := OpenOrFallback(path)
	if !errors.Is(warn, ErrReadOnly) {
		t.Fatalf("warning = %v, want ErrReadOnly", warn)
	}
	if !s.ReadOnly() {
		t.Fatal("ReadOnly() = false")
	}
	m, err := s.Marks("alice")
	if err != nil || !m["seen"].Starred {
		t.Fatalf("Marks = %v, %v; want the starred mark", m, err)
	}
	if q, err := s.LastQuery("alice"); err != nil || q != "kept" {
		t.Fatalf("LastQuery = %q, %v", q, err)
	}
	if err := s.SetStarred("alice", "new", true); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("SetStarred = %v, want ErrReadOnly", err)
	}
	if err := s.SetLastQuery("alice", "x"); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("SetLastQuery = %v, want ErrReadOnly", err)
	}
}

func randInt(t *testing.T, n int64) int {
	t.Helper()
	v, err := rand.Int(rand.Reader, big.NewInt(n))
	if err != nil {
		t.Fatal(err)
	}
	return int(v.Int64())
}

// committedLog records what the child reported as committed.
type committedLog struct {
	pos  map[string]int
	star map[string]bool
}

func (c *committedLog) add(t *testing.T, line string) {
	f := strings.Fields(line)
	switch {
	case len(f) == 3 && f[0] == "pos":
		n, err := strconv.Atoi(f[2])
		if err != nil {
			t.Fatalf("child said %q", line)
		}
		c.pos[f[1]] = n
	case len(f) == 2 && f[0] == "star":
		c.star[f[1]] = true
	default:
		// Test framework output such as "PASS"; not a promise.
	}
}

func (c *committedLog) verify(t *testing.T, marks map[string]Mark) {
	t.Helper()
	for id, line := range c.pos {
		if marks[id].Line != line {
			t.Errorf("%s: committed line %d, found %+v", id, line, marks[id])
		}
	}
	for id := range c.star {
		if !marks[id].Starred {
			t.Errorf("%s: committed star missing, found %+v", id, marks[id])
		}
	}
}

func TestCrashKeepsCommittedMarks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	log := &committedLog{pos: map[string]int{}, star: map[string]bool{}}
	for round := range 4 {
		cmd := helperCommand(t, os.Args[0], "TestHelperWriter",
			helperDBEnv+"="+path, helperUserEnv+"=crash",
			helperStartEnv+"="+strconv.Itoa(round*1_000_000), helperCountEnv+"=0")
		out, err := cmd.StdoutPipe()
		must(t, err)
		must(t, cmd.Start())
		sc := bufio.NewScanner(out)
		// Kill after a random number of writes plus a random fraction of a
		// write, so the kill lands anywhere inside a transaction.
		killAfter := 10 + randInt(t, 40)
		for n := 0; n < killAfter && sc.Scan(); n++ {
			log.add(t, sc.Text())
		}
		time.Sleep(time.Duration(randInt(t, 3000)) * time.Microsecond)
		must(t, cmd.Process.Signal(syscall.SIGKILL))
		for sc.Scan() { // lines printed before the kill are still promises
			log.add(t, sc.Text())
		}
		if err := cmd.Wait(); err == nil {
			t.Fatal("writer exited normally; it should have been killed")
		}
	}
	if len(log.pos) < 40 {
		t.Fatalf("only %d writes reported; the test proves little", len(log.pos))
	}
	s, err := Open(path) // Open runs bbolt's consistency check
	if err != nil {
		t.Fatalf("Open after SIGKILL: %v", err)
	}
	marks, err := s.Marks("crash")
	must(t, err)
	log.verify(t, marks)
	t.Logf("%d positions and %d stars survived 4 SIGKILLs", len(log.pos), len(log.star))
}

func TestTwoProcessesWriteConcurrently(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s1, err := Open(path)
	must(t, err)
	s2, err := Open(path)
	must(t, err)

	const n = 60
	cmd := helperCommand(t, os.Args[0], "TestHelperWriter",
		helperDBEnv+"="+path, helperUserEnv+"=child",
		helperStartEnv+"=0", helperCountEnv+"="+strconv.Itoa(n))
	var out bytes.Buffer
	cmd.Stdout = &out
	must(t, cmd.Start())
	// This process alternates two Store values while the child writes.
	for i := range n {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		if err := s.SetStarred("parent", fmt.Sprintf("p%03d", i), true); err != nil {
			t.Fatalf("parent write %d: %v", i, err)
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}

	log := &committedLog{pos: map[string]int{}, star: map[string]bool{}}
	for line := range strings.Lines(out.String()) {
		log.add(t, line)
	}
	if len(log.pos) != n {
		t.Fatalf("child reported %d writes, want %d", len(log.pos), n)
	}
	childMarks, err := s1.Marks("child")
	must(t, err)
	log.verify(t, childMarks)
	parentMarks, err := s2.Marks("parent")
	must(t, err)
	if len(parentMarks) != n {
		t.Fatalf("parent marks: %d, want %d", len(parentMarks), n)
	}
}

func TestTwoStoresAlternate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	a, err := Open(path)
	must(t, err)
	b, err := Open(path)
	must(t, err)
	for i := range 20 {
		id := fmt.Sprintf("x%d", i)
		must(t, a.SetStarred("u", id, true))
		must(t, b.SetPosition("u", id, i+1, 10))
	}
	for _, s := range []Store{a, b} {
		marks, err := s.Marks("u")
		must(t, err)
		for i := range 20 {
			// Each store started from the disk, not its cache, so neither
			// write undid the other's field.
			if m := marks[fmt.Sprintf("x%d", i)]; !m.Starred || m.Line != i+1 {
				t.Fatalf("x%d = %+v, want starred at line %d", i, m, i+1)
			}
		}
	}
}

func TestLockedFileFallsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	early, err := Open(path) // opened before the lock, used during it
	must(t, err)
	must(t, early.SetStarred("u", "before", true))

	cmd := helperCommand(t, os.Args[0], "TestHelperLocker", helperDBEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if line, _ := bufio.NewReader(out).ReadString('\n'); line != "locked\n" {
		t.Fatalf("locker said %q", line)
	}

	start := time.Now()
	s, warn := OpenOrFallback(path)
	took := time.Since(start)
	if !errors.Is(warn, ErrLocked) {
		t.Fatalf("warning = %v, want ErrLocked", warn)
	}
	if took > 3*time.Second {
		t.Errorf("OpenOrFallback took %v", took)
	}
	if strings.Contains(warn.Error(), "\n") || !strings.Contains(warn.Error(), "won't be saved") {
		t.Errorf("warning is not one explanatory line: %q", warn)
	}
	must(t, s.SetStarred("u", "session", true))
	if m, _ := s.Mark("u", "session"); !m.Starred {
		t.Error("fallback store lost a mark")
	}
	if err := early.SetStarred("u", "during", true); !errors.Is(err, ErrLocked) {
		t.Errorf("write while locked = %v, want ErrLocked", err)
	}
	t.Logf("OpenOrFallback on a locked file took %v: %v", took, warn)

	_ = stdin.Close() // the locker lets go
	must(t, cmd.Wait())
	must(t, early.SetStarred("u", "after", true))
	marks, err := early.Marks("u")
	must(t, err)
	if !marks["before"].Starred || !marks["after"].Starred || marks["during"].Starred {
		t.Errorf("marks after the lock: %+v", marks)
	}
}

func TestCorruptFileFallsBack(t *testing.T) {
	t.Run("random bytes", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.db")
		junk := make([]byte, 64<<10)
		_, _ = rand.Read(junk)
		must(t, os.WriteFile(path, junk, 0o600))
		assertCorruptFallback(t, path, junk)
	})
	t.Run("damaged pages", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.db")
		s, err := Open(path)
		must(t, err)
		for i := range 300 {
			must(t, s.SetPosition("u", fmt.Sprintf("article-%04d", i), i+1, 1))
		}
		data, err := os.ReadFile(path)
		must(t, err)
		// Keep the two meta pages valid so only a page walk finds the damage.
		for i := 2 * 4096; i < len(data); i++ {
			data[i] = 0xA5
		}
		must(t, os.WriteFile(path, data, 0o600))
		assertCorruptFallback(t, path, data)
	})
}

func assertCorruptFallback(t *testing.T, path string, content []byte) {
	t.Helper()
	s, warn := OpenOrFallback(path)
	if !errors.Is(warn, ErrCorrupt) {
		t.Fatalf("warning = %v, want ErrCorrupt", warn)
	}
	t.Logf("warning: %v", warn)
	if !s.ReadOnly() {
		t.Error("fallback claims to persist")
	}
	must(t, s.SetRead("u", "x", true))
	if m, _ := s.Mark("u", "x"); !m.Read {
		t.Error("fallback store lost a mark")
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, content) {
		t.Error("the damaged file was modified")
	}
	// A bbolt panic after its flock must not leave this process holding
	// the lock, or the user could not repair the file without quitting.
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Errorf("the damaged file is still locked: %v", err)
	}
}

func TestUnwritableDirectoryFallsBack(t *testing.T) {
	t.Run("parent is a file", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "file")
		must(t, os.WriteFile(file, nil, 0o600))
		assertMemoryFallback(t, filepath.Join(file, "tidings", "state.db"))
	})
	t.Run("no permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root ignores directory permissions")
		}
		dir := t.TempDir()
		must(t, os.Chmod(dir, 0o500))
		t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
		assertMemoryFallback(t, filepath.Join(dir, "tidings", "state.db"))
	})
	t.Run("no path", func(t *testing.T) {
		assertMemoryFallback(t, "")
	})
}

func assertMemoryFallback(t *testing.T, path string) {
	t.Helper()
	s, warn := OpenOrFallback(path)
	if warn == nil || errors.Is(warn, ErrReadOnly) {
		t.Fatalf("warning = %v, want a memory fallback warning", warn)
	}
	t.Logf("warning: %v", warn)
	must(t, s.SetStarred("u", "x", true))
	if m, _ := s.Mark("u", "x"); !m.Starred {
		t.Error("fallback store lost a mark")
	}
}

// TestReadOnlyFile makes the state file readable but not writable: with
// chmod when not root, and by running the checks as user nobody when root,
// since root ignores permissions.
func TestReadOnlyFile(t *testing.T) {
	dir, err := os.MkdirTemp("", "tidings-state-ro-")
	must(t, err)
	t.Cleanup(func() { _ = os.Chmod(dir, 0o700); _ = os.RemoveAll(dir) })
	path := filepath.Join(dir, "state.db")
	s, err := Open(path)
	must(t, err)
	must(t, s.SetStarred("alice", "seen", true))
	must(t, s.SetLastQuery("alice", "kept"))
	must(t, os.Chmod(path, 0o444))

	if os.Geteuid() != 0 {
		must(t, os.Chmod(dir, 0o500))
		checkReadOnly(t, path)
		return
	}
	// The go test build directory is private to root, so nobody needs its
	// own copy of the test binary.
	binary := filepath.Join(dir, "state.test")
	self, err := os.ReadFile(os.Args[0])
	must(t, err)
	must(t, os.WriteFile(binary, self, 0o755))
	must(t, os.Chmod(dir, 0o755))
	cmd := helperCommand(t, binary, "TestHelperReadOnly", helperDBEnv+"="+path)
	cmd.Dir = dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("read-only checks as nobody: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "PASS") {
		t.Fatalf("helper did not run:\n%s", out.String())
	}
}
