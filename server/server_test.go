package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/tidings-app/tidings/articles"
	"github.com/tidings-app/tidings/store"
)

// seedTitle is the headline of the seed article in the built-in library.
const seedTitle = "Russia Begins Syria Withdrawal as Peace Talks Enter Second Day"

// sharedStore is loaded once for the whole test binary run; it is only read.
var sharedStore = sync.OnceValue(func() *store.Store {
	st, _, err := store.Load(context.Background(), []store.Root{store.FSRoot("built-in", articles.FS())}, store.Options{})
	if err != nil {
		panic(err)
	}
	return st
})

func seedArticle(t testing.TB, st *store.Store) *store.Article {
	t.Helper()
	for _, a := range st.Articles(store.ByDate) {
		if a.Title == seedTitle {
			return a
		}
	}
	t.Fatalf("seed article %q not in the library", seedTitle)
	return nil
}

type testServer struct {
	*Server
	addr string
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// startServer runs a server on a random loopback port until the test ends.
func startServer(t testing.TB, cfg Config) *testServer {
	t.Helper()
	if cfg.HostKeyPath == "" {
		cfg.HostKeyPath = filepath.Join(t.TempDir(), "host_ed25519")
	}
	logs := &syncBuffer{}
	logger := log.New(logs)
	logger.SetLevel(log.DebugLevel)
	s, err := New(cfg, sharedStore(), logger)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.Shutdown(ctx)
		if err := <-served; !errors.Is(err, ssh.ErrServerClosed) {
			t.Errorf("Serve returned %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return &testServer{Server: s, addr: l.Addr().String(), logs: logs}
}

func newSigner(t testing.TB) gossh.Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (ts *testServer) dial(t testing.TB, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	t.Helper()
	if len(auth) == 0 {
		auth = []gossh.AuthMethod{gossh.PublicKeys(newSigner(t))}
	}
	return gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
		User:            "reader",
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(ts.signer.PublicKey()),
		Timeout:         5 * time.Second,
	})
}

func (ts *testServer) client(t testing.TB, auth ...gossh.AuthMethod) *gossh.Client {
	t.Helper()
	c, err := ts.dial(t, auth...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// run executes cmd without a PTY and returns its output and exit status.
func run(t testing.TB, c *gossh.Client, cmd string) (stdout, stderr string, code int) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	var out, errb bytes.Buffer
	sess.Stdout, sess.Stderr = &out, &errb
	err = sess.Run(cmd)
	var ee *gossh.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitStatus()
	default:
		t.Fatalf("%s: %v", cmd, err)
	}
	return out.String(), errb.String(), code
}

func noESC(t *testing.T, what, s string) {
	t.Helper()
	if strings.ContainsRune(s, 0x1b) {
		t.Errorf("%s: output has an ESC byte: %q", what, s)
	}
}

func TestPlainCommands(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.client(t)
	seed := seedArticle(t, sharedStore())

	out, errs, code := run(t, c, "list")
	if code != 0 || !strings.Contains(out, seedTitle) || errs != "" {
		t.Errorf("list: status %d, stderr %q, stdout has seed: %v", code, errs, strings.Contains(out, seedTitle))
	}
	if n := strings.Count(out, "\n"); n != sharedStore().Len() {
		t.Errorf("list printed %d lines, want %d", n, sharedStore().Len())
	}
	noESC(t, "list", out)

	out, _, code = run(t, c, "search ceasefire")
	if code != 0 || !strings.Contains(out, seed.ID) || !strings.Contains(out, seedTitle) {
		t.Errorf("search ceasefire: status %d, output %q", code, out)
	}
	noESC(t, "search", out)

	out, _, code = run(t, c, "list --json --limit 2")
	if code != 0 || strings.Count(out, "\n") != 2 || !strings.HasPrefix(out, `{"id":`) {
		t.Errorf("list --json --limit 2: status %d, output %q", code, out)
	}

	out, _, code = run(t, c, "search --json ceasefire")
	if code != 0 || !strings.Contains(out, `"score":`) || !strings.Contains(out, seed.ID) {
		t.Errorf("search --json: status %d, output %q", code, out)
	}

	// A phrase's quotes reach the server escaped: the command is split as
	// a shell would split it.
	phrase := sharedStore().Search(`"of the"`, store.SearchOptions{}).Total
	words := sharedStore().Search(`of the`, store.SearchOptions{}).Total
	if phrase == 0 || phrase == words {
		t.Fatalf(`the library gives "of the" %d hits and of the %d: no test of the quotes`, phrase, words)
	}
	for cmd, want := range map[string]int{`search --json \"of the\"`: phrase, `search --json "of the"`: words} {
		out, _, code = run(t, c, cmd)
		if got := strings.Count(out, "\n"); code != 0 || got != want {
			t.Errorf("%s: status %d, %d hits, want %d", cmd, code, got, want)
		}
	}

	out, _, code = run(t, c, "read "+seed.ID)
	if code != 0 || !strings.HasPrefix(out, seedTitle+"\n") || !strings.Contains(out, "Pentagon") {
		t.Errorf("read: status %d, output %q", code, out)
	}
	noESC(t, "read", out)

	_, errs, code = run(t, c, "read 0000000000000000")
	if code != 1 || !strings.HasPrefix(errs, "tidings: ") || strings.Count(errs, "\n") != 1 {
		t.Errorf("read unknown: status %d, stderr %q", code, errs)
	}

	for _, cmd := range []string{"rm -rf /", "", "list extra", "search", "read", "list --bogus", "read a b", "list --limit x"} {
		out, errs, code := run(t, c, cmd)
		if code != 2 || out != "" || !strings.Contains(errs, "usage: ") || strings.Count(errs, "\n") != 1 {
			t.Errorf("%q: status %d, stdout %q, stderr %q; want usage and 2", cmd, code, out, errs)
		}
		noESC(t, cmd, errs)
	}
	// A hostile command echoes back filtered.
	_, errs, _ = run(t, c, "\x1b]0;pwned\x07evil")
	noESC(t, "hostile command", errs)
}

func TestAccessOpen(t *testing.T) {
	ts := startServer(t, Config{})
	var mu sync.Mutex
	var ids []string
	ts.onSession = func(_ ssh.Session, id Identity) {
		mu.Lock()
		ids = append(ids, id.ID)
		mu.Unlock()
	}
	key := newSigner(t)
	run(t, ts.client(t, gossh.PublicKeys(key)), "list --limit 1")
	// Keyboard-interactive without a question is a guest.
	ki := gossh.KeyboardInteractive(func(name, instr string, qs []string, echos []bool) ([]string, error) {
		if len(qs) > 0 {
			return nil, errors.New("unexpected question")
		}
		return nil, nil
	})
	run(t, ts.client(t, ki), "list --limit 1")
	// Passwords are never accepted.
	if _, err := ts.dial(t, gossh.Password("hunter2")); err == nil {
		t.Error("password login succeeded")
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{Fingerprint(key.PublicKey()), Guest}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Errorf("identities %v, want %v", ids, want)
	}
}

func writeAuthorizedKeys(t *testing.T, keys ...gossh.PublicKey) string {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("# readers\n\n")
	for _, k := range keys {
		b.Write(gossh.MarshalAuthorizedKey(k))
	}
	p := filepath.Join(t.TempDir(), "authorized_keys")
	if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAccessAuthorizedKeys(t *testing.T) {
	alice, mallory := newSigner(t), newSigner(t)
	ts := startServer(t, Config{AuthorizedKeysPath: writeAuthorizedKeys(t, alice.PublicKey())})
	var got []string
	ts.onSession = func(_ ssh.Session, id Identity) { got = append(got, id.ID) }

	out, _, code := run(t, ts.client(t, gossh.PublicKeys(alice)), "search ceasefire")
	if code != 0 || !strings.Contains(out, seedTitle) {
		t.Errorf("listed key: status %d, output %q", code, out)
	}
	if len(got) != 1 || got[0] != Fingerprint(alice.PublicKey()) {
		t.Errorf("identity %v, want alice's fingerprint", got)
	}
	if _, err := ts.dial(t, gossh.PublicKeys(mallory)); err == nil {
		t.Error("unlisted key logged in")
	}
	ki := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
	if _, err := ts.dial(t, ki); err == nil {
		t.Error("keyboard-interactive logged in while access is restricted")
	}
	if restricted, n := ts.Restricted(); !restricted || n != 1 {
		t.Errorf("Restricted() = %v, %d", restricted, n)
	}
}

// wrongSigner claims one public key and signs with another key.
type wrongSigner struct {
	claimed gossh.PublicKey
	signer  gossh.Signer
}

func (w wrongSigner) PublicKey() gossh.PublicKey { return w.claimed }
func (w wrongSigner) Sign(r io.Reader, data []byte) (*gossh.Signature, error) {
	return w.signer.Sign(r, data)
}

// offerOnly offers a public key whose private half the client does not
// have: the server's key callback sees it (and accepts it), then signing
// fails and the client goes on with its next method.
type offerOnly struct{ claimed gossh.PublicKey }

func (o offerOnly) PublicKey() gossh.PublicKey { return o.claimed }
func (o offerOnly) Sign(io.Reader, []byte) (*gossh.Signature, error) {
	return nil, errors.New("no private key")
}

// TestKeyConfusion covers the CVE-2024-45337 class: the key callback runs
// for keys that are only offered, so whatever it saw last need not be the
// key (or method) that authenticated.
func TestKeyConfusion(t *testing.T) {
	victim, attacker := newSigner(t), newSigner(t)

	// Offer the victim's key, then log in by keyboard-interactive: a
	// server that remembered the last key offered would take the
	// attacker for the victim.
	ts := startServer(t, Config{})
	var mu sync.Mutex
	var got []string
	ts.onSession = func(sess ssh.Session, id Identity) {
		mu.Lock()
		got = append(got, id.ID)
		mu.Unlock()
		if sess.PublicKey() != nil {
			t.Errorf("session has a public key %s", Fingerprint(sess.PublicKey()))
		}
	}
	offer := gossh.PublicKeysCallback(func() ([]gossh.Signer, error) {
		return []gossh.Signer{offerOnly{victim.PublicKey()}}, nil
	})
	ki := gossh.KeyboardInteractive(func(string, string, []string, []bool) ([]string, error) { return nil, nil })
	run(t, ts.client(t, offer, ki), "list --limit 1")
	mu.Lock()
	if len(got) != 1 || got[0] != Guest {
		t.Errorf("after offering the victim's key: identity %v, want %s", got, Guest)
	}
	mu.Unlock()

	// Claiming the victim's key and signing with one's own fails, open
	// or restricted to both keys.
	for _, cfg := range []Config{{}, {AuthorizedKeysPath: writeAuthorizedKeys(t, victim.PublicKey(), attacker.PublicKey())}} {
		ts := startServer(t, cfg)
		ts.onSession = func(_ ssh.Session, id Identity) { t.Errorf("session opened as %s", id.ID) }
		if c, err := ts.dial(t, gossh.PublicKeys(wrongSigner{victim.PublicKey(), attacker})); err == nil {
			c.Close()
			t.Errorf("restricted=%v: logged in with a signature by another key", cfg.AuthorizedKeysPath != "")
		}
	}
}

// fakeSession is the little of ssh.Session verifyIdentity reads.
type fakeSession struct {
	ssh.Session
	key   ssh.PublicKey
	perms *gossh.Permissions
}

func (f fakeSession) PublicKey() ssh.PublicKey     { return f.key }
func (f fakeSession) Permissions() ssh.Permissions { return ssh.Permissions{Permissions: f.perms} }

// TestVerifyIdentity checks the re-verification itself: whatever the auth
// callback recorded must match the key the session authenticated with.
func TestVerifyIdentity(t *testing.T) {
	a, b := newSigner(t).PublicKey(), newSigner(t).PublicKey()
	rec := func(method, fp string) *gossh.Permissions {
		return &gossh.Permissions{Extensions: map[string]string{extMethod: method, extFingerprint: fp}}
	}
	open := &Server{}
	for _, tc := range []struct {
		name  string
		key   ssh.PublicKey
		perms *gossh.Permissions
		want  string // "" means refused
	}{
		{"matching key", a, rec("publickey", Fingerprint(a)), Fingerprint(a)},
		{"recorded A, authenticated B", b, rec("publickey", Fingerprint(a)), ""},
		{"nothing recorded", a, &gossh.Permissions{}, ""},
		{"nil permissions", a, nil, ""},
		{"key but keyboard-interactive recorded", a, rec("keyboard-interactive", ""), ""},
		{"guest", nil, rec("keyboard-interactive", ""), Guest},
		{"no key but a fingerprint recorded", nil, rec("keyboard-interactive", Fingerprint(a)), ""},
		{"no key, publickey recorded", nil, rec("publickey", Fingerprint(a)), ""},
	} {
		id, err := open.verifyIdentity(fakeSession{key: tc.key, perms: tc.perms})
		if tc.want == "" && err == nil {
			t.Errorf("%s: accepted as %q", tc.name, id.ID)
		}
		if tc.want != "" && (err != nil || id.ID != tc.want) {
			t.Errorf("%s: got %q, %v; want %q", tc.name, id.ID, err, tc.want)
		}
	}
	ak, err := ParseAuthorizedKeys(bytes.NewReader(gossh.MarshalAuthorizedKey(a)))
	if err != nil {
		t.Fatal(err)
	}
	restricted := &Server{authorized: ak}
	if _, err := restricted.verifyIdentity(fakeSession{key: b, perms: rec("publickey", Fingerprint(b))}); err == nil {
		t.Error("restricted: an unlisted key passed re-verification")
	}
	if _, err := restricted.verifyIdentity(fakeSession{perms: rec("keyboard-interactive", "")}); err == nil {
		t.Error("restricted: a guest passed re-verification")
	}
}

func TestRefusedRequests(t *testing.T) {
	ts := startServer(t, Config{MaxEnvVars: 4})
	c := ts.client(t)
	if conn, err := c.Dial("tcp", "127.0.0.1:22"); err == nil {
		conn.Close()
		t.Error("local port forwarding (direct-tcpip) was accepted")
	}
	if l, err := c.Listen("tcp", "127.0.0.1:0"); err == nil {
		l.Close()
		t.Error("reverse port forwarding (tcpip-forward) was accepted")
	}
	if ok, _, _ := c.SendRequest("keepalive@openssh.com", true, nil); ok {
		t.Error("a global request was accepted")
	}
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for _, req := range []string{"auth-agent-req@openssh.com", "x11-req"} {
		if ok, err := sess.SendRequest(req, true, nil); ok || err != nil {
			t.Errorf("%s: accepted=%v err=%v", req, ok, err)
		}
	}
	for i := range 6 {
		err := sess.Setenv("VAR"+string(rune('A'+i)), "x")
		if (i < 4) != (err == nil) {
			t.Errorf("env #%d: %v", i+1, err)
		}
	}
	if err := sess.Setenv("BIG", strings.Repeat("x", 5000)); err == nil {
		t.Error("oversized env accepted")
	}
	if err := sess.RequestSubsystem("sftp"); err == nil {
		t.Error("sftp subsystem accepted")
	}
	if err := sess.Start(strings.Repeat("a", 10000)); err == nil {
		t.Error("oversized command accepted")
	}
}

// ptyClient is a session with a PTY whose output is collected.
type ptyClient struct {
	sess  *gossh.Session
	stdin io.WriteCloser
	out   syncBuffer // stdout and stderr, written by two goroutines
	done  chan error
}

func openPTY(t testing.TB, c *gossh.Client, term string, w, h int, cmd string) *ptyClient {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	p := &ptyClient{sess: sess, done: make(chan error, 1)}
	if p.stdin, err = sess.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	sess.Stderr = &p.out
	if err := sess.RequestPty(term, h, w, gossh.TerminalModes{}); err != nil {
		t.Fatal(err)
	}
	if cmd == "" {
		err = sess.Shell()
	} else {
		err = sess.Start(cmd)
	}
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = io.Copy(&p.out, stdout)
		p.done <- sess.Wait()
	}()
	t.Cleanup(func() { sess.Close() })
	return p
}

func (p *ptyClient) output() string { return p.out.String() }

// waitFor waits until the output contains s.
func (p *ptyClient) waitFor(t testing.TB, s string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if strings.Contains(p.output(), s) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("output has no %q after %v; got %q", s, timeout, p.output())
}

// waitEnd waits for the session to end and returns its exit error.
func (p *ptyClient) waitEnd(t testing.TB, timeout time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(timeout):
		t.Fatalf("session still running after %v; output %q", timeout, p.output())
		return nil
	}
}

