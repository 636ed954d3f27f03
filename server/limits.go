package server

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
)

// tracker admits connections and enforces the connection limits: in total,
// before authentication, and per client address. When a limit is reached it
// evicts the pre-auth connection that has made the least progress (fewest
// bytes received, then the oldest) instead of refusing the newcomer, so a
// flood of silent TCP connections cannot keep an honest client out; it
// refuses only when every candidate is already authenticated.
type tracker struct {
	limits Config
	logger *log.Logger
	// expire is called (without locks held) when an authenticated
	// connection reaches its idle or maximum time.
	expire func(c *trackedConn, reason string)

	mu       sync.Mutex
	conns    map[*trackedConn]struct{}
	perIP    map[string]int
	preauth  int
	sessions int
	closed   bool
}

func newTracker(limits Config, logger *log.Logger) *tracker {
	return &tracker{
		limits: limits,
		logger: logger,
		conns:  map[*trackedConn]struct{}{},
		perIP:  map[string]int{},
	}
}

// limitListener wraps the server's listener so every accepted connection
// passes admission control before the SSH library sees it.
type limitListener struct {
	net.Listener
	t *tracker
}

// Accept returns the next admitted connection. Refused connections are
// closed at once, without spending a goroutine or a handshake on them.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if tc := l.t.admit(c); tc != nil {
			return tc, nil
		}
		c.Close()
	}
}

// ipKey groups connections by client: the IPv4 address, or the /64 of an
// IPv6 address (one subscriber usually holds a whole /64).
func ipKey(a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	if v4 := ta.IP.To4(); v4 != nil {
		return v4.String()
	}
	return ta.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// admit registers c, evicting a pre-auth connection when a limit is full.
// It returns nil when c must be refused.
func (t *tracker) admit(c net.Conn) *trackedConn {
	ip := ipKey(c.RemoteAddr())
	var evicted []*trackedConn
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	evict := func(ip string) bool {
		v := t.victimLocked(ip)
		if v == nil {
			return false
		}
		t.dropLocked(v)
		evicted = append(evicted, v)
		return true
	}
	ok := true
	if t.perIP[ip] >= t.limits.MaxConnectionsPerIP {
		ok = evict(ip)
	}
	if ok && t.preauth >= t.limits.MaxUnauthenticated {
		ok = evict("")
	}
	if ok && len(t.conns) >= t.limits.MaxConnections {
		ok = evict("")
	}
	var tc *trackedConn
	if ok {
		now := time.Now()
		tc = &trackedConn{Conn: c, t: t, ip: ip, accepted: now, tracked: true}
		tc.lastRead.Store(now.UnixNano())
		t.conns[tc] = struct{}{}
		t.perIP[ip]++
		t.preauth++
		// Armed under the lock so Close, which stops it, always sees it.
		tc.timer = time.AfterFunc(t.limits.LoginTimeout, tc.check)
	}
	t.mu.Unlock()
	for _, v := range evicted {
		v.Close()
	}
	if len(evicted) > 0 {
		t.logger.Debug("evicted pre-auth connection", "ip", ip, "count", len(evicted))
	}
	if tc == nil {
		t.logger.Debug("connection refused: limit reached", "ip", ip)
	}
	return tc
}

// victimLocked picks the pre-auth connection to evict (of one client when
// ip is set): the one that has sent the fewest bytes, then the oldest.
func (t *tracker) victimLocked(ip string) *trackedConn {
	var best *trackedConn
	var bestBytes int64
	for c := range t.conns {
		if c.authed.Load() || ip != "" && c.ip != ip {
			continue
		}
		b := c.bytesRead.Load()
		if best == nil || b < bestBytes || b == bestBytes && c.accepted.Before(best.accepted) {
			best, bestBytes = c, b
		}
	}
	return best
}

// dropLocked forgets c; its counters are released exactly once.
func (t *tracker) dropLocked(c *trackedConn) {
	if !c.tracked {
		return
	}
	c.tracked = false
	delete(t.conns, c)
	if t.perIP[c.ip]--; t.perIP[c.ip] <= 0 {
		delete(t.perIP, c.ip)
	}
	if !c.authed.Load() {
		t.preauth--
	}
}

// acquireSession takes one of the MaxSessions slots.
func (t *tracker) acquireSession() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed || t.sessions >= t.limits.MaxSessions {
		return false
	}
	t.sessions++
	return true
}

func (t *tracker) releaseSession() {
	t.mu.Lock()
	t.sessions--
	t.mu.Unlock()
}

// counts reports the connections, pre-auth connections and sessions.
func (t *tracker) counts() (conns, preauth, sessions int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.conns), t.preauth, t.sessions
}

// close stops admitting, closes every connection that has no session right
// away, and returns those that do, for the caller to tell and close later.
func (t *tracker) close() []*trackedConn {
	t.mu.Lock()
	t.closed = true
	var idle, busy []*trackedConn
	for c := range t.conns {
		if c.sessionCount() == 0 {
			idle = append(idle, c)
		} else {
			busy = append(busy, c)
		}
	}
	t.mu.Unlock()
	for _, c := range idle {
		c.Close()
	}
	return busy
}

// closeAll closes every connection still open.
func (t *tracker) closeAll() {
	t.mu.Lock()
	all := make([]*trackedConn, 0, len(t.conns))
	for c := range t.conns {
		all = append(all, c)
	}
	t.mu.Unlock()
	for _, c := range all {
		c.Close()
	}
}

