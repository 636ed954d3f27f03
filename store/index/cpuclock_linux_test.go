package index

import (
	"syscall"
	"time"
	"unsafe"
)

// queryCPU returns the CPU time of this process so far, in nanoseconds:
// unlike wall time, it does not count the time spent waiting for a core
// that other processes held, and unlike a thread's clock it counts the
// cores a phrase's parts ran on. getrusage would give microseconds.
func queryCPU() time.Duration {
	const clockProcessCPUTimeID = 2
	var ts syscall.Timespec
	if _, _, e := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockProcessCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); e != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