func TestPTYSession(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.client(t)
	p := openPTY(t, c, "dumb", 100, 30, "")
	p.waitFor(t, "All articles", 5*time.Second)
	// An absurd size must be clamped, not crash or stall the program.
	if _, err := p.sess.SendRequest("window-change", true, gossh.Marshal(struct{ W, H, PW, PH uint32 }{1 << 31, 1 << 31, 0, 0})); err != nil {
		t.Fatal(err)
	}
	if _, err := p.sess.SendRequest("window-change", true, gossh.Marshal(struct{ W, H, PW, PH uint32 }{0, 0, 0, 0})); err != nil {
		t.Fatal(err)
	}
	io.WriteString(p.stdin, "q")
	if err := p.waitEnd(t, 5*time.Second); err != nil {
		t.Errorf("session ended with %v", err)
	}
}

func TestPTYCommands(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.client(t)
	p := openPTY(t, c, "dumb", 120, 30, "search ceasefire")
	p.waitFor(t, seedTitle, 5*time.Second)
	io.WriteString(p.stdin, "q")
	p.waitEnd(t, 5*time.Second)

	seed := seedArticle(t, sharedStore())
	p = openPTY(t, c, "dumb", 120, 30, "read "+seed.ID)
	p.waitFor(t, "Pentagon", 5*time.Second)
	io.WriteString(p.stdin, "q") // back to the list
	p.waitFor(t, "All articles", 5*time.Second)
	io.WriteString(p.stdin, "q")
	p.waitEnd(t, 5*time.Second)

	p = openPTY(t, c, "dumb", 120, 30, "read ffffffffffff")
	err := p.waitEnd(t, 5*time.Second)
	var ee *gossh.ExitError
	if !errors.As(err, &ee) || ee.ExitStatus() != 1 || !strings.Contains(p.output(), "tidings: ") {
		t.Errorf("read of an unknown ID with a PTY: %v, output %q", err, p.output())
	}

	p = openPTY(t, c, "dumb", 120, 30, "bogus")
	err = p.waitEnd(t, 5*time.Second)
	if !errors.As(err, &ee) || ee.ExitStatus() != 2 || !strings.Contains(p.output(), "usage: ") {
		t.Errorf("unknown command with a PTY: %v, output %q", err, p.output())
	}

	p = openPTY(t, c, "dumb", 120, 30, "list --json --limit 1")
	p.waitEnd(t, 5*time.Second)
	if !strings.HasPrefix(p.output(), `{"id":`) {
		t.Errorf("list --json with a PTY: %q", p.output())
	}
}

