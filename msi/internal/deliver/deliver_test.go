package deliver

import (
	"bytes"
	"errors"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// cabinet writes members (name, content) into one cabinet.
func cabinet(t *testing.T, members ...string) *cab.Reader {
	var buf bytes.Buffer
	w := cab.NewWriter(&buf)
	for i := 0; i+1 < len(members); i += 2 {
		fw, err := w.Create(members[i], time.Date(2010, 1, 25, 6, 28, 0, 0, time.UTC))
		require.NoError(t, err)
		_, err = io.WriteString(fw, members[i+1])
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	r, err := cab.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	require.NoError(t, err)
	return r
}

func TestCabinetDeliversEachItem(t *testing.T) {
	r := cabinet(t, "a.txt", "alpha", "b.txt", "bravo", "c.txt", "charlie")
	// Two items ask for b.txt; nobody asks for c.txt.
	jobs := []Job[string]{{"A", r.File[0]}, {"B1", r.File[1]}, {"B2", r.File[1]}}
	var mu sync.Mutex
	got := map[string]string{}
	fails := Cabinet(r, jobs, 2, func(item string, m *cab.File, content io.Reader) error {
		b, err := io.ReadAll(content)
		mu.Lock()
		got[item] = m.Name + "=" + string(b)
		mu.Unlock()
		return err
	})
	assert.Empty(t, fails)
	assert.Equal(t, map[string]string{"A": "a.txt=alpha", "B1": "b.txt=bravo", "B2": "b.txt=bravo"}, got)
}

func TestCabinetFailsPerItem(t *testing.T) {
	r := cabinet(t, "a.txt", "alpha", "b.txt", "bravo")
	boom := errors.New("boom")
	jobs := []Job[string]{{"A", r.File[0]}, {"B1", r.File[1]}, {"B2", r.File[1]}}
	fails := Cabinet(r, jobs, 1, func(item string, m *cab.File, content io.Reader) error {
		if m.Name == "b.txt" {
			return boom
		}
		return nil
	})
	var items []string
	for _, f := range fails {
		assert.ErrorIs(t, f.Err, boom)
		items = append(items, f.Item)
	}
	sort.Strings(items)
	assert.Equal(t, []string{"B1", "B2"}, items, "a member's error fails every item that asked for it")
	assert.Empty(t, Cabinet(r, nil, 1, func(string, *cab.File, io.Reader) error { return boom }))
}

func TestCheckSize(t *testing.T) {
	errSize := errors.New("size")
	for _, c := range []struct {
		data string
		want int64
		ok   bool
	}{{"12345", 5, true}, {"1234", 5, false}, {"123456", 5, false}, {"", 0, true}} {
		_, err := io.ReadAll(CheckSize(strings.NewReader(c.data), c.want, errSize))
		// io.Copy takes the WriterTo path (strings.Reader has one).
		var buf bytes.Buffer
		n, cerr := io.Copy(&buf, CheckSize(strings.NewReader(c.data), c.want, errSize))
		assert.Equal(t, n, int64(buf.Len()), c.data)
		assert.LessOrEqual(t, n, c.want, "never more than the table's size is passed on")
		if c.ok {
			assert.NoError(t, err, c.data)
			assert.NoError(t, cerr, c.data)
			assert.Equal(t, c.data, buf.String())
		} else {
			assert.ErrorIs(t, err, errSize, c.data)
			assert.ErrorIs(t, cerr, errSize, c.data)
		}
	}
}
