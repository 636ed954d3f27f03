package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/tidings-app/tidings/articles"
	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/ui/printer"
	"github.com/tidings-app/tidings/ui/termsafe"
)

// app holds the global flags and the streams every subcommand writes to.
type app struct {
	stdout, stderr io.Writer
	dirs           []string
	maxFileSize    int64
	theme          string // auto, dark or light
	statePath      string // the reading-state database
}

func newApp(stdout, stderr io.Writer) *app {
	return &app{stdout: stdout, stderr: stderr}
}

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "tidings",
		Short: "A terminal news reader with instant full-text search",
		Long: `Tidings loads a folder of article files (scraped text, Markdown, saved web
pages, feeds, JSON Lines) and shows a headline list, a reader and instant
search. Without --dir it reads $TIDINGS_DIR, then
$XDG_DATA_HOME/tidings/articles, then its built-in sample library.`,
		Version:       versionString(),
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE:          a.runTUI,
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringArrayVar(&a.dirs, "dir", nil, "library folder (repeatable); default $TIDINGS_DIR, then the XDG data folder, then the built-in library")
	pf.StringVar(&a.theme, "theme", "auto", "colours: auto (from the terminal's background), dark or light; NO_COLOR turns colour off")
	pf.StringVar(&a.statePath, "state", "", "reading-state database (default $XDG_STATE_HOME/tidings/state.db)")
	pf.Int64Var(&a.maxFileSize, "max-file-size", store.DefaultMaxFileSize, "skip files larger than this many bytes")
	root.AddCommand(a.listCommand(), a.searchCommand(), a.readCommand(), a.checkCommand(), a.serveCommand())
	for _, c := range root.Commands() {
		c.SilenceUsage, c.SilenceErrors = true, true
	}
	return root
}

// roots resolves where the library is: --dir, then $TIDINGS_DIR (a list),
// then $XDG_DATA_HOME/tidings/articles when it exists, else the built-in one.
func (a *app) roots() []store.Root {
	dirs := a.dirs
	if len(dirs) == 0 {
		if env := os.Getenv("TIDINGS_DIR"); env != "" {
			dirs = filepath.SplitList(env)
		}
	}
	if len(dirs) == 0 {
		if d := defaultLibraryDir(); d != "" {
			if info, err := os.Stat(d); err == nil && info.IsDir() {
				dirs = []string{d}
			}
		}
	}
	if len(dirs) == 0 {
		return []store.Root{store.FSRoot("built-in", articles.FS())}
	}
	roots := make([]store.Root, len(dirs))
	for i, d := range dirs {
		roots[i] = store.DirRoot(d)
	}
	return roots
}

func defaultLibraryDir() string {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "tidings", "articles")
}

// openState opens the reading-state database for the local user. It never
// fails: a problem comes back as a one-line warning for the caller to show,
// with an in-memory (or read-only) store that still works.
func (a *app) openState() (st state.Store, user, warning string) {
	p := a.statePath
	if p == "" {
		p = state.DefaultPath()
	}
	st, warn := state.OpenOrFallback(p)
	if warn != nil {
		warning = termsafe.Line(warn.Error())
	}
	return st, localUser(), warning
}

// localUser names the local reader in the state database: the OS user.
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if name := os.Getenv("USER"); name != "" {
		return name
	}
	return "local"
}

// marks loads the local user's marks for list and search output.
func (a *app) marks() map[string]state.Mark {
	st, usr, warning := a.openState()
	if warning != "" {
		fmt.Fprintf(a.stderr, "tidings: %s\n", warning)
	}
	defer st.Close()
	m, err := st.Marks(usr)
	if err != nil {
		fmt.Fprintf(a.stderr, "tidings: reading state: %s\n", termsafe.Line(err.Error()))
	}
	return m
}

// checkTheme validates --theme.
func (a *app) checkTheme() error {
	switch a.theme {
	case "auto", "dark", "light":
		return nil
	}
	return usageError{fmt.Errorf("unknown --theme %q (want auto, dark or light)", a.theme)}
}

func (a *app) loadOptions() store.Options {
	return store.Options{MaxFileSize: a.maxFileSize}
}

// loadGCPercent is the collector's GOGC while a library loads. The load's
// heap grows to the library's text and index, and the peak is that plus
// the garbage made since the last collection, which GOGC bounds. Over
// 100,000 generated articles, eight runs each: at the default of 100 the
// peak RSS reached 816,900-869,500 KiB, once past DESIGN.md's budget of
// twice the corpus (867,800 KiB); at 50, 814,600-837,800 KiB, for about
// 0.1 CPU-s more. With the pair neighbours (store/index/pairnear.go) 50
// reached 825,200-857,200 KiB: the last collection often came when the
// heap was three quarters of its final size, and the rest of the load
// then piled up garbage. At 30 the heap is collected again before the
// end: 824,700-829,800 KiB over 13 runs, for about 0.15 CPU-s and 0.08 s
// more.
const loadGCPercent = 30

// loadLibrary is store.Load with the collector at loadGCPercent while it
// runs, unless the user set GOGC.
func loadLibrary(ctx context.Context, roots []store.Root, opts store.Options) (*store.Store, *store.Report, error) {
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(loadGCPercent))
	}
	return store.Load(ctx, roots, opts)
}

// load reads the library and reports skipped files on stderr.
func (a *app) load(ctx context.Context) (*store.Store, *store.Report, error) {
	st, rep, err := loadLibrary(ctx, a.roots(), a.loadOptions())
	if err != nil {
		return nil, rep, err
	}
	printer.Problems(a.stderr, rep)
	return st, rep, nil
}

func (a *app) listCommand() *cobra.Command {
	var (
		asJSON bool
		sortBy string
		limit  int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "Print the headlines, newest first",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			order, err := store.ParseSortOrder(sortBy)
			if err != nil {
				return usageError{err}
			}
			if limit < 0 {
				return usageError{fmt.Errorf("--limit must not be negative")}
			}
			st, _, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			arts := st.Articles(order)
			if limit > 0 && limit < len(arts) {
				arts = arts[:limit]
			}
			if asJSON {
				recs := make([]printer.Record, len(arts))
				for i, art := range arts {
					recs[i] = printer.NewRecord(art)
				}
				printer.AddMarks(recs, a.marks())
				return printer.JSONLines(a.stdout, recs)
			}
			return printer.List(a.stdout, arts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print JSON Lines, one object per article")
	f.StringVar(&sortBy, "sort", "date", "order: date, title or source")
	f.IntVar(&limit, "limit", 0, "print at most N articles (0: all)")
	return cmd
}

func (a *app) checkCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Load the library and report counts, timings and every skipped file",
		Long:  "Load the library and report counts, timings and every skipped file.\nExits 1 when a file was skipped.",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, rep, err := loadLibrary(cmd.Context(), a.roots(), a.loadOptions())
			if err != nil {
				return err
			}
			if err := printer.Check(a.stdout, rep, asJSON); err != nil {
				return err
			}
			if len(rep.Skipped) > 0 {
				return exitError{1}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the report as one JSON object")
	return cmd
}
