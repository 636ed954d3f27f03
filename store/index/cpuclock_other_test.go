//go:build !linux

package index

import "time"

// queryCPU is not measured on this system.
func queryCPU() time.Duration { return 0 }
