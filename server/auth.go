package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Guest is the identity of a reader who logged in without a key
// (keyboard-interactive with no questions, allowed only when the server is
// open to everyone).
const Guest = "guest"

// maxAuthorizedKeysSize bounds the authorized keys file we read.
const maxAuthorizedKeysSize = 4 << 20

// Extension names in gossh.Permissions. They are written by our auth
// callbacks into the Permissions object x/crypto ties to the one key (or
// method) that authenticated, and read back after the handshake.
const (
	extFingerprint = "tidings-fingerprint"
	extMethod      = "tidings-method"
)

// Identity is who a session belongs to: the SHA256 fingerprint of the public
// key that authenticated the connection, or Guest. The next layers (reading
// state) key per-user data by ID.
type Identity struct {
	ID  string          // "SHA256:…" or Guest
	Key gossh.PublicKey // nil for Guest
}

// IsGuest reports whether the reader logged in without a key.
func (id Identity) IsGuest() bool { return id.Key == nil }

type identityKey struct{}

// IdentityFromContext returns the verified identity of the session whose
// context (ssh.Session.Context()) is ctx. It is set only after the identity
// was checked against the session's actual public key.
func IdentityFromContext(ctx context.Context) (Identity, bool) {
	id, ok := ctx.Value(identityKey{}).(Identity)
	return id, ok
}

// AuthorizedKeys is a set of public keys allowed to log in.
type AuthorizedKeys struct {
	keys map[string]gossh.PublicKey // by wire encoding
}

// Len is the number of distinct keys.
func (a *AuthorizedKeys) Len() int { return len(a.keys) }

// Contains reports whether k is one of the keys, in constant time per key.
func (a *AuthorizedKeys) Contains(k gossh.PublicKey) bool {
	if a == nil || k == nil {
		return false
	}
	want := k.Marshal()
	found := 0
	for wire := range a.keys {
		found |= subtle.ConstantTimeCompare([]byte(wire), want)
	}
	return found == 1
}

// restrictingOption reports whether an authorized_keys option only takes
// away rights this server never grants (forwarding, PTY for shells, rc
// files), so ignoring it is safe. Any other option (from=, command=,
// expiry-time=, cert-authority, …) would narrow or change access in ways we
// do not enforce: such lines are rejected rather than silently widened.
func restrictingOption(name string) bool {
	switch strings.ToLower(name) {
	case "restrict", "no-agent-forwarding", "no-port-forwarding", "no-pty",
		"no-user-rc", "no-x11-forwarding":
		return true
	}
	return false
}

// LoadAuthorizedKeys reads an OpenSSH authorized_keys file. Every bad line
// is reported with its number; a file with a bad line or with no key at
// all is an error, so a typo never opens or closes the door by surprise.
func LoadAuthorizedKeys(path string) (*AuthorizedKeys, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("authorized keys %s: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	keys, err := ParseAuthorizedKeys(io.LimitReader(f, maxAuthorizedKeysSize+1))
	if err != nil {
		return nil, fmt.Errorf("authorized keys %s: %w", path, err)
	}
	return keys, nil
}

// ParseAuthorizedKeys parses authorized_keys text: one key per line, blank
// lines and # comments skipped.
func ParseAuthorizedKeys(r io.Reader) (*AuthorizedKeys, error) {
	ak := &AuthorizedKeys{keys: map[string]gossh.PublicKey{}}
	var bad []string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 16<<10), 64<<10)
	total := 0
	for n := 1; sc.Scan(); n++ {
		total += len(sc.Bytes()) + 1
		if total > maxAuthorizedKeysSize {
			return nil, fmt.Errorf("file bigger than %d bytes", maxAuthorizedKeysSize)
		}
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		key, _, options, rest, err := gossh.ParseAuthorizedKey(line)
		switch {
		case err != nil:
			bad = append(bad, fmt.Sprintf("line %d: %v", n, err))
			continue
		case len(bytes.TrimSpace(rest)) > 0:
			bad = append(bad, fmt.Sprintf("line %d: more than one key on the line", n))
			continue
		}
		if err := checkKeyOptions(options); err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		if err := checkKeyStrength(key); err != nil {
			bad = append(bad, fmt.Sprintf("line %d: %v", n, err))
			continue
		}
		ak.keys[string(key.Marshal())] = key
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(bad) > 0 {
		msg := strings.Join(bad[:min(len(bad), 3)], "; ")
		if len(bad) > 3 {
			msg += fmt.Sprintf("; and %d more bad lines", len(bad)-3)
		}
		return nil, errors.New(msg)
	}
	if len(ak.keys) == 0 {
		return nil, errors.New("no keys in the file")
	}
	return ak, nil
}