// TestPTYBackgroundQuery answers the renderer's background colour query
// the way a terminal would: the answer comes from the session.
func TestPTYBackgroundQuery(t *testing.T) {
	ts := startServer(t, Config{})
	c := ts.client(t)
	p := openPTY(t, c, "xterm-256color", 100, 30, "")
	p.waitFor(t, "\x1b]11;?", 5*time.Second)
	io.WriteString(p.stdin, "\x1b]11;rgb:ffff/ffff/ffff\x1b\\\x1b[?62;22c")
	p.waitFor(t, "All articles", 5*time.Second)
	io.WriteString(p.stdin, "q")
	p.waitEnd(t, 5*time.Second)
}

func TestSessionLimit(t *testing.T) {
	ts := startServer(t, Config{MaxSessions: 1})
	c := ts.client(t)
	p := openPTY(t, c, "dumb", 80, 24, "")
	p.waitFor(t, "Tidings", 5*time.Second)
	_, errs, code := run(t, c, "list")
	if code != 1 || errs != "tidings: server busy, try again later\n" {
		t.Errorf("second session: status %d, stderr %q", code, errs)
	}
	io.WriteString(p.stdin, "q")
	p.waitEnd(t, 5*time.Second)
	// The slot is free again.
	if _, _, code := run(t, c, "list --limit 1"); code != 0 {
		t.Errorf("after the first session ended: status %d", code)
	}
}

