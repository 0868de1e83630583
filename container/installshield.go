package container

import (
	"io"

	"github.com/msikit/msikit/internal/installshield"
	"github.com/msikit/msikit/internal/safepath"
)

// isFormat is an InstallShield setup launcher: the files of its overlay,
// under the names the launcher unpacks them to.
type isFormat struct {
	ms []*Member
}

func openInstallShield(r io.ReaderAt, size int64, c *Container) (format, error) {
	rd, err := installshield.NewReader(r, size)
	if err != nil {
		return nil, err
	}
	f := &isFormat{}
	for _, isf := range rd.File {
		f.ms = append(f.ms, &Member{Name: safepath.Clean(isf.Name), Size: isf.Size, sys: isf})
	}
	return f, nil
}

func (f *isFormat) members() []*Member { return f.ms }

func (f *isFormat) each(fn func(*Member, io.Reader, error) error) error {
	return eachByOpen(f.ms, f.open, fn)
}

func (f *isFormat) open(m *Member) (io.ReadCloser, error) {
	return m.sys.(*installshield.File).Open()
}

func (f *isFormat) close() error { return nil }
