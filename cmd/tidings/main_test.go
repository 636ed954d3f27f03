package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// tidings runs the command line in process and returns stdout, stderr and
// the exit status.
func tidings(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// isolate points every library default away from the developer's own files,
// so tests see the built-in library unless they pass --dir.
func isolate(t *testing.T) {
	t.Setenv("TIDINGS_DIR", "")
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
}

const seedTitle = "Russia Begins Syria Withdrawal as Peace Talks Enter Second Day"

func TestListBuiltIn(t *testing.T) {
	isolate(t)
	out, errOut, code := tidings(t, "list")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, seedTitle) {
		t.Errorf("list does not show the seed article:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n < 15 {
		t.Errorf("built-in library lists %d articles, want at least 15", n)
	}
	if strings.ContainsRune(out, 0x1b) {
		t.Error("plain list output carries an escape sequence")
	}
}

func TestListJSON(t *testing.T) {
	isolate(t)
	out, _, code := tidings(t, "list", "--json", "--limit", "3", "--sort", "title")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3", len(lines))
	}
	var prev string
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		for _, k := range []string{"id", "title", "source", "section", "author", "date", "url", "tags", "path", "format", "words"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("record lacks %q: %s", k, l)
			}
		}
		title := strings.ToLower(rec["title"].(string))
		if title < prev {
			t.Errorf("--sort title: %q after %q", title, prev)
		}
		prev = title
	}
}

func TestReadPlainSeed(t *testing.T) {
	isolate(t)
	out, _, code := tidings(t, "list", "--json")
	if code != 0 {
		t.Fatal("list failed")
	}
	var id string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var rec struct{ ID, Title string }
		json.Unmarshal([]byte(l), &rec)
		if rec.Title == seedTitle {
			id = rec.ID
		}
	}
	if id == "" {
		t.Fatal("seed not listed")
	}
	for _, ref := range []string{id, id[:6], "world/000_dc5f07d6388784b7.txt"} {
		out, errOut, code := tidings(t, "read", "--plain", ref)
		if code != 0 {
			t.Fatalf("read %s: exit %d: %s", ref, code, errOut)
		}
		if !strings.HasPrefix(out, seedTitle+"\n") {
			t.Errorf("read %s does not start with the title:\n%.200s", ref, out)
		}
		for _, bad := range []string{"Advertisement", "\nShare\n", "\x1b"} {
			if strings.Contains(out, bad) {
				t.Errorf("read --plain output contains %q", bad)
			}
		}
		for _, para := range []string{"Russian warplanes continued bombing", "Syria’s main opposition welcomed", "Damascus sparked Western anger"} {
			if !strings.Contains(strings.ReplaceAll(out, "\n", " "), para) {
				t.Errorf("read --plain lost the paragraph starting %q", para)
			}
		}
	}
}

func TestExitCodes(t *testing.T) {
	isolate(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown flag", []string{"list", "--bogus"}, 2, "unknown flag"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"read needs an id", []string{"read"}, 2, "takes 1 argument"},
		{"bad sort", []string{"list", "--sort", "size"}, 2, "unknown sort"},
		{"bad theme", []string{"read", "--theme", "pink", "x"}, 2, "unknown --theme"},
		{"bad limit", []string{"list", "--limit", "-1"}, 2, "negative"},
		{"search needs a query", []string{"search"}, 2, "at least 1"},
		{"unknown id", []string{"read", "ffffffff"}, 1, "no article with id or path ffffffff"},
		{"missing dir", []string{"list", "--dir", "/nonexistent/tidings"}, 1, "/nonexistent/tidings"},
		{"version", []string{"--version"}, 0, ""},
		{"help", []string{"--help"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := tidings(t, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.stderr)
			}
			if tt.code == 2 && !strings.Contains(errOut, "Usage:") {
				t.Errorf("usage error without usage: %q", errOut)
			}
		})
	}
}

