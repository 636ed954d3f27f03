// Package server serves the Tidings library to many readers over SSH.
//
// One Server holds one shared, read-mostly Store. Every session with a
// terminal (PTY) runs its own Bubble Tea program, styled by a Lip Gloss
// renderer made from that session; sessions without a terminal run one
// command (list, search, read) and print the same plain text as the command
// line. The server is built on wish and charmbracelet/ssh, hardened for a
// public address:
//
//   - authentication by public key (any key, or only those of an
//     authorized_keys file) or, when open to all, keyboard-interactive with
//     no questions; never passwords;
//   - identity is the SHA256 fingerprint of the key that authenticated,
//     recorded in that attempt's Permissions and re-verified against the
//     session's key before any handler runs (the CVE-2024-45337 class);
//   - limits on sessions, connections (total, unauthenticated, per client
//     address, with eviction of the least advanced pre-auth connection),
//     session channels per connection, environment requests, command size;
//     login, idle and maximum-time deadlines; clamped window sizes;
//   - no port forwarding, agent forwarding, X11 or subsystems.
//
// Every client-chosen string that reaches the log (user name, client
// version, command, environment, error text) is filtered by termsafe and
// length-capped.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/render"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// Defaults of Config.
const (
	DefaultAddr                     = "127.0.0.1:2222"
	DefaultMaxSessions              = 64
	DefaultMaxConnections           = 256
	DefaultMaxUnauthenticated       = 32
	DefaultMaxConnectionsPerIP      = 16
	DefaultMaxChannelsPerConnection = 4
	DefaultLoginTimeout             = 30 * time.Second
	DefaultIdleTimeout              = 10 * time.Minute
	DefaultMaxTimeout               = 4 * time.Hour
	DefaultShutdownGrace            = 2 * time.Second
	DefaultMaxEnvVars               = 32
	DefaultMaxEnvBytes              = 1024
	DefaultMaxCommandBytes          = 4096
	DefaultRenderCacheBytes         = 64 << 20
)

// ErrServerClosed is what Serve and ListenAndServe return after Shutdown.
var ErrServerClosed = ssh.ErrServerClosed

// Config is how a Server listens, authenticates and limits. The zero value
// of every field means its default; IdleTimeout and MaxTimeout are
// disabled by a negative value.
type Config struct {
	// Addr is the TCP address ListenAndServe listens on.
	Addr string
	// HostKeyPath is the private host key, created (Ed25519, 0600) when
	// missing. Default: DefaultHostKeyPath().
	HostKeyPath string
	// AuthorizedKeysPath restricts access to the keys in this OpenSSH
	// authorized_keys file. Empty: anyone may read.
	AuthorizedKeysPath string
	// Theme is the colour theme of the TUI: auto, dark or light.
	Theme string

	// MaxSessions bounds the sessions running at once, over all
	// connections; more get "server busy".
	MaxSessions int
	// MaxConnections bounds all TCP connections at once.
	MaxConnections int
	// MaxUnauthenticated bounds connections that have not finished
	// logging in.
	MaxUnauthenticated int
	// MaxConnectionsPerIP bounds connections from one IPv4 address or
	// IPv6 /64.
	MaxConnectionsPerIP int
	// MaxChannelsPerConnection bounds session channels open at once on
	// one connection (OpenSSH multiplexing opens several).
	MaxChannelsPerConnection int

	// LoginTimeout is how long a connection may take from accept to
	// successful authentication, and then to opening its first session.
	LoginTimeout time.Duration
	// IdleTimeout closes a connection that received nothing for this long.
	IdleTimeout time.Duration
	// MaxTimeout closes a connection this long after it was accepted.
	MaxTimeout time.Duration
	// ShutdownGrace is how long sessions have to end after being told the
	// server is shutting down (or timed out) before they are cut.
	ShutdownGrace time.Duration

	// MaxEnvVars and MaxEnvBytes bound the "env" requests of a session:
	// how many are accepted, and the size of each name plus value.
	MaxEnvVars  int
	MaxEnvBytes int
	// MaxCommandBytes bounds the command of an exec request.
	MaxCommandBytes int
	// RenderCacheBytes bounds the cache of rendered articles that all
	// sessions share.
	RenderCacheBytes int

	// State keeps the reading state (read marks, stars, positions) of
	// readers with a key, under their key's fingerprint; guests get a
	// memory store per session. Nil: every session's state is forgotten
	// when it ends. The Server does not close it.
	State state.Store
}

