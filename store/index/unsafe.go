package index

import "unsafe"

// unsafeString views b as a string without copying. Callers only use the
// result while b is unchanged: for map lookups and comparisons, never to
// store it.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
