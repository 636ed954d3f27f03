package state

import (
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// implementations lists every Store under test; each conformance test runs
// against all of them so the two can never drift apart.
func implementations(t *testing.T) map[string]func(t *testing.T) Store {
	t.Helper()
	return map[string]func(t *testing.T) Store{
		"memory": func(t *testing.T) Store { return NewMemory() },
		"bolt": func(t *testing.T) Store {
			s, err := Open(filepath.Join(t.TempDir(), "sub", "state.db"))
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			return s
		},
	}
}

func forEachStore(t *testing.T, test func(t *testing.T, s Store)) {
	for name, open := range implementations(t) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { _ = s.Close() })
			test(t, s)
		})
	}
}

// sameMark compares marks with time.Time.Equal, since a time read back from
// disk has a different location pointer than the one written.
func sameMark(a, b Mark) bool {
	return a.Read == b.Read && a.ReadAt.Equal(b.ReadAt) && a.Starred == b.Starred &&
		a.Line == b.Line && a.Percent == b.Percent
}

func TestOperations(t *testing.T) {
	const u, id = "alice", "a1b2c3"
	type step func(s Store) error
	tests := []struct {
		name  string
		steps []step
		want  Mark // ReadAt is checked separately: only whether it is set
		empty bool // the article must not appear in Marks
	}{
		{name: "untouched", empty: true},
		{
			name:  "read",
			steps: []step{func(s Store) error { return s.SetRead(u, id, true) }},
			want:  Mark{Read: true},
		},
		{
			name: "read then unread leaves nothing",
			steps: []step{
				func(s Store) error { return s.SetRead(u, id, true) },
				func(s Store) error { return s.SetRead(u, id, false) },
			},
			empty: true,
		},
		{
			name:  "starred",
			steps: []step{func(s Store) error { return s.SetStarred(u, id, true) }},
			want:  Mark{Starred: true},
		},
		{
			name: "unstarred leaves nothing",
			steps: []step{
				func(s Store) error { return s.SetStarred(u, id, true) },
				func(s Store) error { return s.SetStarred(u, id, false) },
			},
			empty: true,
		},
		{
			name:  "position",
			steps: []step{func(s Store) error { return s.SetPosition(u, id, 42, 37.5) }},
			want:  Mark{Line: 42, Percent: 37.5},
		},
		{
			name:  "position clamped",
			steps: []step{func(s Store) error { return s.SetPosition(u, id, -3, 250) }},
			want:  Mark{Percent: 100},
		},
		{
			name: "position reset leaves nothing",
			steps: []step{
				func(s Store) error { return s.SetPosition(u, id, 10, 5) },
				func(s Store) error { return s.SetPosition(u, id, 0, 0) },
			},
			empty: true,
		},
		{
			name: "fields combine",
			steps: []step{
				func(s Store) error { return s.SetRead(u, id, true) },
				func(s Store) error { return s.SetStarred(u, id, true) },
				func(s Store) error { return s.SetPosition(u, id, 7, 12.25) },
			},
			want: Mark{Read: true, Starred: true, Line: 7, Percent: 12.25},
		},
		{
			name: "unread keeps star and position",
			steps: []step{
				func(s Store) error { return s.SetStarred(u, id, true) },
				func(s Store) error { return s.SetPosition(u, id, 3, 1) },
				func(s Store) error { return s.SetRead(u, id, true) },
				func(s Store) error { return s.SetRead(u, id, false) },
			},
			want: Mark{Starred: true, Line: 3, Percent: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, s Store) {
				before := time.Now()
				for i, st := range tt.steps {
					if err := st(s); err != nil {
						t.Fatalf("step %d: %v", i, err)
					}
				}
				after := time.Now()
				got, err := s.Mark(u, id)
				if err != nil {
					t.Fatalf("Mark: %v", err)
				}
				all, err := s.Marks(u)
				if err != nil {
					t.Fatalf("Marks: %v", err)
				}
				fromAll, listed := all[id]
				if tt.empty {
					if !got.IsZero() || listed {
						t.Fatalf("want no mark, got %+v (listed in Marks: %v)", got, listed)
					}
					return
				}
				if !listed || !sameMark(got, fromAll) {
					t.Fatalf("Mark %+v and Marks %+v (listed %v) disagree", got, fromAll, listed)
				}
				if got.Read != !got.ReadAt.IsZero() {
					t.Fatalf("Read=%v but ReadAt=%v", got.Read, got.ReadAt)
				}
				if got.Read && (got.ReadAt.Before(before.Round(0)) || got.ReadAt.After(after)) {
					t.Fatalf("ReadAt %v not within [%v, %v]", got.ReadAt, before, after)
				}
				got.ReadAt = time.Time{}
				if got != tt.want {
					t.Fatalf("got %+v, want %+v", got, tt.want)
				}
			})
		})
	}
}

func TestLastQuery(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		steps := []struct{ set, want string }{
			{"", ""},
			{"title:brexit -football", "title:brexit -football"},
			{"économie “quoted” 日本", "économie “quoted” 日本"},
			{"", ""},
		}
		for _, st := range steps {
			if err := s.SetLastQuery("bob", st.set); err != nil {
				t.Fatalf("SetLastQuery(%q): %v", st.set, err)
			}
			got, err := s.LastQuery("bob")
			if err != nil || got != st.want {
				t.Fatalf("LastQuery after %q = %q, %v; want %q", st.set, got, err, st.want)
			}
		}
		// The query lives beside the marks but is not one of them.
		if err := s.SetLastQuery("bob", "x"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetStarred("bob", "id1", true); err != nil {
			t.Fatal(err)
		}
		all, err := s.Marks("bob")
		if err != nil || len(all) != 1 {
			t.Fatalf("Marks = %v, %v; want just id1", all, err)
		}
	})
}

