package main

import (
	"fmt"
	"os"

	"github.com/charmbracelet/lipgloss"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/tidings-app/tidings/ui/printer"
	"github.com/tidings-app/tidings/ui/render"
)

func (a *app) readCommand() *cobra.Command {
	var (
		plain bool
		width int
	)
	cmd := &cobra.Command{
		Use:   "read [--plain] [--width N] ID|ID-PREFIX|PATH",
		Short: "Print one article, rendered for the terminal or as plain text",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if width < 0 {
				return usageError{fmt.Errorf("--width must not be negative")}
			}
			if err := a.checkTheme(); err != nil {
				return err
			}
			st, _, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			art, err := st.Find(args[0])
			if err != nil {
				return err
			}
			tty := isTerminal(a.stdout)
			if width == 0 {
				width = 80
				if tty {
					if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
						width = min(w, 100)
					}
				}
			}
			if plain || !tty {
				return printer.ReadPlain(a.stdout, art, width)
			}
			style := "dark"
			switch {
			case os.Getenv("NO_COLOR") != "":
				style = "notty"
			case a.theme == "light", a.theme == "auto" && !lipgloss.HasDarkBackground():
				style = "light"
			}
			r, err := render.New(render.Options{Style: style, Width: width})
			if err != nil {
				return err
			}
			return printer.ReadStyled(a.stdout, art, r)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&plain, "plain", false, "plain text without any escape sequence")
	f.IntVar(&width, "width", 0, "wrap at N columns (default: the terminal's, at most 100)")
	return cmd
}

// isTerminal reports whether w is a terminal; anything else (a pipe, a
// file, a buffer in tests) gets plain output.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
