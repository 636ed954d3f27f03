package server

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

var (
	loadTest     = flag.Bool("load", false, "run the SSH load test (100 PTY sessions)")
	loadSessions = flag.Int("load.sessions", 100, "sessions in the load test")
)

// loadResult is what the client process reports.
type loadResult struct {
	Sessions  int
	Keys      int     // keystrokes sent
	Frames    int     // keystrokes answered by output
	P50, P99  float64 // keystroke-to-output latency, ms
	Max       float64
	ConnectMS float64               // time until every session showed its first screen
	PerKey    map[string][2]float64 // key: p50, p99 ms
}

// TestLoad runs n concurrent PTY sessions against an in-process server
// from a separate client process (so the memory figures are the server's),
// scrolling and searching, and reports server heap per session, p99
// keystroke-to-output latency and server CPU per answered keystroke.
//
//	go test ./server -run TestLoad -load -v
func TestLoad(t *testing.T) {
	if addr := os.Getenv("TIDINGS_LOAD_CLIENT"); addr != "" {
		runLoadClients(t, addr)
		return
	}
	if !*loadTest {
		t.Skip("load test: use -load")
	}
	n := *loadSessions
	ts := startServer(t, Config{
		Theme: "dark", MaxSessions: n + 8, MaxConnections: 4 * n,
		MaxUnauthenticated: 2 * n, MaxConnectionsPerIP: 4 * n,
	})
	var before, ready, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)

	cmd := exec.Command(os.Args[0], "-test.run=^TestLoad$")
	cmd.Env = append(os.Environ(),
		"TIDINGS_LOAD_CLIENT="+ts.addr,
		"TIDINGS_LOAD_SESSIONS="+strconv.Itoa(n),
		"TIDINGS_LOAD_HOSTKEY="+string(gossh.MarshalAuthorizedKey(ts.signer.PublicKey())))
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	expect := func(prefix string) string {
		t.Helper()
		for lines.Scan() {
			if rest, ok := strings.CutPrefix(lines.Text(), prefix); ok {
				return rest
			}
		}
		t.Fatalf("client process ended before %q", prefix)
		return ""
	}
	expect("READY")
	runtime.GC()
	runtime.ReadMemStats(&ready)
	if _, _, s := ts.conns.counts(); s != n {
		t.Fatalf("%d sessions open, want %d", s, n)
	}
	cpu0 := cpuTime()
	fmt.Fprintln(stdin, "GO")
	var res loadResult
	if err := json.Unmarshal([]byte(expect("RESULT ")), &res); err != nil {
		t.Fatal(err)
	}
	cpu := cpuTime() - cpu0
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Fprintln(stdin, "EXIT")
	cmd.Wait()

	perSession := func(m runtime.MemStats) float64 {
		return float64(int64(m.HeapAlloc)-int64(before.HeapAlloc)) / float64(n) / 1024
	}
	t.Logf("%d PTY sessions (xterm-256color, 100x30, theme dark), all on screen after %.0f ms", n, res.ConnectMS)
	t.Logf("server heap per session: %.0f KiB idle after first frame, %.0f KiB after scrolling and searching (goroutines %d)",
		perSession(ready), perSession(after), runtime.NumGoroutine())
	t.Logf("keystroke to output: p50 %.1f ms, p99 %.1f ms, max %.1f ms; %d of %d keys answered",
		res.P50, res.P99, res.Max, res.Frames, res.Keys)
	for _, k := range slices.Sorted(maps.Keys(res.PerKey)) {
		t.Logf("  key %-6q p50 %5.1f ms  p99 %5.1f ms", k, res.PerKey[k][0], res.PerKey[k][1])
	}
	if res.Frames > 0 {
		t.Logf("server CPU: %.2f ms per answered keystroke (%.2f s over the run)", cpu.Seconds()*1000/float64(res.Frames), cpu.Seconds())
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadSession is one client session of the load test.
type loadSession struct {
	stdin  io.Writer
	chunks chan time.Time // arrival time of each output chunk
	seen   strings.Builder
}

func runLoadClients(t *testing.T, addr string) {
	n, _ := strconv.Atoi(os.Getenv("TIDINGS_LOAD_SESSIONS"))
	hostKey, _, _, _, err := gossh.ParseAuthorizedKey([]byte(os.Getenv("TIDINGS_LOAD_HOSTKEY")))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sessions := make([]*loadSession, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := openLoadSession(addr, hostKey, newSigner(t))
			if err != nil {
				errs <- err
				return
			}
			sessions[i] = s
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	connect := time.Since(start)
	fmt.Println("READY")
	in := bufio.NewScanner(os.Stdin)
	in.Scan() // GO

	keys := []string{"j", "j", "j", "j", "j", "j", "j", "j", "k", "k", "k", "k",
		"/", "p", "e", "a", "c", "e", "\x7f", "\x7f", "s", "y", "r", "\x1b",
		"j", "j", "j", "G", "g", "k"}
	var mu sync.Mutex
	var lat []float64
	byKey := map[string][]float64{}
	sent := 0
	for _, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, k := range keys {
				drain(s.chunks)
				t0 := time.Now()
				io.WriteString(s.stdin, k)
				select {
				case at := <-s.chunks:
					mu.Lock()
					lat = append(lat, float64(at.Sub(t0).Microseconds())/1000)
					byKey[k] = append(byKey[k], float64(at.Sub(t0).Microseconds())/1000)
					mu.Unlock()
				case <-time.After(time.Second):
				}
				time.Sleep(40 * time.Millisecond) // a fast typist
				mu.Lock()
				sent++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	perKey := map[string][2]float64{}
	for k, v := range byKey {
		slices.Sort(v)
		perKey[k] = [2]float64{v[len(v)/2], v[len(v)*99/100]}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))]
	}
	res := loadResult{PerKey: perKey, Sessions: n, Keys: sent, Frames: len(lat), P50: pct(0.50), P99: pct(0.99),
		ConnectMS: float64(connect.Milliseconds())}
	if len(lat) > 0 {
		res.Max = lat[len(lat)-1]
	}
	b, _ := json.Marshal(res)
	fmt.Printf("RESULT %s\n", b)
	in.Scan() // EXIT
}

func drain(c chan time.Time) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}

func openLoadSession(addr string, hostKey gossh.PublicKey, key gossh.Signer) (*loadSession, error) {
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User: "load", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.FixedHostKey(hostKey), Timeout: 30 * time.Second,
	})
	if err != nil {
		return nil, err
	}
	sess, err := c.NewSession()
	if err != nil {
		return nil, err
	}
	s := &loadSession{chunks: make(chan time.Time, 4096)}
	if s.stdin, err = sess.StdinPipe(); err != nil {
		return nil, err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := sess.RequestPty("xterm-256color", 30, 100, gossh.TerminalModes{}); err != nil {
		return nil, err
	}
	if err := sess.Shell(); err != nil {
		return nil, err
	}
	first := make(chan struct{})
	go func() {
		buf := make([]byte, 32<<10)
		shown := false
		for {
			n, err := out.Read(buf)
			if n > 0 {
				select {
				case s.chunks <- time.Now():
				default:
				}
				if !shown {
					s.seen.Write(buf[:n])
					if strings.Contains(s.seen.String(), "All articles") {
						shown = true
						close(first)
					}
				}
			}
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-first:
		return s, nil
	case <-time.After(60 * time.Second):
		return nil, fmt.Errorf("no first screen after 60s: %q", s.seen.String())
	}
}