func (c Config) withDefaults() Config {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		switch {
		case *v == 0:
			*v = d
		case *v < 0:
			*v = 0 // disabled
		}
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.Theme == "" {
		c.Theme = "auto"
	}
	def(&c.MaxSessions, DefaultMaxSessions)
	def(&c.MaxConnections, DefaultMaxConnections)
	def(&c.MaxUnauthenticated, DefaultMaxUnauthenticated)
	def(&c.MaxConnectionsPerIP, DefaultMaxConnectionsPerIP)
	def(&c.MaxChannelsPerConnection, DefaultMaxChannelsPerConnection)
	def(&c.MaxEnvVars, DefaultMaxEnvVars)
	def(&c.MaxEnvBytes, DefaultMaxEnvBytes)
	def(&c.MaxCommandBytes, DefaultMaxCommandBytes)
	def(&c.RenderCacheBytes, DefaultRenderCacheBytes)
	if c.LoginTimeout <= 0 {
		c.LoginTimeout = DefaultLoginTimeout
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	defDur(&c.IdleTimeout, DefaultIdleTimeout)
	defDur(&c.MaxTimeout, DefaultMaxTimeout)
	return c
}

// Server is an SSH server for one shared Store.
type Server struct {
	cfg        Config
	store      *store.Store
	logger     *log.Logger
	signer     gossh.Signer
	authorized *AuthorizedKeys // nil: open to everyone
	ssh        *ssh.Server
	conns      *tracker
	cache      *render.Cache // rendered articles, shared by all sessions

	mu       sync.Mutex
	listener net.Listener
	shutdown bool

	// onSession, when set (tests), is called with each verified session.
	onSession func(ssh.Session, Identity)
}

type connKey struct{}

// New prepares a server: it reads or creates the host key and reads the
// authorized keys. Errors are one line naming the file.
func New(cfg Config, st *store.Store, logger *log.Logger) (*Server, error) {
	if st == nil {
		return nil, errors.New("server: no store")
	}
	if logger == nil {
		logger = log.New(io.Discard)
	}
	cfg = cfg.withDefaults()
	switch cfg.Theme {
	case "auto", "dark", "light":
	default:
		return nil, fmt.Errorf("unknown theme %q (want auto, dark or light)", cfg.Theme)
	}
	if cfg.HostKeyPath == "" {
		p, err := DefaultHostKeyPath()
		if err != nil {
			return nil, err
		}
		cfg.HostKeyPath = p
	}
	signer, created, err := LoadOrCreateHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	if created {
		logger.Info("created host key", "path", cfg.HostKeyPath)
	}
	s := &Server{cfg: cfg, store: st, logger: logger, signer: signer, cache: render.NewCache(cfg.RenderCacheBytes)}
	if cfg.AuthorizedKeysPath != "" {
		if s.authorized, err = LoadAuthorizedKeys(cfg.AuthorizedKeysPath); err != nil {
			return nil, err
		}
	}
	s.conns = newTracker(cfg, logger)
	s.conns.expire = func(c *trackedConn, reason string) {
		logger.Info("closing connection", "remote", c.RemoteAddr().String(), "reason", reason)
		c.endSessions(reason, cfg.ShutdownGrace)
	}
	s.ssh = &ssh.Server{
		Addr:                   cfg.Addr,
		Version:                "Tidings",
		HostSigners:            []ssh.Signer{signer},
		PublicKeyHandler:       s.publicKeyHandler,
		ConnCallback:           s.connCallback,
		ServerConfigCallback:   s.serverConfig,
		SessionRequestCallback: s.sessionRequest,
		PtyCallback:            s.ptyCallback,
		ConnectionFailedCallback: func(c net.Conn, err error) {
			logger.Debug("handshake failed", "remote", c.RemoteAddr().String(), "err", clean(err.Error(), 200))
		},
		// Only session channels: direct-tcpip (ssh -L) and every other
		// channel type are rejected by the library as unknown.
		ChannelHandlers: map[string]ssh.ChannelHandler{"session": s.sessionChannel},
		// No global requests: tcpip-forward (ssh -R) is refused.
		RequestHandlers:   map[string]ssh.RequestHandler{},
		SubsystemHandlers: map[string]ssh.SubsystemHandler{},
		Handler:           s.handler(),
	}
	if s.authorized == nil {
		s.ssh.KeyboardInteractiveHandler = s.keyboardInteractiveHandler
	}
	return s, nil
}

// Fingerprint is the SHA256 fingerprint of the host key.
func (s *Server) Fingerprint() string { return Fingerprint(s.signer.PublicKey()) }

// Restricted reports whether only the authorized keys may log in, and how
// many there are.
func (s *Server) Restricted() (bool, int) {
	if s.authorized == nil {
		return false, 0
	}
	return true, s.authorized.Len()
}

// ListenAndServe listens on Config.Addr and serves until Shutdown, then
// returns ErrServerClosed.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(l)
}

