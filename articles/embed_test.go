package articles

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

const seedName = "000_dc5f07d6388784b7.txt"

// files lists every regular file in the library, by slash path.
func files(t *testing.T) []string {
	t.Helper()
	var out []string
	err := fs.WalkDir(FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walking the library: %v", err)
	}
	return out
}

func TestSeedIsByteForByte(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "shared", "seed", seedName))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("the shared seed is not here; nothing to compare against")
	}
	if err != nil {
		t.Fatal(err)
	}
	got, err := fs.ReadFile(FS(), "world/"+seedName)
	if err != nil {
		t.Fatalf("the seed is missing from the library: %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("world/%s differs from the shared seed (%d bytes, want %d)", seedName, len(got), len(want))
	}
}

func TestLibraryShape(t *testing.T) {
	all := files(t)
	if len(all) < 15 {
		t.Errorf("the library holds %d files, want at least 15: %v", len(all), all)
	}
	exts := map[string]int{}
	sections := map[string]bool{}
	for _, p := range all {
		exts[path.Ext(p)]++
		dir := path.Dir(p)
		if dir == "." {
			t.Errorf("%s sits at the root; every article belongs in a section folder", p)
		}
		sections[strings.SplitN(dir, "/", 2)[0]] = true
		b, err := fs.ReadFile(FS(), p)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if !utf8.Valid(b) {
			t.Errorf("%s is not valid UTF-8", p)
		}
	}
	for _, ext := range []string{".md", ".txt"} {
		if exts[ext] == 0 {
			t.Errorf("no %s articles in the library", ext)
		}
	}
	if !sections["tour"] {
		t.Error("the tour section is missing")
	}
}

// The seed must stay the only article with these words: other tests search
// for them and expect exactly one hit.
func TestSeedOnlyWords(t *testing.T) {
	for _, p := range files(t) {
		if path.Base(p) == seedName {
			continue
		}
		b, _ := fs.ReadFile(FS(), p)
		text := strings.ToLower(string(b))
		for _, w := range []string{"khmeimim", "withdraw", "russia"} {
			if strings.Contains(text, w) {
				t.Errorf("%s mentions %q, which only the seed may", p, w)
			}
		}
	}
}

func TestFrontMatterParses(t *testing.T) {
	var oldestTour, latestOther time.Time
	for _, p := range files(t) {
		if path.Ext(p) != ".md" {
			continue
		}
		b, err := fs.ReadFile(FS(), p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		var fence string
		switch {
		case strings.HasPrefix(text, "---\n"):
			fence = "---"
		case strings.HasPrefix(text, "+++\n"):
			fence = "+++"
		default:
			if !strings.HasPrefix(text, "# ") {
				t.Errorf("%s has no front matter and does not start with a # heading", p)
			}
			continue
		}
		raw, _, ok := strings.Cut(text[4:], "\n"+fence+"\n")
		if !ok {
			t.Errorf("%s: front matter opened with %s is never closed", p, fence)
			continue
		}
		meta := map[string]any{}
		if fence == "---" {
			err = yaml.Unmarshal([]byte(raw), &meta)
		} else {
			_, err = toml.Decode(raw, &meta)
		}
		if err != nil {
			t.Errorf("%s: front matter does not parse: %v", p, err)
			continue
		}
		for _, k := range []string{"title", "date", "author", "source", "url", "tags", "summary"} {
			if meta[k] == nil {
				t.Errorf("%s: front matter lacks %q", p, k)
			}
		}
		var date time.Time
		switch d := meta["date"].(type) {
		case time.Time:
			date = d
		case string:
			date, err = time.Parse(time.RFC3339, d)
			if err != nil {
				t.Errorf("%s: date %q is not RFC 3339", p, d)
			}
		default:
			t.Errorf("%s: date has type %T", p, d)
		}
		if date.Year() < 2025 || date.Year() > 2026 {
			t.Errorf("%s: date %v is outside 2025–2026", p, date)
		}
		if url, _ := meta["url"].(string); !strings.Contains(url, "://example.org/") && !strings.Contains(url, "://example.com/") {
			t.Errorf("%s: url %q is not an example.org or example.com address", p, url)
		}
		if strings.HasPrefix(p, "tour/") {
			if meta["source"] != "Tidings Guide" {
				t.Errorf("%s: tour source is %q, want Tidings Guide", p, meta["source"])
			}
			if oldestTour.IsZero() || date.Before(oldestTour) {
				oldestTour = date
			}
		} else if date.After(latestOther) {
			latestOther = date
		}
	}
	if !oldestTour.After(latestOther) {
		t.Errorf("the oldest tour article (%v) is not newer than every other article (%v): the tour would not sort first", oldestTour, latestOther)
	}
}