func TestUsersAreIsolated(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		alice, bob := "alice", "SHA256:Pb0M7Rk1bE0t5bAY0dZ1lq3cP0Ct6k3X0pA9s8d7f6g"
		must(t, s.SetStarred(alice, "shared", true))
		must(t, s.SetRead(alice, "onlyalice", true))
		must(t, s.SetPosition(bob, "shared", 9, 50))
		must(t, s.SetLastQuery(alice, "alice's query"))

		a, err := s.Marks(alice)
		must(t, err)
		b, err := s.Marks(bob)
		must(t, err)
		if len(a) != 2 || !a["shared"].Starred || a["shared"].Line != 0 {
			t.Errorf("alice sees %+v", a)
		}
		if len(b) != 1 || b["shared"].Starred || b["shared"].Line != 9 {
			t.Errorf("bob sees %+v", b)
		}
		if m, _ := s.Mark(bob, "onlyalice"); !m.IsZero() {
			t.Errorf("bob sees alice's read mark: %+v", m)
		}
		if q, _ := s.LastQuery(bob); q != "" {
			t.Errorf("bob sees alice's query %q", q)
		}
		// A user named like the meta bucket's key must not see anything.
		if m, _ := s.Marks("last_query"); len(m) != 0 {
			t.Errorf("user last_query sees %+v", m)
		}
	})
}

func TestMarksIsACopy(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		must(t, s.SetStarred("u", "a", true))
		m, err := s.Marks("u")
		must(t, err)
		m["a"] = Mark{Line: 99}
		m["b"] = Mark{Starred: true}
		got, _ := s.Mark("u", "a")
		if !got.Starred || got.Line != 0 {
			t.Fatalf("changing the returned map changed the store: %+v", got)
		}
		if got, _ := s.Mark("u", "b"); !got.IsZero() {
			t.Fatalf("adding to the returned map changed the store: %+v", got)
		}
	})
}

func TestInvalidInput(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		bad := []struct{ user, id string }{
			{"", "id"},
			{"u", ""},
			{"u\x00x", "id"},
			{"u", "\x00meta"},
			{strings.Repeat("u", maxKeyLen+1), "id"},
		}
		for _, b := range bad {
			if err := s.SetStarred(b.user, b.id, true); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("SetStarred(%.20q, %q) = %v, want ErrInvalidKey", b.user, b.id, err)
			}
			if _, err := s.Mark(b.user, b.id); !errors.Is(err, ErrInvalidKey) {
				t.Errorf("Mark(%.20q, %q) = %v, want ErrInvalidKey", b.user, b.id, err)
			}
		}
		if _, err := s.Marks(""); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("Marks(\"\") = %v", err)
		}
		if err := s.SetLastQuery("", "q"); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("SetLastQuery(\"\") = %v", err)
		}
		if err := s.SetPosition("u", "id", 1, math.NaN()); err == nil {
			t.Errorf("SetPosition with NaN succeeded")
		}
		if err := s.SetPosition("u", "id", 1, math.Inf(1)); err != nil {
			t.Errorf("SetPosition with +Inf: %v", err)
		}
		if m, _ := s.Mark("u", "id"); m.Percent != 100 {
			t.Errorf("+Inf percent stored as %v, want 100", m.Percent)
		}
	})
}

func TestClose(t *testing.T) {
	forEachStore(t, func(t *testing.T, s Store) {
		must(t, s.SetStarred("u", "a", true))
		must(t, s.Close())
		if _, err := s.Mark("u", "a"); !errors.Is(err, ErrClosed) {
			t.Errorf("Mark after Close = %v", err)
		}
		if _, err := s.Marks("u"); !errors.Is(err, ErrClosed) {
			t.Errorf("Marks after Close = %v", err)
		}
		if err := s.SetRead("u", "a", true); !errors.Is(err, ErrClosed) {
			t.Errorf("SetRead after Close = %v", err)
		}
		if _, err := s.LastQuery("u"); !errors.Is(err, ErrClosed) {
			t.Errorf("LastQuery after Close = %v", err)
		}
	})
}

func TestReadOnlyFlag(t *testing.T) {
	if !NewMemory().ReadOnly() {
		t.Error("memory store claims to persist writes")
	}
	s, err := Open(filepath.Join(t.TempDir(), "state.db"))
	must(t, err)
	if s.ReadOnly() {
		t.Error("writable file store claims to be read-only")
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if got, want := DefaultPath(), filepath.Join("/x/state", "tidings", "state.db"); got != want {
		t.Errorf("with XDG_STATE_HOME: %q, want %q", got, want)
	}
	t.Setenv("HOME", "/home/u")
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_STATE_HOME", v)
		if got, want := DefaultPath(), "/home/u/.local/state/tidings/state.db"; got != want {
			t.Errorf("XDG_STATE_HOME=%q: %q, want %q", v, got, want)
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
