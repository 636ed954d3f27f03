package state

import "testing"

func TestMatches(t *testing.T) {
	read := Mark{Read: true}
	starred := Mark{Starred: true}
	both := Mark{Read: true, Starred: true}
	tests := []struct {
		states []string
		m      Mark
		want   bool
	}{
		{nil, Mark{}, true},
		{[]string{"read"}, read, true},
		{[]string{"read"}, starred, false},
		{[]string{"unread"}, starred, true},
		{[]string{"starred"}, starred, true},
		{[]string{"starred", "read"}, starred, false},
		{[]string{"starred", "read"}, both, true},
		{[]string{"unstarred"}, both, false},
		{[]string{"bogus"}, Mark{}, true},
	}
	for _, tt := range tests {
		if got := Matches(tt.states, tt.m); got != tt.want {
			t.Errorf("Matches(%v, %+v) = %v, want %v", tt.states, tt.m, got, tt.want)
		}
	}
	if CheckStates([]string{"read", "starred"}) != nil || CheckStates([]string{"stared"}) == nil {
		t.Error("CheckStates")
	}
}
