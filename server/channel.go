package server

import (
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// sessionChannel handles a "session" channel like the library does, with
// two additions: a cap on session channels per connection, and a filter in
// front of the channel's requests. The library answers yes to agent
// forwarding and stores every env request; the filter refuses the first and
// bounds the second.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	tc := connFrom(ctx)
	if tc == nil {
		nc.Reject(gossh.ConnectionFailed, "not admitted")
		return
	}
	if !tc.openChannel(s.cfg.MaxChannelsPerConnection) {
		nc.Reject(gossh.ResourceShortage, "too many sessions on this connection")
		return
	}
	defer tc.closeChannel()
	// Returns when the channel's requests end, i.e. the channel closed.
	ssh.DefaultSessionHandler(srv, conn, &filteredChannel{NewChannel: nc, s: s}, ctx)
}

// filteredChannel is a NewChannel whose accepted channel's requests pass
// through filterRequests.
type filteredChannel struct {
	gossh.NewChannel
	s *Server
}

// Accept accepts the channel and interposes the request filter.
func (f *filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := f.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go f.s.filterRequests(reqs, out)
	return ch, out, nil
}

// filterRequests passes on the requests of one session channel, refusing
// those we never serve and bounding those that cost memory.
func (s *Server) filterRequests(in <-chan *gossh.Request, out chan<- *gossh.Request) {
	defer close(out)
	envs := 0
	for req := range in {
		switch req.Type {
		case "auth-agent-req@openssh.com", "x11-req", "subsystem":
			req.Reply(false, nil)
			continue
		case "env":
			var kv struct{ Key, Value string }
			if envs >= s.cfg.MaxEnvVars || len(req.Payload) > s.cfg.MaxEnvBytes+8 ||
				gossh.Unmarshal(req.Payload, &kv) != nil || !envName(kv.Key) {
				req.Reply(false, nil)
				continue
			}
			envs++
		case "exec":
			if len(req.Payload) > s.cfg.MaxCommandBytes+4 {
				req.Reply(false, nil)
				continue
			}
		}
		out <- req
	}
}

// envName accepts the names of environment variables a shell would.
func envName(k string) bool {
	if k == "" || len(k) > 64 {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
