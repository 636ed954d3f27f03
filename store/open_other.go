//go:build !unix

package store

import (
	"io/fs"
	"os"
)

// openNonBlocking opens a file for reading; the walk has already checked that
// it is a regular file.
func openNonBlocking(p string) (fs.File, error) { return os.Open(p) }
