package main

import (
	"context"
	"os"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"

	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui"
	"github.com/tidings-app/tidings/ui/printer"
)

// runTUI opens the interactive reader on the library. When standard output
// is not a terminal (a pipe, a file) it prints the headlines instead, like
// `tidings list`.
func (a *app) runTUI(cmd *cobra.Command, _ []string) error {
	if err := a.checkTheme(); err != nil {
		return err
	}
	if !isTerminal(a.stdout) || !isTerminal(os.Stdin) {
		st, _, err := a.load(cmd.Context())
		if err != nil {
			return err
		}
		return printer.List(a.stdout, st.Articles(store.ByDate))
	}

	ctx := cmd.Context()
	progress := &store.Progress{}
	opts := a.loadOptions()
	opts.Progress = progress
	roots := a.roots()
	var (
		mu     sync.Mutex // the load may still run when the user quits
		report *store.Report
	)
	load := func(context.Context) (*store.Store, *store.Report, error) {
		// The command's context, not the UI's: SIGTERM stops the walk.
		st, rep, err := store.Load(ctx, roots, opts)
		mu.Lock()
		report = rep
		mu.Unlock()
		return st, rep, err
	}
	out := a.stdout.(*os.File)
	model := ui.New(ui.Options{
		Load:     load,
		Progress: progress,
		Renderer: lipgloss.NewRenderer(out),
		Theme:    a.theme,
		NoColor:  os.Getenv("NO_COLOR") != "",
	})
	p := tea.NewProgram(model,
		tea.WithContext(ctx),
		tea.WithOutput(out),
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
	)
	_, err := p.Run()
	// Skipped files are listed once the screen is back: written during
	// the TUI they would garble it.
	mu.Lock()
	defer mu.Unlock()
	if report != nil {
		printer.Problems(a.stderr, report)
	}
	return err
}
