// Package articles is the built-in sample library: a handful of news-like
// articles in every format Tidings reads, plus a guided tour (section
// "tour") that explains the keys, the search syntax, the file formats and
// reading over SSH. It is what a newcomer sees when no folder is given.
//
// The data lives in section folders next to this file (tour, world,
// science, technology, culture); a section is the folder path under the
// library root, exactly as for a folder on disk.
package articles

import (
	"embed"
	"io/fs"
)

//go:embed tour world science technology culture
var library embed.FS

// FS returns the library root: its top-level entries are the section
// folders, so it can be loaded like any other article folder.
func FS() fs.FS {
	sub, err := fs.Sub(library, ".")
	if err != nil {
		// fs.Sub only fails on an invalid directory name; "." is valid.
		panic(err)
	}
	return sub
}
