//go:build unix

package store

import (
	"fmt"
	"syscall"
	"time"
)

// readOSFile reads a file from disk with plain system calls: open, fstat,
// read, close. An os.File would add a second fstat, a poller registration
// attempt and a cleanup per file, which shows at 100,000 files.
//
// The file is opened non-blocking and without following a final symlink:
// if it was swapped for a FIFO after the walk looked at it, open returns at
// once and fstat sees it is not a regular file.
func readOSFile(path string, limit int64) ([]byte, time.Time, string) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
		if err != syscall.EINTR {
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
	// One byte more than the size: a read that fills it means the file grew
	// since fstat, and is read on under the limit.
	buf := make([]byte, st.Size+1)
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
		if n == len(buf) {
			if int64(n) > limit {
				return buf[:n], time.Time{}, fmt.Sprintf("too large: grew past the limit of %s while reading", humanBytes(limit))
			}
			buf = append(buf, make([]byte, min(int64(len(buf)), limit+1-int64(len(buf))))...)
		}
	}
	return buf[:n], mod, ""
}