// liveSession is one running session, so that a timeout or a shutdown can
// tell it to end.
type liveSession struct {
	end func(reason string)
}

// trackedConn is an admitted connection. It counts what the client sends,
// enforces the login, idle and maximum deadlines with one timer, and knows
// its sessions. The SSH library's own deadline handling is disabled (the
// Set*Deadline methods do nothing): it counts our writes as activity, and
// it would overwrite the login deadline.
type trackedConn struct {
	net.Conn
	t        *tracker
	ip       string
	accepted time.Time
	timer    *time.Timer
	tracked  bool // guarded by t.mu

	authed    atomic.Bool
	authedAt  atomic.Int64 // unix nanoseconds
	opened    atomic.Bool  // a session channel was opened at least once
	lastRead  atomic.Int64 // unix nanoseconds of the last byte received
	bytesRead atomic.Int64
	closeOnce sync.Once
	closed    atomic.Bool

	mu       sync.Mutex
	channels int
	sessions map[*liveSession]struct{}
	expiring bool
}

// Read counts the client's bytes: receiving is what makes a connection
// not idle (a reader who walked away still receives nothing new, and
// redraws we send do not keep the connection open).
func (c *trackedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.bytesRead.Add(int64(n))
		c.lastRead.Store(time.Now().UnixNano())
	}
	return n, err
}

// SetDeadline is a no-op: deadlines are enforced by the connection's timer.
func (c *trackedConn) SetDeadline(time.Time) error { return nil }

// SetReadDeadline is a no-op, as SetDeadline.
func (c *trackedConn) SetReadDeadline(time.Time) error { return nil }

// SetWriteDeadline is a no-op, as SetDeadline.
func (c *trackedConn) SetWriteDeadline(time.Time) error { return nil }

// Close closes the connection and releases its place, once.
func (c *trackedConn) Close() error {
	var err error
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.t.mu.Lock()
		c.timer.Stop()
		c.t.dropLocked(c)
		c.t.mu.Unlock()
		err = c.Conn.Close()
	})
	return err
}

// markAuthenticated moves the connection from the login deadline to the
// idle and maximum deadlines.
func (c *trackedConn) markAuthenticated() {
	c.t.mu.Lock()
	if !c.authed.Load() {
		c.authedAt.Store(time.Now().UnixNano())
		c.authed.Store(true)
		if c.tracked {
			c.t.preauth--
		}
	}
	c.t.mu.Unlock()
	c.check()
}

// check runs when the timer fires: it closes a connection past its
// deadline or re-arms the timer for the next one.
func (c *trackedConn) check() {
	if c.closed.Load() {
		return
	}
	now := time.Now()
	lim := c.t.limits
	if !c.authed.Load() {
		at := c.accepted.Add(lim.LoginTimeout)
		if !now.Before(at) {
			c.t.logger.Debug("login timeout", "remote", c.RemoteAddr().String())
			c.Close()
			return
		}
		c.timer.Reset(at.Sub(now))
		return
	}
	var at time.Time
	reason := ""
	if !c.opened.Load() {
		// Without forwarding, a connection is only good for sessions: one
		// that logged in and opens none is holding a place for nothing.
		at, reason = time.Unix(0, c.authedAt.Load()).Add(lim.LoginTimeout), "no session opened"
	}
	if lim.MaxTimeout > 0 && (at.IsZero() || c.accepted.Add(lim.MaxTimeout).Before(at)) {
		at, reason = c.accepted.Add(lim.MaxTimeout), "session time limit reached"
	}
	if lim.IdleTimeout > 0 {
		idleAt := time.Unix(0, c.lastRead.Load()).Add(lim.IdleTimeout)
		if at.IsZero() || idleAt.Before(at) {
			at, reason = idleAt, "idle for "+lim.IdleTimeout.String()
		}
	}
	if at.IsZero() {
		return
	}
	if now.Before(at) {
		c.timer.Reset(at.Sub(now))
		return
	}
	c.t.expire(c, reason)
}

// openChannel counts a session channel, refusing more than max at once.
func (c *trackedConn) openChannel(max int) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.channels >= max {
		return false
	}
	c.channels++
	c.opened.Store(true)
	return true
}

func (c *trackedConn) closeChannel() {
	c.mu.Lock()
	c.channels--
	c.mu.Unlock()
}

func (c *trackedConn) addSession(s *liveSession) {
	c.mu.Lock()
	if c.sessions == nil {
		c.sessions = map[*liveSession]struct{}{}
	}
	c.sessions[s] = struct{}{}
	c.mu.Unlock()
}

func (c *trackedConn) removeSession(s *liveSession) {
	c.mu.Lock()
	delete(c.sessions, s)
	c.mu.Unlock()
}

func (c *trackedConn) sessionCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sessions)
}

// endSessions tells every session on the connection to end with reason,
// then closes the connection after grace, or at once when it has none.
// It acts once: later calls (a shutdown after an idle timeout) do nothing.
func (c *trackedConn) endSessions(reason string, grace time.Duration) {
	c.mu.Lock()
	if c.expiring {
		c.mu.Unlock()
		return
	}
	c.expiring = true
	live := make([]*liveSession, 0, len(c.sessions))
	for s := range c.sessions {
		live = append(live, s)
	}
	c.mu.Unlock()
	if len(live) == 0 {
		c.Close()
		return
	}
	for _, s := range live {
		s.end(reason)
	}
	time.AfterFunc(grace, func() { c.Close() })
}
