package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	gossh "golang.org/x/crypto/ssh"
)

// maxHostKeySize bounds how much of the host key file is read: an Ed25519
// key in OpenSSH format is about 400 bytes, so anything much bigger is not
// one.
const maxHostKeySize = 64 << 10

// DefaultHostKeyPath is where the host key lives when --host-key is not
// given: $XDG_DATA_HOME/tidings/host_ed25519, with XDG_DATA_HOME defaulting
// to ~/.local/share.
func DefaultHostKeyPath() (string, error) {
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("finding the host key folder: %w", err)
		}
		base = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(base, "tidings", "host_ed25519"), nil
}

// LoadOrCreateHostKey reads the private host key at path, or creates an
// Ed25519 one there (mode 0600, folder 0700) when the file does not exist,
// so clients see the same fingerprint after every restart. A file that
// exists but cannot be read or parsed is an error: silently replacing it
// would make every client warn about a changed host key.
func LoadOrCreateHostKey(path string) (signer gossh.Signer, created bool, err error) {
	signer, err = readHostKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return signer, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("host key %s: creating its folder: %w", path, err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: generating: %w", path, err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "tidings host key")
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: encoding: %w", path, err)
	}
	// Write a temporary file and link it into place: the link fails if
	// another server created the key meanwhile, and then that key wins.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".host_key-*")
	if err != nil {
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	if _, err := tmp.Write(pem.EncodeToMemory(block)); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("host key %s: writing: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, false, fmt.Errorf("host key %s: writing: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, false, fmt.Errorf("host key %s: writing: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			signer, err = readHostKey(path)
			return signer, false, err
		}
		return nil, false, fmt.Errorf("host key %s: %w", path, err)
	}
	signer, err = readHostKey(path)
	return signer, err == nil, err
}

// readHostKey parses an unencrypted private key file. Errors name the file
// and say what is wrong in one line; a missing file wraps fs.ErrNotExist.
func readHostKey(path string) (gossh.Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("host key %s: cannot read it: %w", path, unwrapPathError(err))
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("host key %s: cannot read it: %w", path, unwrapPathError(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("host key %s: not a regular file", path)
	}
	if info.Size() > maxHostKeySize {
		return nil, fmt.Errorf("host key %s: too big to be a private key (%d bytes)", path, info.Size())
	}
	data := make([]byte, info.Size())
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, fmt.Errorf("host key %s: cannot read it: %w", path, unwrapPathError(err))
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		var missing *gossh.PassphraseMissingError
		if errors.As(err, &missing) {
			return nil, fmt.Errorf("host key %s: protected by a passphrase; use a key without one", path)
		}
		return nil, fmt.Errorf("host key %s: not a usable private key: %w", path, err)
	}
	return signer, nil
}

// unwrapPathError drops the *fs.PathError wrapper, whose message repeats the
// path the caller already names.
func unwrapPathError(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Fingerprint is the SHA256 fingerprint of a public key as OpenSSH prints
// it ("SHA256:…").
func Fingerprint(k gossh.PublicKey) string { return gossh.FingerprintSHA256(k) }
