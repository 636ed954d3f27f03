package printer

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
)

func hostileArticle() *store.Article {
	return &store.Article{
		ID: "abc123def456", Title: "Title \x1b]0;pwned\x07 here", Source: "Src\u009b2J",
		Section: "world", Published: time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC),
		Body: "Para one \x1b[2J with \x1b[31mcolour\x1b[0m.\n\nPara two.", Words: 7,
		Related: []string{"Rel\x07ated headline"}, Tags: []string{"a"},
	}
}

func TestLineIsSafe(t *testing.T) {
	got := Line(hostileArticle())
	if strings.ContainsAny(got, "\x1b\x07\u009b") {
		t.Fatalf("control bytes in %q", got)
	}
	if !strings.HasPrefix(got, "abc123def456  2025-03-04  Src") || !strings.Contains(got, "Title") {
		t.Errorf("Line = %q", got)
	}
	undated := &store.Article{ID: "x", Title: "T", Section: "s"}
	if got := Line(undated); got != "x              s  T" {
		t.Errorf("undated Line = %q", got)
	}
}

func TestReadPlainHasNoEscapes(t *testing.T) {
	var b bytes.Buffer
	if err := ReadPlain(&b, hostileArticle(), 40); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.ContainsAny(out, "\x1b\x07\u009b") {
		t.Fatalf("escape in plain output: %q", out)
	}
	for _, want := range []string{"Para one", "Para two.", "Related:", "Related headline"} {
		if !strings.Contains(out, want) {
			t.Errorf("plain output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if len([]rune(line)) > 40 {
			t.Errorf("line wider than 40: %q", line)
		}
	}
}

func TestRecords(t *testing.T) {
	a := hostileArticle()
	recs := SearchRecords([]store.Hit{{Article: a, Score: 1.5, Snippet: "snip"}})
	AddMarks(recs, map[string]state.Mark{a.ID: {Read: true}})
	var b bytes.Buffer
	if err := JSONLines(&b, recs); err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(b.String(), 0x1b) {
		t.Error("raw ESC in JSON (must be escaped)")
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	if m["date"] != "2025-03-04T09:30:00Z" || m["score"] != 1.5 || m["snippet"] != "snip" || m["read"] != true || m["starred"] != false {
		t.Errorf("record: %v", m)
	}
	plain := NewRecord(&store.Article{ID: "x"})
	if plain.Date != "" || plain.Tags == nil {
		t.Errorf("zero date must be \"\" and tags [] : %+v", plain)
	}
}
