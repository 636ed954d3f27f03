//go:build unix

package store

import (
	"fmt"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// readOSFile reads a file from disk with plain system calls: open, fstat,
// read, close. An os.File would add a second fstat, a poller registration
// attempt and a cleanup per file, which shows at 100,000 files. The bytes
// are read into buf when it is big enough.
//
// The file is opened non-blocking and without following a final symlink:
// if it was swapped for a FIFO after the walk looked at it, open returns at
// once and fstat sees it is not a regular file.
func readOSFile(path string, limit int64, buf []byte) ([]byte, time.Time, string) {
	return readFileAt(unix.AT_FDCWD, path, limit, buf)
}

// dirHandle is an open folder whose files workers read with openat, so the
// kernel resolves one name per file instead of the whole path. It closes
// when the walk and every job it handed out are done with it.
type dirHandle struct {
	fd   int
	path string
	refs atomic.Int32
}

// openDir opens a folder for openat; on failure files are opened by path.
func openDir(path string) *dirHandle {
	d := &dirHandle{fd: -1, path: path}
	d.refs.Store(1)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err == nil {
		d.fd = fd
	}
	return d
}

func (d *dirHandle) acquire() { d.refs.Add(1) }

func (d *dirHandle) release() {
	if d.refs.Add(-1) == 0 && d.fd >= 0 {
		unix.Close(d.fd)
	}
}

// readFile reads a file of the folder by name (into buf when it is big
// enough) and releases the handle.
func (d *dirHandle) readFile(name string, limit int64, buf []byte) ([]byte, time.Time, string) {
	defer d.release()
	if d.fd < 0 {
		return readOSFile(filepath.Join(d.path, name), limit, buf)
	}
	return readFileAt(d.fd, name, limit, buf)
}

// readFileAt opens, checks and reads a file in four system calls: openat,
// fstat, one read, close. The read asks for one byte more than the size:
// getting fewer means the end of the file was reached (a regular file
// returns less than asked only there), so the read that would return 0 is
// not needed; getting them all means the file grew since fstat, and it is
// read on under the limit.
func readFileAt(dirfd int, name string, limit int64, buf []byte) ([]byte, time.Time, string) {
	var fd int
	var err error
	for {
		fd, err = unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return nil, time.Time{}, "cannot open: " + err.Error()
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, time.Time{}, "cannot stat: " + err.Error()
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, time.Time{}, "not a regular file (" + fileKind(modeOf(st.Mode)) + ")"
	}
	if st.Size > limit {
		return nil, time.Time{}, tooLarge(st.Size, limit)
	}
	mod := time.Unix(int64(st.Mtim.Sec), int64(st.Mtim.Nsec))
	if int64(cap(buf)) < st.Size+1 {
		buf = make([]byte, max(st.Size+1, min(2*int64(cap(buf)), limit+1)))
	}
	buf = buf[:st.Size+1]
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return buf[:n], time.Time{}, "cannot read: " + err.Error()
		}
		if m == 0 {
			return buf[:n], mod, ""
		}
		n += m
		if int64(n) == st.Size && n < len(buf) {
			return buf[:n], mod, "" // a short read: the end of the file
		}
		if n == len(buf) {
			if int64(n) > limit {
				return buf[:n], time.Time{}, fmt.Sprintf("too large: grew past the limit of %s while reading", humanBytes(limit))
			}
			buf = append(buf, make([]byte, min(int64(len(buf)), limit+1-int64(len(buf))))...)
		}
	}
	return buf[:n], mod, ""
}
