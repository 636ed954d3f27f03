package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
)

// These tests run every output path of the command line on the hostile
// library of store/testdata/hostile (see store/hostile_test.go, which
// builds the same folder and checks what Load makes of it) and check that
// no byte sequence from the data reaches the terminal: plain output has no
// escape sequence at all, styled output only the SGR colour sequences that
// Tidings writes itself, JSON escapes every control character.

// hostileWord is in many of the hostile texts, for search.
const hostileWord = "quokka"

// hostileLibrary builds the hostile library in a fresh folder: the static
// files, then the entries git cannot hold (the same as the store test's).
func hostileLibrary(t testing.TB) string {
	t.Helper()
	const static = "../../store/testdata/hostile/files"
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(static)
	must(err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(static, e.Name()))
		must(err)
		must(os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644))
	}
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(os.WriteFile(p, []byte(content), 0o644))
	}
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.txt"), 0o644))
	if l, err := net.Listen("unix", filepath.Join(dir, "socket.txt")); err == nil {
		t.Cleanup(func() { l.Close() })
	}
	must(os.Symlink("/etc/passwd", filepath.Join(dir, "passwd.txt")))
	must(os.Symlink("/dev/zero", filepath.Join(dir, "zero.txt")))
	must(os.Symlink(".", filepath.Join(dir, "loop")))
	must(os.Symlink("pong.txt", filepath.Join(dir, "ping.txt")))
	must(os.Symlink("ping.txt", filepath.Join(dir, "pong.txt")))
	f, err := os.Create(filepath.Join(dir, "huge.txt"))
	must(err)
	must(f.Truncate(64 << 20)) // sparse: no disk, and never read
	must(f.Close())
	deep := filepath.Join(dir, "deep")
	for range 80 {
		deep = filepath.Join(deep, "d")
	}
	must(os.MkdirAll(deep, 0o755))
	must(os.WriteFile(filepath.Join(deep, "eighty.txt"), []byte("Eighty folders down\n\nbody\n"), 0o644))
	write("evil\x1b]0;pwned\x07.txt", "Evil file name quokka\n\nThe name of this file retitles a terminal that prints it raw.\n")
	write("evil\x1b]2;bom\x07\u009b2J.txt", "\ufeff")
	write("sec\x1b[2J\u202etion/story.md", "# Story in an evil folder\n\nThe section name clears the screen, quokka.\n")
	write("c1\u009b31m\u202egnp.md", "# C1 in the name\n\nBody.\n")
	write("latin\xe9-name.txt", "Latin-1 file name\n\nBody.\n")
	write("skipped\x1b]0;pwned\x07.txt", "binary\x00") // a skip reported with an evil name
	return dir
}

// terminalProblem describes the first thing in s that a terminal would
// obey beyond printing text: any ESC (or, with sgr, any ESC that does not
// start an SGR sequence "ESC [ digits;: m"), a C0 control other than
// newline, tab and (with cr, for a pty's ONLCR) carriage return, DEL, a C1
// control, a bidi override, or invalid UTF-8. It returns "" when s is safe.
func terminalProblem(s string, sgr, cr bool) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0x1b:
			if !sgr {
				return fmt.Sprintf("ESC at %d: %q", i, around(s, i))
			}
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return fmt.Sprintf("ESC not starting a CSI at %d: %q", i, around(s, i))
			}
			j++
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';' || s[j] == ':') {
				j++
			}
			if j >= len(s) || s[j] != 'm' {
				return fmt.Sprintf("CSI other than SGR at %d: %q", i, around(s, i))
			}
			i = j
		case c == '\r' && cr:
		case c < 0x20 && c != '\n' && c != '\t', c == 0x7f:
			return fmt.Sprintf("control %#x at %d: %q", c, i, around(s, i))
		}
	}
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for i, r := range s {
		if r >= 0x80 && r <= 0x9f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return fmt.Sprintf("%U at %d: %q", r, i, around(s, i))
		}
	}
	return ""
}

func around(s string, i int) string { return s[max(0, i-20):min(len(s), i+40)] }

// hostileRecord is the part of a --json record the tests look at.
type hostileRecord struct {
	ID, Title, Source, Section, Author, URL, Path, Format string
	Tags                                                  []string
	Snippet                                               *string
}

// decodeRecords parses JSON Lines and checks every text field but the path
// (which is the file's real name, escaped) is clean once decoded too.
func decodeRecords(t *testing.T, out string) []hostileRecord {
	t.Helper()
	var recs []hostileRecord
	for _, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		var r hostileRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("not JSON: %v: %q", err, line)
		}
		fields := append([]string{r.ID, r.Title, r.Source, r.Section, r.Author, r.URL, r.Format}, r.Tags...)
		if r.Snippet != nil {
			fields = append(fields, *r.Snippet)
		}
		for _, f := range fields {
			if why := terminalProblem(f, false, false); why != "" {
				t.Errorf("record %s: decoded field carries %s", r.Path, why)
			}
		}
		recs = append(recs, r)
	}
	return recs
}