func TestChannelsPerConnection(t *testing.T) {
	ts := startServer(t, Config{MaxChannelsPerConnection: 2})
	c := ts.client(t)
	var open []*gossh.Session
	for range 2 {
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, s)
	}
	if s, err := c.NewSession(); err == nil {
		s.Close()
		t.Error("third session channel on one connection was accepted")
	}
	for _, s := range open {
		s.Close()
	}
}

func TestIdleTimeout(t *testing.T) {
	ts := startServer(t, Config{IdleTimeout: 300 * time.Millisecond, ShutdownGrace: 500 * time.Millisecond})
	c := ts.client(t)
	p := openPTY(t, c, "dumb", 80, 24, "")
	p.waitFor(t, "Tidings", 5*time.Second)
	start := time.Now()
	p.waitEnd(t, 5*time.Second)
	if !strings.Contains(p.output(), "tidings: idle for 300ms") {
		t.Errorf("no idle message in %q", p.output())
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("idle session closed after %v", took)
	}
	if err := c.Wait(); err == nil {
		t.Log("connection closed")
	}
}

func TestMaxTimeout(t *testing.T) {
	ts := startServer(t, Config{MaxTimeout: 500 * time.Millisecond, ShutdownGrace: 300 * time.Millisecond})
	c := ts.client(t)
	p := openPTY(t, c, "dumb", 80, 24, "")
	// Keep typing: activity does not extend the maximum.
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
				io.WriteString(p.stdin, "j")
			}
		}
	}()
	p.waitEnd(t, 5*time.Second)
	if !strings.Contains(p.output(), "session time limit reached") {
		t.Errorf("no time limit message in %q", p.output())
	}
}

