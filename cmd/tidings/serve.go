package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/charmbracelet/log"
	"github.com/spf13/cobra"

	"github.com/tidings-app/tidings/server"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// shutdownTimeout bounds the whole shutdown, after which the process
// exits whatever the sessions do.
const shutdownTimeout = 10 * time.Second

func (a *app) serveCommand() *cobra.Command {
	var cfg server.Config
	cmd := &cobra.Command{
		Use:   "serve [--listen ADDR] [--host-key FILE] [--authorized-keys FILE] [--max-sessions N] [--idle-timeout D] [--max-timeout D]",
		Short: "Serve the library to many readers over SSH",
		Long: `Serve the library over SSH. With a terminal (ssh -t), every reader gets the
TUI; without one, "ssh HOST list", "ssh HOST search QUERY..." and
"ssh HOST read ID" print plain text. The library is loaded once and shared.

Access is open to any key (and to guests without one) unless
--authorized-keys names an OpenSSH authorized_keys file. Passwords are never
accepted; port, agent and X11 forwarding and subsystems are refused.
The host key is created (Ed25519) on first start and reused after.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := a.checkTheme(); err != nil {
				return err
			}
			if cfg.MaxSessions <= 0 {
				return usageError{errors.New("--max-sessions must be at least 1")}
			}
			if cfg.IdleTimeout <= 0 || cfg.MaxTimeout <= 0 {
				return usageError{errors.New("--idle-timeout and --max-timeout must be positive")}
			}
			return a.serve(cmd.Context(), cfg)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.Addr, "listen", server.DefaultAddr, "TCP address to listen on")
	f.StringVar(&cfg.HostKeyPath, "host-key", "", "private host key, created when missing (default $XDG_DATA_HOME/tidings/host_ed25519)")
	f.StringVar(&cfg.AuthorizedKeysPath, "authorized-keys", "", "only the keys in this authorized_keys file may read (default: anyone)")
	f.IntVar(&cfg.MaxSessions, "max-sessions", server.DefaultMaxSessions, "sessions at once; more get \"server busy\"")
	f.DurationVar(&cfg.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "close a connection that sent nothing for this long")
	f.DurationVar(&cfg.MaxTimeout, "max-timeout", server.DefaultMaxTimeout, "close any connection after this long")
	return cmd
}

// serve loads the library once, listens, and serves until ctx ends
// (SIGINT, SIGTERM), then shuts down gracefully.
func (a *app) serve(ctx context.Context, cfg server.Config) error {
	logger := log.NewWithOptions(a.stderr, log.Options{ReportTimestamp: true, TimeFormat: time.DateTime})
	st, rep, err := a.load(ctx)
	if err != nil {
		return err
	}
	logger.Info("library loaded", "articles", rep.Articles, "files", rep.Files,
		"skipped", len(rep.Skipped), "took", rep.Total.Round(time.Millisecond))
	cfg.Theme = a.theme
	// One state file for every reader with a key, opened once; the store
	// opens the file per operation, so a local tidings can use it too.
	marks, _, warning := a.openState()
	defer marks.Close()
	if warning != "" {
		logger.Warn("reading state", "warning", warning)
	}
	cfg.State = marks
	srv, err := server.New(cfg, st, logger)
	if err != nil {
		return err
	}
	// Follow the library folders for the server's lifetime: sessions
	// refresh their lists when it changes.
	watchCtx, stopWatch := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		err := st.Watch(watchCtx, a.roots(), a.loadOptions(), func(p store.Problem) {
			logger.Warn("library", "path", termsafe.Line(p.Path), "problem", termsafe.Line(p.Reason))
		})
		if err != nil {
			logger.Warn("not following library changes", "err", err)
		}
	}()
	defer func() {
		stopWatch()
		<-watched
	}()
	l, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	access := "open to everyone"
	if restricted, n := srv.Restricted(); restricted {
		access = fmt.Sprintf("%d authorized keys", n)
	}
	logger.Info("listening", "addr", l.Addr().String(), "fingerprint", srv.Fingerprint(), "access", access)

	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, server.ErrServerClosed) {
		return serr
	}
	if err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	logger.Info("stopped")
	return nil
}