// TestHostileCLIOutput runs list, list --json, search, search --json,
// check, check --json and read --plain of every article on the hostile
// library, in process, and checks stdout and stderr of each.
func TestHostileCLIOutput(t *testing.T) {
	isolate(t)
	dir := hostileLibrary(t)
	clean := func(what, s string) {
		t.Helper()
		if why := terminalProblem(s, false, false); why != "" {
			t.Errorf("%s: %s", what, why)
		}
	}
	run := func(wantCode int, args ...string) (string, string) {
		t.Helper()
		start := time.Now()
		out, errOut, code := tidings(t, append(args, "--dir", dir)...)
		if code != wantCode {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", args, code, wantCode, errOut)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%v took %v", args, d)
		}
		clean(strings.Join(args, " ")+" stdout", out)
		clean(strings.Join(args, " ")+" stderr", errOut)
		return out, errOut
	}

	out, errOut := run(0, "list")
	nArticles := strings.Count(out, "\n")
	if nArticles < 35 {
		t.Errorf("list shows %d articles, want the whole hostile library (35+)", nArticles)
	}
	// Every skip and every warning is one line on stderr, names made safe.
	for _, want := range []string{"skipped", "binary file", "FIFO", "too large", "symlink leads out", "symlink loop", "deeper than 64", "skipped.txt: binary file", "warning:", "front matter"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("list's stderr does not mention %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "root:x:0:0") || strings.Contains(out, "root:x:0:0") {
		t.Error("/etc/passwd leaked")
	}

	out, _ = run(0, "list", "--json")
	recs := decodeRecords(t, out)
	if len(recs) != nArticles {
		t.Errorf("list --json: %d records, list: %d lines", len(recs), nArticles)
	}
	var sawEvilPath bool
	for _, r := range recs {
		sawEvilPath = sawEvilPath || strings.Contains(r.Path, "\x1b]0;pwned\x07")
	}
	if !sawEvilPath {
		t.Error("list --json does not give the evil file's real name (escaped) as its path")
	}

	out, _ = run(0, "search", hostileWord)
	if strings.Count(out, "\n    ") < 5 {
		t.Errorf("search %s found few results:\n%s", hostileWord, out)
	}
	out, _ = run(0, "search", "--json", "--limit", "100", hostileWord)
	if got := decodeRecords(t, out); len(got) < 10 {
		t.Errorf("search --json %s: %d results, want 10+", hostileWord, len(got))
	}
	for _, q := range []string{"pwned", "\x1b]0;pwned\x07", "title:\u009b2J", "\"[2J\" OR 31m", strings.Repeat("[", 300)} {
		run(0, "search", q)
	}

	out, _ = run(1, "check")
	for _, want := range []string{"skipped:", "warnings:", "skipped.txt: binary file"} {
		if !strings.Contains(out, want) {
			t.Errorf("check does not say %q:\n%s", want, out)
		}
	}
	out, _ = run(1, "check", "--json")
	var rep struct {
		Articles int
		Skipped  []struct{ Path, Reason string }
		Warnings []struct{ Path, Reason string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --json: %v", err)
	}
	if rep.Articles != nArticles || len(rep.Skipped) < 10 || len(rep.Warnings) < 3 {
		t.Errorf("check --json: %d articles, %d skipped, %d warnings", rep.Articles, len(rep.Skipped), len(rep.Warnings))
	}
	for _, p := range append(rep.Skipped, rep.Warnings...) {
		if why := terminalProblem(p.Reason, false, false); why != "" {
			t.Errorf("check --json: reason for %q carries %s", p.Path, why)
		}
	}

	perPath := map[string]int{}
	for _, r := range recs {
		perPath[r.Path]++
	}
	for _, r := range recs {
		refs := []string{r.ID}
		// By path too, where that names one article: JSON cannot carry a
		// name that is not UTF-8 (it arrives with U+FFFD in it).
		if perPath[r.Path] == 1 && !strings.ContainsRune(r.Path, utf8.RuneError) {
			refs = append(refs, r.Path)
		}
		for _, ref := range refs {
			out, _ := run(0, "read", "--plain", "--width", "60", ref)
			if !strings.Contains(out, firstWords(r.Title)) {
				t.Errorf("read --plain %q does not show its title %q:\n%.300s", r.Path, r.Title, out)
			}
		}
	}
}

// firstWords is the start of a title as the plain reader shows it before
// wrapping.
func firstWords(title string) string {
	f := strings.Fields(title)
	return strings.Join(f[:min(len(f), 1)], " ")
}

// buildTidings builds the binary once per test that needs a real process.
func buildTidings(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tidings")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The queries Bubble Tea's init makes of any terminal on stdout, in every
// subcommand (it asks for the background colour so that Lip Gloss knows it
// before a program takes the terminal over), and the answers ptyRun gives,
// as a terminal would: without them each run waits termenv's 5 s timeout.
const (
	queryBackground  = "\x1b]11;?\x1b\\"
	queryCursor      = "\x1b[6n"
	answerBackground = "\x1b]11;rgb:0000/0000/0000\x1b\\"
	answerCursor     = "\x1b[1;1R"
)

// stripQueries removes the terminal queries the program starts with: they
// are Tidings' own (through Bubble Tea), not data, and come before anything
// else is written.
func stripQueries(out string) string {
	for {
		switch {
		case strings.HasPrefix(out, queryBackground):
			out = out[len(queryBackground):]
		case strings.HasPrefix(out, queryCursor):
			out = out[len(queryCursor):]
		default:
			return out
		}
	}
}

// ptyRun runs the binary with a 100x40 terminal that answers the colour and
// cursor queries, and returns what it wrote (queries stripped), how long it
// ran and its peak resident memory. wantCode is the expected exit status.
func ptyRun(t *testing.T, bin string, env []string, wantCode int, args ...string) (out string, took time.Duration, maxRSS int64) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	start := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 100})
	if err != nil {
		t.Fatalf("pty: %v", err)
	}
	defer ptmx.Close()
	var buf bytes.Buffer
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		chunk := make([]byte, 32<<10)
		answered := 0
		for {
			n, err := ptmx.Read(chunk)
			buf.Write(chunk[:n])
			// Answer each query once, as soon as it is complete.
			if answered == 0 && bytes.Contains(buf.Bytes(), []byte(queryBackground)) {
				ptmx.WriteString(answerBackground)
				answered++
			}
			if answered == 1 && bytes.Contains(buf.Bytes(), []byte(queryCursor)) {
				ptmx.WriteString(answerCursor)
				answered++
			}
			if err != nil {
				return // EIO once the child has exited
			}
		}
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatalf("%v did not finish in 30 s", args)
	}
	took = time.Since(start)
	select {
	case <-copied:
	case <-time.After(5 * time.Second):
	}
	if code := cmd.ProcessState.ExitCode(); code != wantCode {
		t.Errorf("%v: exit %d (%v), want %d\n%.500q", args, code, err, wantCode, buf.String())
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		maxRSS = int64(ru.Maxrss) << 10 // kilobytes on Linux
	}
	return stripQueries(buf.String()), took, maxRSS
}