func TestLoginTimeout(t *testing.T) {
	ts := startServer(t, Config{LoginTimeout: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	if _, err := io.Copy(io.Discard, conn); err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("closed after %v", took)
	}

	// Logged in but opening no session holds a place for nothing.
	c := ts.client(t)
	waited := make(chan struct{})
	go func() { c.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(3 * time.Second):
		t.Error("an authenticated connection without a session was not closed")
	}
}

// TestSilentFlood: hundreds of silent TCP connections from the same
// address as an honest client must not keep that client out.
func TestSilentFlood(t *testing.T) {
	ts := startServer(t, Config{})
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range 300 {
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	start := time.Now()
	c := ts.client(t)
	out, _, code := run(t, c, "list")
	if code != 0 || !strings.Contains(out, seedTitle) {
		t.Fatalf("list after the flood: status %d", code)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("honest client took %v", took)
	}
	if n, pre, _ := ts.conns.counts(); pre > DefaultMaxConnectionsPerIP || n > DefaultMaxConnectionsPerIP {
		t.Errorf("%d connections (%d pre-auth) held from one address", n, pre)
	}
}

func TestUnauthenticatedCapAcrossAddresses(t *testing.T) {
	// Loopback has many addresses; each flood connection comes from its own.
	ts := startServer(t, Config{MaxUnauthenticated: 8})
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range 40 {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(i+1))}}
		c, err := d.Dial("tcp", ts.addr)
		if err != nil {
			t.Skipf("cannot dial from 127.0.1.%d: %v", i+1, err)
		}
		conns = append(conns, c)
	}
	time.Sleep(100 * time.Millisecond)
	if _, pre, _ := ts.conns.counts(); pre > 8 {
		t.Errorf("%d pre-auth connections, cap 8", pre)
	}
	if _, _, code := run(t, ts.client(t), "list --limit 1"); code != 0 {
		t.Errorf("honest client: status %d", code)
	}
}

