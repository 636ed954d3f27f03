//go:build unix

package store

import (
	"io/fs"
	"os"
	"syscall"
)

// openNonBlocking opens a file for reading without ever blocking: if the file
// was swapped for a FIFO after the walk looked at it, open returns at once
// and the caller's Stat sees it is not a regular file.
func openNonBlocking(p string) (fs.File, error) {
	return os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
}
