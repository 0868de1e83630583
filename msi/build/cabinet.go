package build

import (
	"io"
	"os"
	"path/filepath"

	"github.com/msikit/msikit/cab"
)

// WriteCabinet writes the members into a cabinet in w, each named by its
// File key and stamped with its time.
func WriteCabinet(w io.Writer, members []Member, compression string) error {
	return WriteCabinetWith(w, members, compression, Options{})
}

// WriteCabinetWith is WriteCabinet, reporting progress.
func WriteCabinetWith(w io.Writer, members []Member, compression string, o Options) error {
	c := cab.Compression(cab.MethodMSZIP)
	if compression == "none" {
		c = cab.MethodNone
	}
	cw := cab.NewWriter(w, cab.WithCompression(c))
	for _, m := range members {
		fw, err := cw.Create(m.Key, m.Modified)
		if err != nil {
			return err
		}
		f, err := os.Open(m.Source)
		if err != nil {
			return err
		}
		_, err = io.Copy(fw, o.read(f))
		f.Close()
		if err != nil {
			return err
		}
	}
	return cw.Close()
}

// WriteFile builds the spec at specPath into the package out: the
// cabinet is written to a temporary file beside out and embedded from
// there, so memory stays flat whatever the files' size.
func WriteFile(specPath, out string) error {
	s, err := Load(specPath)
	if err != nil {
		return err
	}
	res, err := Build(s, filepath.Dir(specPath))
	if err != nil {
		return err
	}
	return Save(res, s, out)
}

// Save writes a built package to out with its cabinet.
func Save(res *Result, s *Spec, out string) error {
	tmp, err := os.CreateTemp(filepath.Dir(out), ".msikit-cab-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := WriteCabinet(tmp, res.Members, s.Product.Compression); err != nil {
		return err
	}
	size, err := tmp.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	res.DB.SetStreamFunc(res.Cabinet, size, func() (io.ReadCloser, error) {
		return os.Open(tmp.Name())
	})
	return res.DB.SaveFile(out)
}