func TestDirAnywhereAndEnv(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("Only article here\n\nBody.\n"), 0o644)
	for _, args := range [][]string{{"--dir", dir, "list"}, {"list", "--dir", dir}} {
		out, _, code := tidings(t, args...)
		if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "Only article here") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
	t.Setenv("TIDINGS_DIR", dir)
	out, _, _ := tidings(t, "list")
	if !strings.Contains(out, "Only article here") || strings.Contains(out, seedTitle) {
		t.Errorf("$TIDINGS_DIR not used: %q", out)
	}
}

func TestCheck(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "good.txt"), []byte("Fine\n\nBody.\n"), 0o644)
	clean, _, code := tidings(t, "check", "--dir", dir)
	if code != 0 {
		t.Errorf("check on a clean folder: exit %d", code)
	}
	if !strings.Contains(clean, "1 articles from 1 files") || !strings.Contains(clean, "read, parsed and indexed in ") {
		t.Errorf("check's summary: %q", clean)
	}
	os.WriteFile(filepath.Join(dir, "bad.txt"), []byte("bin\x00ary"), 0o644)
	os.WriteFile(filepath.Join(dir, "bad\x1b]0;pwned\x07.txt"), []byte(""), 0o644)
	out, _, code := tidings(t, "check", "--json", "--dir", dir)
	if code != 1 {
		t.Errorf("check with a skipped file: exit %d, want 1", code)
	}
	var rep struct {
		Articles int
		Skipped  []struct{ Path, Reason string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("check --json is not one object: %v\n%s", err, out)
	}
	if rep.Articles != 1 || len(rep.Skipped) != 2 {
		t.Errorf("report: %+v", rep)
	}
	text, _, _ := tidings(t, "check", "--dir", dir)
	if strings.ContainsAny(text, "\x1b\x07") {
		t.Errorf("check's text report carries control bytes from a file name: %q", text)
	}
	_, errOut, _ := tidings(t, "list", "--dir", dir)
	if !strings.Contains(errOut, "skipped") || strings.ContainsAny(errOut, "\x1b\x07") {
		t.Errorf("list's warnings: %q", errOut)
	}
}

func TestBBC(t *testing.T) {
	dir := "../../../shared/corpora/bbc"
	if _, err := os.Stat(dir); err != nil {
		t.Skip("BBC corpus not present")
	}
	isolate(t)
	out, _, code := tidings(t, "list", "--dir", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if n := strings.Count(out, "\n"); n != 2225 {
		t.Errorf("%d articles, want 2225", n)
	}
	if !strings.Contains(out, "£") {
		t.Error("no pound sign in the BBC output")
	}
	if _, _, code := tidings(t, "check", "--dir", dir); code != 0 {
		t.Errorf("check on the BBC corpus: exit %d", code)
	}
}

// TestSearchStats checks the --stats line: counts, and the query's matches,
// on stderr only, so the hits on stdout stay machine-readable.
func TestSearchStats(t *testing.T) {
	isolate(t)
	out, errOut, code := tidings(t, "search", "--stats", "--json", "withdrawal")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"read, parsed and indexed 21 articles (21 files", "query: 1 matches in"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr %q lacks %q", errOut, want)
		}
	}
	if !strings.Contains(out, seedTitle) || strings.Contains(out, "indexed") {
		t.Errorf("stdout should hold the hit and no statistics: %q", out)
	}
}

// TestLoadRestoresGCPercent: the lower GOGC of a load (loadGCPercent) ends
// with it, whichever command loaded.
func TestLoadRestoresGCPercent(t *testing.T) {
	isolate(t)
	t.Setenv("GOGC", "")
	defer debug.SetGCPercent(debug.SetGCPercent(123))
	for _, args := range [][]string{{"list"}, {"check"}, {"search", "peace"}} {
		if _, errOut, code := tidings(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		if got := debug.SetGCPercent(123); got != 123 {
			t.Errorf("%v: GOGC %d after the load, want 123", args, got)
		}
	}
}