var sgrRE = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// TestHostileReadStyledInPTY opens every article of the hostile library
// with `tidings read` in a real terminal, styled by Glamour: each opens in
// under 3 s and 600 MB, and writes no escape sequence but SGR. list, search
// and check run in the terminal too.
func TestHostileReadStyledInPTY(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs it once per article in a pty")
	}
	bin := buildTidings(t) // before isolate: its HOME would mean a cold build cache
	isolate(t)
	dir := hostileLibrary(t)
	env := []string{"TERM=xterm-256color", "HOME=" + os.Getenv("HOME"), "XDG_STATE_HOME=" + os.Getenv("XDG_STATE_HOME"),
		"XDG_DATA_HOME=" + os.Getenv("XDG_DATA_HOME"), "PATH=" + os.Getenv("PATH"), "COLORTERM=truecolor"}

	out, _, code := tidings(t, "list", "--json", "--dir", dir)
	if code != 0 {
		t.Fatal("list --json failed")
	}
	recs := decodeRecords(t, out)

	const maxTook, maxMem = 3 * time.Second, 600 << 20
	styled := 0
	for _, r := range recs {
		args := []string{"read", "--dir", dir, "--theme", "dark", r.ID}
		out, took, rss := ptyRun(t, bin, env, 0, args...)
		if took > maxTook { // once more before failing: the machine may be busy
			out, took, rss = ptyRun(t, bin, env, 0, args...)
		}
		t.Logf("%-28.28q %6.0f ms %5d MB %7d bytes", r.Path, float64(took.Microseconds())/1000, rss>>20, len(out))
		if took > maxTook {
			t.Errorf("read %q took %v, want under %v", r.Path, took, maxTook)
		}
		if rss > maxMem {
			t.Errorf("read %q peaked at %d MB, want under %d MB", r.Path, rss>>20, maxMem>>20)
		}
		if why := terminalProblem(out, true, true); why != "" {
			t.Errorf("read %q in a terminal: %s", r.Path, why)
		}
		if sgrRE.MatchString(out) {
			styled++
		}
	}
	// Glamour writes SGR only where there is formatting (headings, emphasis,
	// code), so plain prose comes out without any; but some must be styled.
	t.Logf("%d of %d articles carry SGR colour", styled, len(recs))
	if styled < 3 {
		t.Errorf("only %d of %d articles came out styled: the terminal path was not taken", styled, len(recs))
	}
	for _, args := range [][]string{{"list"}, {"search", hostileWord}, {"search", "pwned"}, {"check"}, {"check", "--json"}, {"list", "--json"}} {
		code := 0
		if args[0] == "check" {
			code = 1 // files were skipped
		}
		out, _, _ := ptyRun(t, bin, env, code, append(args, "--dir", dir)...)
		if why := terminalProblem(out, true, true); why != "" {
			t.Errorf("%v in a terminal: %s", args, why)
		}
	}
}

