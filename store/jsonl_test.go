package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseJSONLines(t *testing.T) {
	data, err := os.ReadFile("testdata/jsonl/articles.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	arts, warns, err := parseFile(t, "jsonl/articles.jsonl", data)
	if err != nil {
		t.Fatal(err)
	}
	wantWarn := []string{"line 3: ", "line 4: not a JSON object", "line 7: date ", "line 9: no title and no text"}
	if len(warns) != len(wantWarn) {
		t.Fatalf("warnings %q", warns)
	}
	for i, w := range wantWarn {
		if !strings.HasPrefix(warns[i], w) {
			t.Errorf("warning %q, want it to start with %q", warns[i], w)
		}
	}
	want := []struct{ title, key, date, author string }{
		{"Tram strike called off after late-night talks", "id:a-101", "2024-05-02T06:30:00Z", "Chris Lowe"},
		{"Library to open on Sundays", "line 2", "2024-05-01T00:00:00Z", ""},
		{"Heatwave warning issued", "url:https://metro.example/heatwave", "2024-05-04T07:00:00Z", "Weather desk"},
		{"Bad date kept", "line 7", "2020-01-02T03:04:05Z", ""},
		{"An item with no title gets one from the first words of…", "line 8", "2020-01-02T03:04:05Z", ""},
		{"Escape [31mred[0m and evil", "line 10", "2020-01-02T03:04:05Z", ""},
	}
	if len(arts) != len(want) {
		t.Fatalf("got %d articles, want %d", len(arts), len(want))
	}
	for i, w := range want {
		a := arts[i]
		checkClean(t, a)
		if a.Title != w.title || a.ID != w.key || a.Author != w.author || a.Published.UTC().Format(time.RFC3339) != w.date {
			t.Errorf("article %d: title %q key %q author %q date %s", i+1, a.Title, a.ID, a.Author, a.Published.UTC().Format(time.RFC3339))
		}
	}
	if got := strings.Join(arts[1].Tags, "|"); got != "libraries|council|weekends" {
		t.Errorf("comma-string tags: %q", got)
	}
	if !strings.Contains(arts[2].Body, "- Drink water") || !strings.Contains(arts[2].Body, "**34C**") {
		t.Errorf("HTML body not converted: %q", arts[2].Body)
	}
}

func TestParseJSONArray(t *testing.T) {
	data, err := os.ReadFile("testdata/jsonl/array.json")
	if err != nil {
		t.Fatal(err)
	}
	arts, warns, err := parseFile(t, "jsonl/array.json", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 1 || warns[0] != "item 3 (line 4): not a JSON object but a number" {
		t.Errorf("warnings %q", warns)
	}
	if len(arts) != 3 {
		t.Fatalf("got %d articles", len(arts))
	}
	a := arts[0]
	if a.Title != "Port expansion approved" || a.Source != "Coastal Times" || a.Author != "A. Smith, B. Jones" ||
		a.URL != "https://coastal.example/port" || a.Published.UTC().Format(time.RFC3339) != "2024-05-01T10:00:00Z" ||
		strings.Join(a.Tags, ",") != "port,shipping" || a.Format != "json" {
		t.Errorf("first article: %+v", a)
	}
	if arts[1].Source != "Coastal Times" {
		t.Errorf("source object: %q", arts[1].Source)
	}
	if arts[1].ID != "id:2" || arts[2].ID != "id:2#2" {
		t.Errorf("keys %q %q: a repeated id must get a distinct key", arts[1].ID, arts[2].ID)
	}
}

func TestParseJSONSkips(t *testing.T) {
	tests := []struct{ name, file, data, reason string }{
		{"object", "x.json", `{"name": "pkg", "version": "1.0.0"}`, "not a JSON Feed"},
		{"scalar", "x.json", `"just a string"`, "not a JSON Feed nor an array"},
		{"empty array", "x.json", `[]`, "the array is empty"},
		{"array of numbers", "x.json", `[1, 2, 3]`, "not an array of articles (item 1 (line 1): not a JSON object but a number)"},
		{"broken object", "x.json", `{"version": `, "JSON does not parse"},
		{"broken array", "x.json", `[{"title": "a", "body": "b"`, "stopped reading"},
		{"no good line", "x.jsonl", "nope\n{\"x\": 1}\n", "no line holds an article"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			arts, _, err := parseFile(t, tt.file, []byte(tt.data))
			if err == nil || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("got %d articles, err %v; want a skip for %q", len(arts), err, tt.reason)
			}
		})
	}
}

func TestParseJSONArrayKeepsItemsBeforeASyntaxError(t *testing.T) {
	arts, warns, err := parseFile(t, "x.json", []byte("[\n{\"title\": \"kept\"},\n{\"title\": oops}\n]"))
	if err != nil || len(arts) != 1 || arts[0].Title != "kept" {
		t.Fatalf("got %d articles, err %v", len(arts), err)
	}
	if len(warns) != 1 || !strings.Contains(warns[0], "item 2: invalid character 'o'") || !strings.Contains(warns[0], "at line 3") || !strings.Contains(warns[0], "stopped reading") {
		t.Errorf("warnings %q", warns)
	}
}

// fuzzSeeds adds every test file in dirs to a fuzz corpus.
func fuzzSeeds(f *testing.F, add func(name string, data []byte), patterns ...string) {
	for _, p := range patterns {
		files, _ := filepath.Glob(p)
		for _, file := range files {
			if strings.HasSuffix(file, ".golden") {
				continue
			}
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			add(file, data)
		}
	}
}

// fuzzParse runs one parser on fuzz input and checks what every parser
// promises: no panic, bounded time, clean one-line fields and bodies.
func fuzzParse(t *testing.T, rel string, data []byte) {
	start := time.Now()
	arts, warns, err := parseFile(t, rel, data)
	if d := time.Since(start); d > 2*time.Second && len(data) < 1<<20 {
		// Time it again before failing: on a busy machine one run can
		// lose seconds to the scheduler.
		start = time.Now()
		parseFile(t, rel, data)
		if d2 := time.Since(start); d2 > 2*time.Second {
			t.Errorf("parsing %d bytes took %v, then %v", len(data), d, d2)
		}
	}
	if err != nil && len(arts) > 0 {
		t.Errorf("articles and a skip reason: %v", err)
	}
	for _, w := range warns {
		if controlIn(w) >= 0 {
			t.Errorf("control character in warning %q", w)
		}
	}
	keys := map[string]bool{}
	for _, a := range arts {
		checkClean(t, a)
		if len(arts) > 1 {
			if keys[a.ID] {
				t.Errorf("item key %q repeated", a.ID)
			}
			keys[a.ID] = true
		}
	}
}

func FuzzParseJSON(f *testing.F) {
	fuzzSeeds(f, func(name string, data []byte) {
		f.Add(data, strings.HasSuffix(name, ".jsonl"))
	}, "testdata/jsonl/*", "testdata/feed/*.json")
	f.Add([]byte(`[{"title": "\u009b\u001b", "tags": [1, {"name": "x"}, null], "date": 1e300}]`), false)
	f.Fuzz(func(t *testing.T, data []byte, lines bool) {
		name := "f.json"
		if lines {
			name = "f.jsonl"
		}
		fuzzParse(t, name, data)
	})
}
