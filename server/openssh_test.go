package server

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// writeClientKey writes a new OpenSSH private key for the ssh client.
func writeClientKey(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(p, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// sshArgs are the OpenSSH client options for a throwaway test server.
func sshArgs(addr, key string, extra ...string) []string {
	_, port, _ := net.SplitHostPort(addr)
	args := []string{"-F", "/dev/null", "-p", port, "-i", key,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-o", "LogLevel=ERROR"}
	return append(append(args, extra...), "127.0.0.1")
}

func lookSSH(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the OpenSSH client; skipped with -short")
	}
	p, err := exec.LookPath("ssh")
	if err != nil {
		t.Skip("no ssh client")
	}
	return p
}

func TestOpenSSHClient(t *testing.T) {
	sshPath := lookSSH(t)
	ts := startServer(t, Config{})
	key := writeClientKey(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, sshPath, append(sshArgs(ts.addr, key), "search", "ceasefire")...).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh search ceasefire: %v\n%s", err, out)
	}
	seed := seedArticle(t, sharedStore())
	if !strings.Contains(string(out), seed.ID) || !strings.Contains(string(out), seedTitle) {
		t.Errorf("ssh search ceasefire printed %q", out)
	}
	if strings.ContainsRune(string(out), 0x1b) {
		t.Errorf("output has an ESC byte: %q", out)
	}
	out, err = exec.CommandContext(ctx, sshPath, append(sshArgs(ts.addr, key), "nonsense")...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(out), "usage: ") {
		t.Errorf("ssh nonsense: %v, %q", err, out)
	}
}

// TestOpenSSHTmux drives the TUI through the real client in tmux: list,
// search, open, quit.
func TestOpenSSHTmux(t *testing.T) {
	sshPath := lookSSH(t)
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("no tmux")
	}
	ts := startServer(t, Config{})
	key := writeClientKey(t)
	sock := fmt.Sprintf("tidings-server-test-%d", os.Getpid())
	tm := func(args ...string) string {
		out, err := exec.Command(tmux, append([]string{"-L", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	cmdline := sshPath + " -tt " + strings.Join(sshArgs(ts.addr, key), " ") + "; echo SSH-EXIT=$?; sleep 60"
	tm("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", cmdline)
	t.Cleanup(func() { exec.Command(tmux, "-L", sock, "kill-server").Run() })
	screen := func() string { return tm("capture-pane", "-p", "-t", "t") }
	waitScreen := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if strings.Contains(screen(), want) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("screen never showed %q:\n%s", want, screen())
	}
	waitScreen("All articles")
	tm("send-keys", "-t", "t", "/")
	time.Sleep(200 * time.Millisecond)
	tm("send-keys", "-t", "t", "-l", "syria withdrawal")
	waitScreen(seedTitle)
	tm("send-keys", "-t", "t", "Enter")
	time.Sleep(200 * time.Millisecond)
	tm("send-keys", "-t", "t", "Enter")
	waitScreen("Pentagon")
	tm("send-keys", "-t", "t", "q")
	waitScreen("Search results")
	tm("send-keys", "-t", "t", "q")
	waitScreen("SSH-EXIT=0")
}