func TestShutdown(t *testing.T) {
	logger := log.New(io.Discard)
	s, err := New(Config{HostKeyPath: filepath.Join(t.TempDir(), "hk"), ShutdownGrace: time.Second}, sharedStore(), logger)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- s.Serve(l) }()
	ts := &testServer{Server: s, addr: l.Addr().String()}
	c := ts.client(t)
	p := openPTY(t, c, "dumb", 80, 24, "")
	p.waitFor(t, "Tidings", 5*time.Second)
	idle := ts.client(t) // authenticated, no session
	silent, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	start := time.Now()
	if err := s.Shutdown(context.Background()); err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Shutdown took %v", took)
	}
	if err := <-served; !errors.Is(err, ssh.ErrServerClosed) {
		t.Errorf("Serve returned %v", err)
	}
	p.waitEnd(t, 2*time.Second)
	if !strings.Contains(p.output(), "tidings: server shutting down") {
		t.Errorf("session was not told: %q", p.output())
	}
	if err := idle.Wait(); err == nil {
		t.Log("idle connection closed")
	}
	if _, err := net.DialTimeout("tcp", ts.addr, time.Second); err == nil {
		t.Error("still accepting after Shutdown")
	}
}

func TestHostKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tidings")
	path := filepath.Join(dir, "host_ed25519")
	s1, created, err := LoadOrCreateHostKey(path)
	if err != nil || !created {
		t.Fatalf("create: %v, created=%v", err, created)
	}
	if s1.PublicKey().Type() != gossh.KeyAlgoED25519 {
		t.Errorf("key type %s", s1.PublicKey().Type())
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, %v", info.Mode().Perm(), err)
	}
	if info, err := os.Stat(dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("key folder mode %v, %v", info.Mode().Perm(), err)
	}
	s2, created, err := LoadOrCreateHostKey(path)
	if err != nil || created || Fingerprint(s1.PublicKey()) != Fingerprint(s2.PublicKey()) {
		t.Errorf("reuse: %v, created=%v, same fingerprint=%v", err, created, Fingerprint(s1.PublicKey()) == Fingerprint(s2.PublicKey()))
	}
	// The server reports the same fingerprint across restarts.
	a, err := New(Config{HostKeyPath: path}, sharedStore(), nil)
	if err != nil || a.Fingerprint() != Fingerprint(s1.PublicKey()) {
		t.Errorf("server fingerprint %v, %v", a.Fingerprint(), err)
	}

	bad := filepath.Join(t.TempDir(), "garbage")
	os.WriteFile(bad, []byte("not a key\n"), 0o600)
	if _, _, err := LoadOrCreateHostKey(bad); err == nil || !strings.Contains(err.Error(), "not a usable private key") {
		t.Errorf("garbage key: %v", err)
	}
	if got, _ := os.ReadFile(bad); string(got) != "not a key\n" {
		t.Error("a bad host key file was overwritten")
	}
	if _, _, err := LoadOrCreateHostKey(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("folder as key: %v", err)
	}
	if _, err := New(Config{HostKeyPath: bad}, sharedStore(), nil); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("New with a bad key: %v", err)
	}
	if os.Geteuid() != 0 {
		unreadable := filepath.Join(t.TempDir(), "unreadable")
		os.WriteFile(unreadable, []byte("x"), 0o000)
		if _, _, err := LoadOrCreateHostKey(unreadable); err == nil || !strings.Contains(err.Error(), "cannot read") {
			t.Errorf("unreadable key: %v", err)
		}
	}
}

