package state

import "fmt"

// The reading-state words of the query language: `is:read`, `is:unread`,
// `is:starred` (and `is:unstarred`), combined with everything else a query
// says.
var knownStates = map[string]func(Mark) bool{
	"read":      func(m Mark) bool { return m.Read },
	"unread":    func(m Mark) bool { return !m.Read },
	"starred":   func(m Mark) bool { return m.Starred },
	"unstarred": func(m Mark) bool { return !m.Starred },
}

// Matches reports whether a mark has every state named (all must hold).
// Unknown names are ignored here; CheckStates reports them.
func Matches(states []string, m Mark) bool {
	for _, s := range states {
		if f, ok := knownStates[s]; ok && !f(m) {
			return false
		}
	}
	return true
}

// CheckStates returns an error naming the first state word Tidings does not
// know, so a typo such as is:stared can be shown rather than silently
// matching everything.
func CheckStates(states []string) error {
	for _, s := range states {
		if _, ok := knownStates[s]; !ok {
			return fmt.Errorf("unknown is:%s (want is:read, is:unread, is:starred or is:unstarred)", s)
		}
	}
	return nil
}
