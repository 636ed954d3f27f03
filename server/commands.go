package server

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/index"
	"github.com/tidings-app/tidings/ui/printer"
)

// usageLine is the one line a wrong command gets.
const usageLine = "usage: ssh HOST [list [--json] [--sort date|title|source] [--limit N] | search [--json] [--limit N] QUERY... | read [--width N] ID]"

// Bounds of command arguments.
const (
	maxArgs        = 64
	maxSearchLimit = 1000
	// defaultSearchLimit is the command line's default for search.
	defaultSearchLimit = 20
	defaultWidth       = 80
)

var errHelp = errors.New("help")

// request is a parsed session command. An empty name is the TUI's home.
type request struct {
	name  string // "", "list", "search" or "read"
	json  bool
	limit int
	sort  store.SortOrder
	width int
	query string
	id    string
}

// parseCommand reads the command of a session. Errors are usage errors.
func parseCommand(args []string) (request, error) {
	if len(args) == 0 {
		return request{}, nil
	}
	if len(args) > maxArgs {
		return request{}, fmt.Errorf("too many arguments (%d)", len(args))
	}
	req := request{name: args[0]}
	fs := pflag.NewFlagSet(req.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var sortBy string
	switch req.name {
	case "help", "--help", "-h":
		return request{}, errHelp
	case "list":
		fs.BoolVar(&req.json, "json", false, "")
		fs.IntVar(&req.limit, "limit", 0, "")
		fs.StringVar(&sortBy, "sort", "date", "")
	case "search":
		fs.BoolVar(&req.json, "json", false, "")
		fs.IntVar(&req.limit, "limit", 0, "")
	case "read":
		var plain bool
		fs.BoolVar(&plain, "plain", false, "") // always plain here
		fs.IntVar(&req.width, "width", defaultWidth, "")
	default:
		return request{}, fmt.Errorf("unknown command %q", clean(req.name, 40))
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return request{}, errHelp
		}
		return request{}, fmt.Errorf("%s: %s", req.name, clean(err.Error(), 100))
	}
	rest := fs.Args()
	if req.limit < 0 {
		return request{}, errors.New("--limit must not be negative")
	}
	switch req.name {
	case "list":
		if len(rest) > 0 {
			return request{}, errors.New("list takes no arguments")
		}
		order, err := store.ParseSortOrder(sortBy)
		if err != nil {
			return request{}, errors.New(clean(err.Error(), 100))
		}
		req.sort = order
	case "search":
		req.query = strings.TrimSpace(strings.Join(rest, " "))
		if req.query == "" {
			return request{}, errors.New("search needs a query")
		}
		if req.limit == 0 {
			req.limit = defaultSearchLimit
		}
		req.limit = min(req.limit, maxSearchLimit)
	case "read":
		if len(rest) != 1 {
			return request{}, errors.New("read takes one article ID")
		}
		req.id = rest[0]
		if req.width <= 0 {
			req.width = defaultWidth
		}
		req.width = min(max(req.width, 20), 200)
	}
	return req, nil
}

// usage writes the error and the usage in one line and returns status 2.
func usage(w io.Writer, err error) int {
	fmt.Fprintf(w, "tidings: %s (%s)\n", err, usageLine)
	return 2
}

// runPlain prints the output of list, search or read exactly as the
// command line prints it when its output is not a terminal: no escape
// sequence, ever. marks are the reader's (nil for a guest): search
// applies is:starred and the like with them, and --json reports them.
func (s *Server) runPlain(out, errw io.Writer, req request, marks map[string]state.Mark) int {
	var err error
	switch req.name {
	case "list":
		arts := s.store.Articles(req.sort)
		if req.limit > 0 && req.limit < len(arts) {
			arts = arts[:req.limit]
		}
		if req.json {
			recs := make([]printer.Record, len(arts))
			for i, a := range arts {
				recs[i] = printer.NewRecord(a)
			}
			printer.AddMarks(recs, marks)
			err = printer.JSONLines(out, recs)
		} else {
			err = printer.List(out, arts)
		}
	case "search":
		q := index.ParseQuery(req.query)
		opts := store.SearchOptions{Limit: req.limit}
		if states := q.States(); len(states) > 0 {
			if serr := state.CheckStates(states); serr != nil {
				fmt.Fprintf(errw, "tidings: %s\n", serr)
			}
			opts.Filter = func(a *store.Article) bool { return state.Matches(states, marks[a.ID]) }
		}
		res := s.store.SearchQuery(q, opts)
		if req.json {
			recs := printer.SearchRecords(res.Hits)
			printer.AddMarks(recs, marks)
			err = printer.JSONLines(out, recs)
		} else {
			err = printer.Search(out, res.Hits)
		}
	case "read":
		a, ferr := s.store.Find(req.id)
		if ferr != nil {
			fmt.Fprintf(errw, "tidings: %s\n", clean(ferr.Error(), 300))
			return 1
		}
		err = printer.ReadPlain(out, a, req.width)
	}
	if err != nil {
		return 1
	}
	return 0
}
