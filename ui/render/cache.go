package render

import (
	"container/list"
	"sync"
)

// Key names one rendering of one article.
type Key struct {
	ID    string // the article's ID
	Width int    // the Renderer's clamped width (see Renderer.Key)
	Style string // the Renderer's style name
}

// entryOverhead approximates the bookkeeping of one entry (list element,
// map slot, headers), so that many tiny results still count.
const entryOverhead = 128

type entry struct {
	key  Key
	res  Result
	size int
}

// Cache is a least-recently-used cache of rendered results bounded by
// their total size, shared by all sessions of a process so that an article
// opened by many SSH users at the same width and style is rendered once.
// It is safe for concurrent use. One mutex guards it: Get and Put are
// called once per article opened, not per frame, and hold the lock only for
// a map look-up and a list move, never while rendering or copying text.
type Cache struct {
	mu       sync.Mutex
	maxBytes int
	used     int
	order    *list.List // of *entry, most recently used first
	entries  map[Key]*list.Element
}

// NewCache returns a cache that holds at most maxBytes of results. A result
// bigger than maxBytes on its own is not cached.
func NewCache(maxBytes int) *Cache {
	return &Cache{maxBytes: maxBytes, order: list.New(), entries: make(map[Key]*list.Element)}
}

// Get returns the result stored under key and marks it recently used.
func (c *Cache) Get(key Key) (Result, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return Result{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*entry).res, true
}

// Put stores r under key, replacing what was there, and evicts the least
// recently used results until the total fits.
func (c *Cache) Put(key Key, r Result) {
	size := len(r.Text) + len(r.Reason) + len(key.ID) + len(key.Style) + entryOverhead
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.entries[key]; ok {
		c.remove(el)
	}
	if size > c.maxBytes {
		return
	}
	for c.used+size > c.maxBytes {
		c.remove(c.order.Back())
	}
	c.entries[key] = c.order.PushFront(&entry{key: key, res: r, size: size})
	c.used += size
}

func (c *Cache) remove(el *list.Element) {
	e := c.order.Remove(el).(*entry)
	delete(c.entries, e.key)
	c.used -= e.size
}

// Len returns the number of cached results.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// Bytes returns the accounted size of the cached results.
func (c *Cache) Bytes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used
}