func checkKeyOptions(options []string) error {
	for _, o := range options {
		name, _, _ := strings.Cut(o, "=")
		if !restrictingOption(name) {
			return fmt.Errorf("option %q is not supported here", name)
		}
	}
	return nil
}

// checkKeyStrength refuses key types nobody should log in with any more.
func checkKeyStrength(k gossh.PublicKey) error {
	switch k.Type() {
	case "ssh-dss": // x/crypto may still parse DSA keys; nobody should use one
		return errors.New("DSA keys are not accepted")
	case gossh.KeyAlgoRSA:
		if ck, ok := k.(gossh.CryptoPublicKey); ok {
			if rk, ok := ck.CryptoPublicKey().(*rsa.PublicKey); ok && rk.N.BitLen() < 2048 {
				return fmt.Errorf("RSA key of %d bits is too short (want at least 2048)", rk.N.BitLen())
			}
		}
	}
	return nil
}

// publicKeyHandler decides whether key may log in and records its
// fingerprint in the Permissions that x/crypto returns for exactly this
// key. It never stores anything in the connection context: the callback
// also runs for keys a client only offers, and the last key offered need
// not be the one that authenticates (CVE-2024-45337).
func (s *Server) publicKeyHandler(ctx ssh.Context, key ssh.PublicKey) bool {
	if checkKeyStrength(key) != nil {
		return false
	}
	if s.authorized != nil && !s.authorized.Contains(key) {
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extFingerprint] = Fingerprint(key)
	perms.Extensions[extMethod] = "publickey"
	return true
}

// keyboardInteractiveHandler lets anyone in as Guest without asking a
// question. It is installed only when no authorized keys are configured.
func (s *Server) keyboardInteractiveHandler(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) bool {
	if s.authorized != nil {
		return false
	}
	perms := ctx.Permissions()
	if perms.Extensions == nil {
		perms.Extensions = map[string]string{}
	}
	perms.Extensions[extMethod] = "keyboard-interactive"
	return true
}

// errIdentityMismatch means the identity recorded at authentication does
// not match the key the session actually authenticated with.
var errIdentityMismatch = errors.New("identity does not match the authenticated key")

// verifyIdentity re-derives the identity from the key the connection
// actually authenticated with (sess.PublicKey, set by the SSH library from
// the successful attempt) and checks it against what our auth callback
// recorded for that attempt, and, when access is restricted, against the
// authorized keys once more.
func (s *Server) verifyIdentity(sess ssh.Session) (Identity, error) {
	perms := sess.Permissions()
	var ext map[string]string
	if perms.Permissions != nil {
		ext = perms.Extensions
	}
	key := sess.PublicKey()
	if key == nil {
		if ext[extMethod] != "keyboard-interactive" || ext[extFingerprint] != "" {
			return Identity{}, errIdentityMismatch
		}
		if s.authorized != nil {
			return Identity{}, errors.New("guest login while access is restricted")
		}
		return Identity{ID: Guest}, nil
	}
	fp := Fingerprint(key)
	recorded := ext[extFingerprint]
	if ext[extMethod] != "publickey" || subtle.ConstantTimeCompare([]byte(fp), []byte(recorded)) != 1 {
		return Identity{}, errIdentityMismatch
	}
	if s.authorized != nil && !s.authorized.Contains(key) {
		return Identity{}, errors.New("key is not authorized")
	}
	if checkKeyStrength(key) != nil {
		return Identity{}, errors.New("key type is not accepted")
	}
	return Identity{ID: fp, Key: key}, nil
}
