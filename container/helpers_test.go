package container

import (
	"crypto/md5"
	"encoding/hex"
	"io"
	"testing"

	"github.com/stretchr/testify/require"
)

// node is an entry as tests compare it.
type node struct {
	Path string
	Kind Kind
	Size int64
	Data string // the bytes of a leaf, when short; otherwise their MD5
	Err  error
}

func digest(b []byte) string {
	if len(b) <= 64 {
		return string(b)
	}
	h := md5.Sum(b)
	return "md5:" + hex.EncodeToString(h[:])
}

// walkFile walks the file at path and returns its tree.
func walkFile(t *testing.T, path string, o *Options, depth int) []node {
	t.Helper()
	c, err := OpenFile(path, o)
	require.NoError(t, err)
	defer c.Close()
	return walkTree(t, c, depth)
}

// walkTree walks c and returns its tree: every entry, with the bytes
// (or their MD5) of those that are not containers.
func walkTree(t *testing.T, c *Container, depth int) []node {
	t.Helper()
	var out []node
	require.NoError(t, Walk(c, depth, func(e *Entry, r io.Reader) error {
		n := node{Path: e.Path, Kind: e.Kind, Size: e.Size, Err: e.Err}
		if r != nil {
			b, err := io.ReadAll(r)
			if err != nil {
				n.Err = err
			} else if e.Kind == File {
				n.Data = digest(b)
			}
		}
		out = append(out, n)
		return nil
	}))
	return out
}

// byPath indexes a tree.
func byPath(ns []node) map[string]node {
	m := map[string]node{}
	for _, n := range ns {
		m[n.Path] = n
	}
	return m
}

func password(pw string) func(string) ([]byte, error) {
	return func(string) ([]byte, error) { return []byte(pw), nil }
}
