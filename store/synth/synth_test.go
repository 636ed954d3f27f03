package synth

import (
	"bytes"
	"crypto/sha256"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestGenerateDeterministic(t *testing.T) {
	a := Generate(300, 7)
	b := Generate(300, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different corpora")
	}
	c := Generate(300, 8)
	if reflect.DeepEqual(a[0], c[0]) {
		t.Fatal("different seeds gave the same first article")
	}
	// Article i does not depend on n.
	if !reflect.DeepEqual(Generate(10, 7)[9], a[9]) {
		t.Fatal("article 9 depends on the corpus size")
	}
}

func TestShape(t *testing.T) {
	arts := Generate(1000, 1)
	total := 0
	srcs, secs := map[string]bool{}, map[string]bool{}
	for _, a := range arts {
		total += len(a.Body)
		if n := len(strings.Fields(a.Title)); n < 5 || n > 10 {
			t.Errorf("title %q has %d words", a.Title, n)
		}
		if len(a.Tags) > 4 {
			t.Errorf("%d tags", len(a.Tags))
		}
		if a.Published.Year() < 2021 || a.Published.Year() > 2023 {
			t.Errorf("date %v outside the three years", a.Published)
		}
		srcs[a.Source], secs[a.Section] = true, true
	}
	if avg := total / len(arts); avg < 3600 || avg > 4600 {
		t.Errorf("average body %d bytes, want about 4 KB", avg)
	}
	if len(srcs) != 20 || len(secs) != 10 {
		t.Errorf("%d sources, %d sections", len(srcs), len(secs))
	}
	// Stemming must matter: inflected forms of one word occur.
	all := strings.ToLower(strings.Join(bodies(arts), " "))
	for _, w := range []string{"withdraw ", "withdrawal ", "withdrawing "} {
		if !strings.Contains(all, w) {
			t.Errorf("corpus lacks %q", w)
		}
	}
}

func bodies(arts []Article) []string {
	out := make([]string, len(arts))
	for i, a := range arts {
		out[i] = a.Body
	}
	return out
}

func TestWriteDirDeterministic(t *testing.T) {
	d1, d2 := t.TempDir(), t.TempDir()
	n1, b1, err := WriteDir(d1, 400, 3)
	if err != nil {
		t.Fatal(err)
	}
	n2, b2, err := WriteDir(d2, 400, 3)
	if err != nil {
		t.Fatal(err)
	}
	if n1 != 400 || n2 != 400 || b1 != b2 {
		t.Fatalf("files %d/%d bytes %d/%d", n1, n2, b1, b2)
	}
	if avg := b1 / 400; avg < 3600 || avg > 4800 {
		t.Errorf("average file %d bytes, want about 4 KB", avg)
	}
	h1, txt, md := hashTree(t, d1)
	h2, _, _ := hashTree(t, d2)
	if !bytes.Equal(h1, h2) {
		t.Fatal("same seed wrote different bytes")
	}
	if frac := float64(txt) / float64(txt+md); frac < 0.12 || frac > 0.28 {
		t.Errorf("%.2f of files are .txt, want about 0.2", frac)
	}
}

func hashTree(t *testing.T, root string) (sum []byte, txt, md int) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		switch filepath.Ext(p) {
		case ".txt":
			txt++
		case ".md":
			md++
			if !bytes.HasPrefix(data, []byte("---\ntitle: ")) {
				t.Errorf("%s lacks front matter", rel)
			}
		}
		h.Write([]byte(filepath.ToSlash(rel)))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil), txt, md
}

func TestPlain(t *testing.T) {
	got := plain("## Head\n- See [a b](https://x.y/z) and **bold** text.")
	if want := "Head\nSee a b and bold text."; got != want {
		t.Fatalf("plain = %q, want %q", got, want)
	}
}

func BenchmarkWriteDir(b *testing.B) {
	for b.Loop() {
		if _, _, err := WriteDir(b.TempDir(), 10000, 1); err != nil {
			b.Fatal(err)
		}
	}
}