func TestParseAuthorizedKeys(t *testing.T) {
	k := string(gossh.MarshalAuthorizedKey(newSigner(t).PublicKey()))
	k = strings.TrimSpace(k)
	for _, tc := range []struct {
		name, text, err string
	}{
		{"ok", "# comment\n\n" + k + " alice@example\n", ""},
		{"restrict options", "restrict,no-pty " + k + "\n", ""},
		{"bad line", "# c\n" + k + "\nnot a key\n", "line 3: "},
		{"from option", `from="10.0.0.0/8" ` + k + "\n", `line 1: option "from"`},
		{"command option", `command="/bin/sh" ` + k + "\n", `line 1: option "command"`},
		{"empty", "# nobody\n", "no keys"},
		{"many bad", "x\ny\nz\nw\n", "and 1 more bad lines"},
	} {
		_, err := ParseAuthorizedKeys(strings.NewReader(tc.text))
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		}
	}
	if _, err := LoadAuthorizedKeys(filepath.Join(t.TempDir(), "missing")); err == nil || !strings.HasPrefix(err.Error(), "authorized keys ") {
		t.Errorf("missing file: %v", err)
	}
}

func TestParseCommand(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want request
		err  bool
	}{
		{nil, request{}, false},
		{[]string{"list"}, request{name: "list"}, false},
		{[]string{"list", "--json", "--limit", "3", "--sort", "title"}, request{name: "list", json: true, limit: 3, sort: store.ByTitle}, false},
		{[]string{"search", "peace", "talks"}, request{name: "search", query: "peace talks", limit: defaultSearchLimit}, false},
		{[]string{"search", "--limit", "5000", "x"}, request{name: "search", query: "x", limit: maxSearchLimit}, false},
		{[]string{"read", "abc"}, request{name: "read", id: "abc", width: defaultWidth}, false},
		{[]string{"read", "--width", "9999", "abc"}, request{name: "read", id: "abc", width: 200}, false},
		{[]string{"list", "--limit", "-1"}, request{}, true},
		{[]string{"list", "--sort", "size"}, request{}, true},
		{[]string{"search"}, request{}, true},
		{[]string{"read"}, request{}, true},
		{[]string{"sh"}, request{}, true},
		{make([]string, 100), request{}, true},
	} {
		got, err := parseCommand(tc.args)
		if (err != nil) != tc.err || !tc.err && got != tc.want {
			t.Errorf("%q: got %+v, %v; want %+v (error %v)", tc.args, got, err, tc.want, tc.err)
		}
	}
}

