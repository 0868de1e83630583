package oleps

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/richardlehane/mscfb"

	"github.com/msikit/msikit/internal/testutil"
)

// rootStreams returns the property-set streams (\x05 names) at the root of
// a compound file, keyed by name without the control character.
func rootStreams(path string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := mscfb.New(f)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for {
		e, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(e.Path) != 0 || e.Initial != 5 {
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, e); err != nil {
			return nil, err
		}
		out[e.Name] = buf.Bytes()
	}
	return out, nil
}

// TestCorpusRoundTrip parses every property set in the corpus packages,
// checks the summary information shape, and requires that writing the
// parsed set reproduces the stream byte for byte (Windows, WiX and
// msitools all write the canonical layout Bytes writes).
func TestCorpusRoundTrip(t *testing.T) {
	pkgs := testutil.CorpusFiles(t, testutil.PackageExts...)
	sets := 0
	for _, p := range pkgs {
		streams, err := rootStreams(p)
		if err != nil {
			t.Logf("%s: not a readable compound file: %v", filepath.Base(p), err)
			continue
		}
		for name, b := range streams {
			if strings.HasPrefix(name, "DigitalSignature") || strings.HasPrefix(name, "MsiDigitalSignature") {
				// Authenticode signatures (PKCS #7), not property sets:
				// they must be refused as such.
				if _, err := Parse(b); !errors.Is(err, ErrFormat) {
					t.Errorf("%s %s: Parse = %v, want ErrFormat", filepath.Base(p), name, err)
				}
				continue
			}
			sets++
			s, err := Parse(b)
			if err != nil {
				t.Errorf("%s %s: %v", filepath.Base(p), name, err)
				continue
			}
			if name == "SummaryInformation" {
				if len(s.Sections) != 1 || s.Sections[0].FMTID != FMTIDSummaryInformation {
					t.Errorf("%s: summary information sections %v", filepath.Base(p), s.Sections)
				}
			}
			out, err := s.Bytes()
			if err != nil {
				t.Errorf("%s %s: write: %v", filepath.Base(p), name, err)
				continue
			}
			if !bytes.Equal(out, b) {
				t.Errorf("%s %s: rewritten stream differs (%d bytes, was %d)\n got %x\nwant %x", filepath.Base(p), name, len(out), len(b), out, b)
			}
		}
	}
	if sets == 0 {
		t.Fatal("no property sets found in the corpus")
	}
	t.Logf("%d property sets in %d packages", sets, len(pkgs))
}
