//go:build !unix

package state

import "os"

// unlockFile does nothing here: outside Unix bbolt's lock belongs to the file
// handle, which the caller closes next.
func unlockFile(*os.File) {}