var readerStatusRE = regexp.MustCompile(`\d+%\s*$`)

// TestHostileTUIInTmux opens every article of the hostile library in the
// TUI inside tmux, searches, and checks that the pane's title did not
// change, no clipboard buffer appeared (OSC 52) and the program is alive.
func TestHostileTUIInTmux(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and drives tmux")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := buildTidings(t) // before isolate: its HOME would mean a cold build cache
	isolate(t)
	dir := hostileLibrary(t)
	out, _, _ := tidings(t, "list", "--dir", dir)
	n := strings.Count(out, "\n")

	exitFile := filepath.Join(t.TempDir(), "exit")
	script := fmt.Sprintf("TIDINGS_DIR= XDG_STATE_HOME=%s TERM=xterm-256color %s --theme dark --dir '%s' 2>/dev/null; echo EXIT=$? > %s",
		t.TempDir(), bin, dir, exitFile)
	s := &tmuxSession{t: t, socket: fmt.Sprintf("tidings-hostile-%d", os.Getpid()), name: "hostile"}
	s.run("new-session", "-d", "-s", s.name, "-x", "100", "-y", "30", "sh", "-c", script)
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.run("set-option", "-g", "set-clipboard", "on")
	title := func() string { return strings.TrimSpace(s.run("display-message", "-p", "-t", s.name, "#{pane_title}")) }
	before := title()

	s.waitFor(fmt.Sprintf("%d articles", n))
	lastLine := func() string {
		lines := strings.Split(strings.TrimRight(s.capture(), "\n"), "\n")
		return lines[len(lines)-1]
	}
	opened := func(wait time.Duration) bool {
		deadline := time.Now().Add(wait)
		for !readerStatusRE.MatchString(lastLine()) {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(30 * time.Millisecond)
		}
		return true
	}
	// waitReader waits for the reader's status line. Now and then (about
	// one run in three, always on the Latin-1 noise article) the pane is
	// found scrolled by a few lines with the status line gone, although the
	// frame the program drew has exactly the pane's height and width; a
	// second open redraws every line and succeeds. The flake is logged, not
	// hidden; what this test guards (no title change, no clipboard write,
	// the program alive) is checked regardless.
	waitReader := func(i int) (retried bool) {
		t.Helper()
		if opened(5 * time.Second) {
			return false
		}
		t.Logf("article %d: reader status line missing, opening it again; screen:\n%s", i, s.capture())
		s.keys("Escape")
		s.waitFor(fmt.Sprintf("%d/%d", i, n))
		s.keys("Enter")
		if !opened(10 * time.Second) {
			t.Fatalf("article %d did not open; screen:\n%s", i, s.capture())
		}
		return true
	}
	for i := 1; i <= n; i++ {
		s.waitFor(fmt.Sprintf("%d/%d", i, n))
		start := time.Now()
		s.keys("Enter")
		if retried := waitReader(i); !retried && time.Since(start) > 3*time.Second {
			t.Errorf("article %d took %v to open", i, time.Since(start))
		}
		s.keys("G") // to the end: every line of the article is drawn
		s.keys("Escape")
		s.waitFor(fmt.Sprintf("%d/%d", i, n))
		if i < n {
			s.keys("j")
		}
	}
	s.keys("/")
	s.keys("-l", hostileWord)
	s.waitFor("for ‘" + hostileWord)
	s.keys("Enter")
	s.keys("Enter")
	waitReader(0)
	s.keys("Escape")
	s.keys("/")
	s.keys("-l", "pwned \x1b]0;typed\x07")
	time.Sleep(300 * time.Millisecond)
	s.keys("Escape")

	if after := title(); after != before {
		t.Errorf("the pane title changed from %q to %q", before, after)
	}
	if bufs := strings.TrimSpace(s.run("list-buffers")); bufs != "" {
		t.Errorf("a clipboard buffer appeared (OSC 52): %s", bufs)
	}
	if dead := strings.TrimSpace(s.run("list-panes", "-t", s.name, "-F", "#{pane_dead}")); dead != "0" {
		t.Fatalf("the program died:\n%s", s.capture())
	}
	s.keys("Escape")
	s.keys("q")
	waitExit(t, s, exitFile)
}
