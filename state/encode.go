package state

import (
	"encoding/json"
	"time"
)

// record is the on-disk form of a Mark: compact JSON with one-letter keys
// and empty fields left out, so a typical value is 10–60 bytes, stays
// readable with `bbolt get`, and tolerates fields added by later versions.
type record struct {
	Read    bool    `json:"r,omitempty"`
	ReadAt  int64   `json:"t,omitempty"` // Unix nanoseconds: exact and zone-free
	Starred bool    `json:"s,omitempty"`
	Line    int     `json:"l,omitempty"`
	Percent float64 `json:"p,omitempty"`
}

func encodeMark(m Mark) ([]byte, error) {
	r := record{Read: m.Read, Starred: m.Starred, Line: m.Line, Percent: m.Percent}
	if !m.ReadAt.IsZero() {
		r.ReadAt = m.ReadAt.UnixNano()
	}
	return json.Marshal(r)
}

func decodeMark(b []byte) (Mark, error) {
	var r record
	if err := json.Unmarshal(b, &r); err != nil {
		return Mark{}, err
	}
	m := Mark{Read: r.Read, Starred: r.Starred, Line: r.Line, Percent: r.Percent}
	if r.ReadAt != 0 {
		m.ReadAt = time.Unix(0, r.ReadAt)
	}
	return m, nil
}