// Serve serves connections from l until Shutdown, then returns
// ErrServerClosed. Every connection passes the limits first.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		l.Close()
		return ssh.ErrServerClosed
	}
	s.listener = l
	s.mu.Unlock()
	return s.ssh.Serve(&limitListener{Listener: l, t: s.conns})
}

// Addr is the address the server listens on, or nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listener == nil {
		return nil
	}
	return s.listener.Addr()
}

// Shutdown stops accepting connections, closes those without a session,
// tells every session that the server is shutting down, and closes what is
// left after the grace period (or when ctx ends, whichever is first).
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	// Closes the listeners at once; with a cancelled context it does not
	// wait for the connections, which we handle ourselves.
	done, cancel := context.WithCancel(context.Background())
	cancel()
	_ = s.ssh.Shutdown(done)

	busy := s.conns.close()
	for _, c := range busy {
		c.endSessions("server shutting down", s.cfg.ShutdownGrace)
	}
	deadline := time.NewTimer(s.cfg.ShutdownGrace + 100*time.Millisecond)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if n, _, _ := s.conns.counts(); n == 0 {
			return nil
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			s.conns.closeAll()
			return s.ssh.Close()
		case <-ctx.Done():
			s.conns.closeAll()
			_ = s.ssh.Close()
			return ctx.Err()
		}
	}
}

// connCallback links the SSH context to our tracked connection.
func (s *Server) connCallback(ctx ssh.Context, c net.Conn) net.Conn {
	tc, ok := c.(*trackedConn)
	if !ok {
		// Only connections from our listener are served: the others
		// have passed no limits.
		return nil
	}
	ctx.SetValue(connKey{}, tc)
	return tc
}

func connFrom(ctx ssh.Context) *trackedConn {
	tc, _ := ctx.Value(connKey{}).(*trackedConn)
	return tc
}

// serverConfig adds what charmbracelet/ssh does not expose: the auth log,
// which tells us when a connection has really authenticated (queries for
// a key do not reach it), and a bound on attempts.
func (s *Server) serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	tc := connFrom(ctx)
	return &gossh.ServerConfig{
		MaxAuthTries: 6,
		AuthLogCallback: func(meta gossh.ConnMetadata, method string, err error) {
			if err == nil {
				if tc != nil {
					tc.markAuthenticated()
				}
				return
			}
			if method != "none" {
				s.logger.Debug("authentication failed", "remote", meta.RemoteAddr().String(),
					"user", clean(meta.User(), 64), "method", clean(method, 32))
			}
		},
	}
}

// sessionRequest allows shell and exec, and nothing else (subsystems such
// as sftp are refused even before the handler table is consulted).
func (s *Server) sessionRequest(_ ssh.Session, requestType string) bool {
	return requestType == "shell" || requestType == "exec"
}

// ptyCallback accepts a PTY whose TERM is a short, printable name.
func (s *Server) ptyCallback(_ ssh.Context, p ssh.Pty) bool {
	if len(p.Term) > 64 {
		return false
	}
	for _, r := range p.Term {
		if r <= ' ' || r >= 0x7f {
			return false
		}
	}
	return true
}

// clean makes a client-chosen string safe for the log: at most max bytes
// (cut on a rune boundary) and no terminal control sequences.
func clean(s string, max int) string {
	if len(s) > max {
		cut := max
		for cut > 0 && cut < len(s) && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "…"
	}
	return termsafe.Line(s)
}

// cleanList is clean applied to each element, joined by spaces.
func cleanList(v []string, max int) string {
	return clean(strings.Join(v, " "), max)
}
