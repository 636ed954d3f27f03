package keys

import "testing"

// TestHelpIsTrue checks every binding has help text and that each view
// offers ctrl+c and a way out, so the footer never lies or strands anyone.
func TestHelpIsTrue(t *testing.T) {
	views := []View{ViewLoading, ViewList, ViewFiltered, ViewSearching, ViewReader, ViewFinding, ViewHelp, ViewNarrowed, ViewPicker}
	for _, v := range views {
		k := DefaultKeyMap()
		k.SetView(v, true)
		var enabled int
		for _, g := range k.FullHelp() {
			for _, b := range g {
				if b.Help().Key == "" || b.Help().Desc == "" {
					t.Errorf("view %d: a binding %v has no help", v, b.Keys())
				}
				if b.Enabled() {
					enabled++
				}
			}
		}
		if !k.ForceQuit.Enabled() {
			t.Errorf("view %d: ctrl+c is off", v)
		}
		if !(k.Quit.Enabled() || k.Back.Enabled() || k.Cancel.Enabled() || k.CloseHelp.Enabled()) {
			t.Errorf("view %d: no key leaves it", v)
		}
		if len(k.ShortHelp()) == 0 || enabled == 0 {
			t.Errorf("view %d: no help", v)
		}
	}
	k := DefaultKeyMap()
	k.SetView(ViewReader, false)
	if k.NextMatch.Enabled() {
		t.Error("n is offered with nothing to jump to")
	}
}