func TestClampWindow(t *testing.T) {
	fb := ssh.Window{Width: 80, Height: 24}
	for _, tc := range []struct{ in, want ssh.Window }{
		{ssh.Window{Width: 100, Height: 40}, ssh.Window{Width: 100, Height: 40}},
		{ssh.Window{Width: 1 << 30, Height: 1 << 30}, ssh.Window{Width: maxWidth, Height: maxHeight}},
		{ssh.Window{Width: 0, Height: 0}, fb},
		{ssh.Window{Width: -5, Height: 3}, ssh.Window{Width: 80, Height: 3}},
		{ssh.Window{Width: 10, Height: 10, WidthPixels: 1 << 30}, ssh.Window{Width: 10, Height: 10}},
	} {
		if got := clampWindow(tc.in, fb); got != tc.want {
			t.Errorf("clampWindow(%+v) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func TestCleanLogField(t *testing.T) {
	got := clean("root\x1b]0;owned\x07\x1b[2J"+strings.Repeat("é", 100), 20)
	if strings.ContainsRune(got, 0x1b) || strings.ContainsRune(got, 0x07) || len(got) > 20+len("…") {
		t.Errorf("clean = %q", got)
	}
}

func TestLogsAreFiltered(t *testing.T) {
	ts := startServer(t, Config{})
	c, err := gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
		User:            "evil\x1b[2J\x1b]0;title\x07" + strings.Repeat("u", 1000),
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(newSigner(t))},
		HostKeyCallback: gossh.FixedHostKey(ts.signer.PublicKey()),
	})
	if err == nil {
		run(t, c, "\x1b[2Jlist")
		c.Close()
	}
	time.Sleep(50 * time.Millisecond)
	logs := ts.logs.String()
	if !strings.Contains(logs, "session start") {
		t.Fatalf("no session logged: %s", logs)
	}
	if strings.ContainsRune(logs, 0x1b) || strings.ContainsRune(logs, 0x07) || strings.Contains(logs, strings.Repeat("u", 100)) {
		t.Errorf("log has raw control bytes or an uncapped field: %q", logs)
	}
}
