//go:build unix

package state

import (
	"os"
	"syscall"
)

// unlockFile drops bbolt's flock on f. It is needed only after a panic inside
// bolt.Open, when no DB exists whose Close would do it.
func unlockFile(f *os.File) {
	_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}
