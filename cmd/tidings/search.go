package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidings-app/tidings/state"
	"github.com/tidings-app/tidings/store"
	"github.com/tidings-app/tidings/store/index"
	"github.com/tidings-app/tidings/ui/printer"
)

func (a *app) searchCommand() *cobra.Command {
	var (
		asJSON bool
		limit  int
		stats  bool
	)
	cmd := &cobra.Command{
		Use:   "search [--json] [--limit N] [--stats] QUERY...",
		Short: "Print the articles that match a query, best first",
		Long: `Print the articles that match a query, best first. The words are joined
into one query: terms must all match; "quoted phrases", -exclusions, OR,
title: source: section: author: tag: fields and after:/before: dates work.`,
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 0 {
				return usageError{fmt.Errorf("--limit must not be negative")}
			}
			start := time.Now()
			st, rep, err := a.load(cmd.Context())
			if err != nil {
				return err
			}
			if limit == 0 {
				limit = 20
			}
			q := index.ParseQuery(strings.Join(args, " "))
			opts := store.SearchOptions{Limit: limit}
			var marks map[string]state.Mark
			if states := q.States(); len(states) > 0 || asJSON {
				if err := state.CheckStates(states); err != nil {
					fmt.Fprintf(a.stderr, "tidings: %s\n", err)
				}
				marks = a.marks()
				// Only a state operator filters: a Filter, even one accepting
				// everything, takes the index off its fast paths.
				if len(states) > 0 {
					opts.Filter = func(art *store.Article) bool { return state.Matches(states, marks[art.ID]) }
				}
			}
			res := st.SearchQuery(q, opts)
			if stats {
				// Reading, parsing and indexing overlap in the loader's
				// workers; Index is only what is left after the last file.
				fmt.Fprintf(a.stderr, "read, parsed and indexed %d articles (%d files, %.1f MiB) in %s (%s of it after the last file); query: %d matches in %s; %s in all\n",
					rep.Articles, rep.Files, float64(rep.Bytes)/(1<<20), rep.Total.Round(time.Millisecond),
					rep.Index.Round(time.Millisecond), res.Total, res.Took, time.Since(start).Round(time.Millisecond))
			}
			if asJSON {
				recs := printer.SearchRecords(res.Hits)
				printer.AddMarks(recs, marks)
				return printer.JSONLines(a.stdout, recs)
			}
			return printer.Search(a.stdout, res.Hits)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&asJSON, "json", false, "print JSON Lines with score and snippet")
	f.IntVar(&limit, "limit", 20, "print at most N results")
	f.BoolVar(&stats, "stats", false, "print load, index and query times to stderr")
	return cmd
}
