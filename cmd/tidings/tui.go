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
	// The state file is shared with other tidings processes; the store
	// opens it per operation, so holding this for the session is fine.
	marks, user, warning := a.openState()
	defer marks.Close()

	progress := &store.Progress{}
	opts := a.loadOptions()
	opts.Progress = progress
	roots := a.roots()
	// The watcher follows the library folders until the TUI ends.
	watchCtx, stopWatch := context.WithCancel(ctx)
	var (
		mu       sync.Mutex // the load and the watcher may still run when the user quits
		report   *store.Report
		problems []store.Problem // what the watcher ran into, for stderr after exit
		watching sync.WaitGroup
		program  *tea.Program
	)
	watch := func(st *store.Store) {
		defer watching.Done()
		err := st.Watch(watchCtx, roots, a.loadOptions(), func(pr store.Problem) {
			mu.Lock()
			problems = append(problems, pr)
			mu.Unlock()
			program.Send(ui.Notice(pr.Path+": "+pr.Reason, true))
		})
		if err != nil {
			mu.Lock()
			problems = append(problems, store.Problem{Path: "(watch)", Reason: err.Error()})
			mu.Unlock()
			program.Send(ui.Notice("Not following changes: "+err.Error(), true))
		}
	}
	load := func(context.Context) (*store.Store, *store.Report, error) {
		// The command's context, not the UI's: SIGTERM stops the walk.
		st, rep, err := loadLibrary(ctx, roots, opts)
		mu.Lock()
		report = rep
		mu.Unlock()
		if err == nil && st != nil {
			watching.Add(1)
			go watch(st)
		}
		return st, rep, err
	}
	out := a.stdout.(*os.File)
	model := ui.New(ui.Options{
		Load:     load,
		Progress: progress,
		Renderer: lipgloss.NewRenderer(out),
		Theme:    a.theme,
		NoColor:  os.Getenv("NO_COLOR") != "",
		State:    marks,
		User:     user,
		Warning:  warning,
		Context:  watchCtx,
	})
	program = tea.NewProgram(model,
		tea.WithContext(ctx),
		tea.WithOutput(out),
		tea.WithAltScreen(),
		tea.WithMouseCellMotion(),
	)
	_, err := program.Run()
	stopWatch()
	watching.Wait()
	// Skipped files are listed once the screen is back: written during
	// the TUI they would garble it.
	mu.Lock()
	defer mu.Unlock()
	if report != nil {
		printer.Problems(a.stderr, report)
	}
	if len(problems) > 0 {
		printer.Problems(a.stderr, &store.Report{Warnings: problems})
	}
	return err
}
