package installshield

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// fuzzSeeds are overlays of every format, plain and obfuscated,
// compressed and not.
func fuzzSeeds() [][]byte {
	files := []BuildFile{{Name: "Setup.ini", Data: []byte("[Startup]\r\nPackageName=a.msi\r\n")}, {Name: "a.msi", Data: bytes.Repeat([]byte{0xd0, 0xcf}, 700)}}
	var out [][]byte
	for _, o := range []BuildOptions{
		{Format: FormatInstallShield, DebugPath: `C:\setup.pdb`},
		{Format: FormatSetupStream},
		{Format: FormatSetupStream, HeaderType: 4},
		{Format: FormatPlain},
		{Format: FormatPlainWide},
	} {
		fs := files
		if o.Format == FormatInstallShield || o.Format == FormatSetupStream {
			fs = []BuildFile{files[0], files[1]}
			fs[0].Flags, fs[1].Flags, fs[1].Compress = FlagObfuscated, FlagObfuscated|FlagBlockObfuscate, true
		}
		b, err := Build(o, fs)
		if err != nil {
			panic(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzNewReader reads arbitrary bytes as an overlay after a PE image, and
// as a whole file: no input may panic, loop or allocate beyond what it
// holds; every error wraps a sentinel; the files lie one after another
// inside the overlay; and reading one either succeeds or fails with
// ErrFormat.
func FuzzNewReader(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Add(BuildLauncher([]byte("InstallShield\x00"), nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, exe := range [][]byte{BuildLauncher(b, nil), b} {
			r, err := NewReader(bytes.NewReader(exe), int64(len(exe)))
			if err != nil {
				if !errors.Is(err, ErrNotInstallShield) && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("error wraps no sentinel: %v", err)
				}
				continue
			}
			end := r.OverlayOffset + r.OverlaySize
			pos := r.TableOffset
			for _, f := range r.File {
				if f.Offset < pos || f.Offset+f.StoredSize > end || f.Name == "" {
					t.Fatalf("file %q at %d+%d, after %d, overlay ends at %d", f.Name, f.Offset, f.StoredSize, pos, end)
				}
				pos = f.Offset + f.StoredSize
				rc, err := f.Open()
				if err == nil {
					// A compressed file may expand 1000-fold: read
					// enough to exercise the decoders, no more.
					var n int64
					n, err = io.Copy(io.Discard, io.LimitReader(rc, 1<<20))
					rc.Close()
					if !f.Compressed && err == nil && n != f.StoredSize {
						t.Fatalf("%s: read %d of %d bytes", f.Name, n, f.StoredSize)
					}
				}
				if err != nil && !errors.Is(err, ErrFormat) {
					t.Fatalf("%s: read error wraps no sentinel: %v", f.Name, err)
				}
			}
			if len(r.File) > 0 && pos+r.Trailing != end || r.Trailing < 0 || r.Trailing > end-r.TableOffset {
				t.Fatalf("files end at %d, %d trailing bytes, overlay ends at %d", pos, r.Trailing, end)
			}
		}
	})
}
