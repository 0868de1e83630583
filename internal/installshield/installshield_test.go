package installshield

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
)

// open builds a launcher from an overlay and reads it.
func open(t *testing.T, overlay, cert []byte) (*Reader, []byte) {
	t.Helper()
	exe := BuildLauncher(overlay, cert)
	r, err := NewReader(bytes.NewReader(exe), int64(len(exe)))
	if err != nil {
		t.Fatal(err)
	}
	return r, exe
}

func readAll(t *testing.T, f *File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("%s: %v", f.Name, err)
	}
	return b
}

// testFiles are files of sizes around the 1024-byte block, with names
// whose lengths do not divide it, so that a key restarted at the wrong
// place garbles them.
func testFiles() []BuildFile {
	rng := rand.New(rand.NewPCG(1, 2))
	data := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	text := []byte(strings.Repeat("[Startup]\r\nPackageName=product.msi\r\n", 300))
	return []BuildFile{
		{Name: "0x0409.ini", Data: text},
		{Name: "empty.dat"},
		{Name: "product.msi", Data: data(5000)},
		{Name: "a", Data: data(1024)},
		{Name: "Setup.ini", Data: data(1025)},
		{Name: "ISSetup.dll", Data: data(3)},
	}
}

// TestRoundTrip builds overlays of every format, with every obfuscation
// and with and without compression, and reads the files back.
func TestRoundTrip(t *testing.T) {
	type variant struct {
		o        BuildOptions
		flags    uint32
		compress bool
	}
	var vs []variant
	for _, format := range []Format{FormatInstallShield, FormatSetupStream} {
		for _, typ := range []uint32{0, 4} {
			for _, flags := range []uint32{0, FlagObfuscated, FlagObfuscated | FlagBlockObfuscate} {
				for _, c := range []bool{false, true} {
					vs = append(vs, variant{BuildOptions{Format: format, HeaderType: typ}, flags, c})
				}
			}
		}
	}
	vs = append(vs, variant{o: BuildOptions{Format: FormatPlain}}, variant{o: BuildOptions{Format: FormatPlainWide}},
		variant{o: BuildOptions{Format: FormatPlain, DebugPath: `C:\build\setup.pdb`}},
		variant{o: BuildOptions{Format: FormatSetupStream, DebugPath: `C:\build\setupW.pdb`}, flags: 6, compress: true})
	for _, v := range vs {
		name := fmt.Sprintf("%v/type%d/flags%d/compress=%v/debug=%v", v.o.Format, v.o.HeaderType, v.flags, v.compress, v.o.DebugPath != "")
		t.Run(name, func(t *testing.T) {
			files := testFiles()
			for i := range files {
				files[i].Flags, files[i].Compress = v.flags, v.compress
				if v.o.Format == FormatPlain || v.o.Format == FormatPlainWide {
					files[i].Name = `Disk1\` + files[i].Name
				}
			}
			overlay, err := Build(v.o, files)
			if err != nil {
				t.Fatal(err)
			}
			r, exe := open(t, overlay, nil)
			if r.Format != v.o.Format || r.HeaderType != v.o.HeaderType || r.Trailing != 0 {
				t.Errorf("format %v type %d trailing %d", r.Format, r.HeaderType, r.Trailing)
			}
			if r.OverlayOffset != int64(len(exe)-len(overlay)) || r.OverlaySize != int64(len(overlay)) {
				t.Errorf("overlay %d+%d, want %d+%d", r.OverlayOffset, r.OverlaySize, len(exe)-len(overlay), len(overlay))
			}
			if r.DebugPath != v.o.DebugPath {
				t.Errorf("debug path %q", r.DebugPath)
			}
			if len(r.File) != len(files) {
				t.Fatalf("%d files, want %d", len(r.File), len(files))
			}
			for i, f := range r.File {
				want := files[i]
				if f.Name != want.Name || f.Flags != v.flags || f.Compressed != v.compress {
					t.Errorf("file %d: %q flags %d compressed %v", i, f.Name, f.Flags, f.Compressed)
				}
				stored := exe[f.Offset : f.Offset+f.StoredSize]
				if v.flags != 0 && len(want.Data) > 0 && bytes.Contains(stored, want.Data) {
					t.Errorf("%s: stored in the clear", f.Name)
				}
				if wantSize := int64(len(want.Data)); v.compress && f.Size != -1 || !v.compress && f.Size != wantSize {
					t.Errorf("%s: size %d before reading", f.Name, f.Size)
				}
				if got := readAll(t, f); !bytes.Equal(got, want.Data) {
					t.Errorf("%s: read %d bytes, differing from the %d stored", f.Name, len(got), len(want.Data))
				}
				if n, err := f.Measure(); err != nil || n != int64(len(want.Data)) || f.Size != n {
					t.Errorf("%s: measured %d, %v; size %d", f.Name, n, err, f.Size)
				}
			}
		})
	}
}

// TestObfuscation checks the decoding against the byte formula of the
// public descriptions, written out here independently of the decoder,
// and that the two key schedules differ where they should: from byte
// 1024 on, for a name whose length does not divide 1024.
func TestObfuscation(t *testing.T) {
	name := []byte("Setup.ini") // 9 bytes
	plain := make([]byte, 3000)
	for i := range plain {
		plain[i] = byte(i * 7)
	}
	mask := []byte{0x13, 0x35, 0x86, 0x07}
	for _, block := range []bool{false, true} {
		enc := obfuscate(plain, name, block)
		for i, b := range enc {
			j := i
			if block {
				j = i % 1024
			}
			k := name[j%len(name)] ^ mask[j%len(name)%4]
			if got := ^(k ^ (b<<4 | b>>4)); got != plain[i] {
				t.Fatalf("block=%v: byte %d decodes to %#x, want %#x", block, i, got, plain[i])
			}
		}
		d := newDeobfuscator(bytes.NewReader(enc), name, block)
		got, _ := io.ReadAll(io.MultiReader(io.LimitReader(d, 1), io.LimitReader(d, 1500), d)) // odd read sizes
		if !bytes.Equal(got, plain) {
			t.Errorf("block=%v: deobfuscator differs", block)
		}
	}
	a, b := obfuscate(plain, name, false), obfuscate(plain, name, true)
	if !bytes.Equal(a[:1024], b[:1024]) || bytes.Equal(a[1024:], b[1024:]) {
		t.Error("the two key schedules should agree on the first block only")
	}
}

// TestSignedLauncher puts a certificate table after the overlay: the
// overlay ends where it starts, and the files are read as unsigned.
func TestSignedLauncher(t *testing.T) {
	files := testFiles()
	overlay, err := Build(BuildOptions{Format: FormatSetupStream, HeaderType: 4}, files)
	if err != nil {
		t.Fatal(err)
	}
	cert := append([]byte{0x10, 0, 0, 0, 0, 2, 2, 0}, bytes.Repeat([]byte{0x30}, 200)...)
	r, _ := open(t, overlay, cert)
	if r.OverlaySize != int64(len(overlay)) || r.Trailing != 0 || len(r.File) != len(files) {
		t.Errorf("overlay %d bytes (want %d), trailing %d, %d files", r.OverlaySize, len(overlay), r.Trailing, len(r.File))
	}
	if got := readAll(t, r.File[2]); !bytes.Equal(got, files[2].Data) {
		t.Error("product.msi differs")
	}
	// A plain overlay would run into the certificate without it.
	plain, _ := Build(BuildOptions{Format: FormatPlain}, files[:1])
	r, _ = open(t, plain, cert)
	if r.Trailing != 0 || len(r.File) != 1 {
		t.Errorf("plain: trailing %d, %d files", r.Trailing, len(r.File))
	}
}

// TestTrailing: bytes after a plain overlay's last file that are no
// record are reported, not read as a file.
func TestTrailing(t *testing.T) {
	overlay, _ := Build(BuildOptions{Format: FormatPlain}, []BuildFile{{Name: `Disk1\setup.ini`, Data: []byte("[Startup]")}})
	overlay = append(overlay, 0, 0, 0, 0, 1, 2, 3)
	r, _ := open(t, overlay, nil)
	if len(r.File) != 1 || r.Trailing != 7 || r.File[0].Version != "0.0.0.0" {
		t.Errorf("%d files, trailing %d, version %q", len(r.File), r.Trailing, r.File[0].Version)
	}
}

func TestErrors(t *testing.T) {
	files := []BuildFile{{Name: "setup.ini", Data: bytes.Repeat([]byte("x"), 100)}, {Name: "product.msi", Data: bytes.Repeat([]byte("y"), 2000)}}
	build := func(o BuildOptions, fs []BuildFile) []byte {
		b, err := Build(o, fs)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	ansi := build(BuildOptions{Format: FormatInstallShield}, files)
	stream := build(BuildOptions{Format: FormatSetupStream}, files)
	patch := func(b []byte, at int, v ...byte) []byte {
		b = bytes.Clone(b)
		copy(b[at:], v)
		return b
	}
	exe := BuildLauncher(nil, nil)
	for _, c := range []struct {
		name string
		file []byte // a whole file, or nil to put overlay after a PE image
		over []byte
		want error
		msg  string
	}{
		{"empty", []byte{}, nil, ErrNotInstallShield, "not a PE image"},
		{"text", []byte("InstallShield\x00 but no PE image around it........................................"), nil, ErrNotInstallShield, "not a PE image"},
		{"no overlay", exe, nil, ErrNotInstallShield, "no data after the last PE section"},
		{"unknown overlay", nil, []byte("MSCF\x00\x00\x00\x00 a cabinet, say"), ErrNotInstallShield, "no InstallShield header or file table"},
		{"header cut", nil, ansi[:30], ErrFormat, "InstallShield header at"},
		{"type 5", nil, patch(ansi, 16, 5), ErrUnsupported, "type 5"},
		{"record cut", nil, ansi[:headerSize+200], ErrFormat, "record of file 1"},
		{"name not terminated", nil, patch(ansi, headerSize, bytes.Repeat([]byte("n"), 260)...), ErrFormat, "not NUL-terminated"},
		{"empty name", nil, patch(ansi, headerSize, 0), ErrFormat, "empty name"},
		{"last file cut", nil, ansi[:len(ansi)-10], ErrFormat, `"product.msi"`},
		{"more files than stored", nil, patch(ansi, 14, 3), ErrFormat, "record of file 3"},
		{"stream name odd", nil, patch(stream, headerSize, 7), ErrFormat, "name of 7 bytes"},
		{"stream name long", nil, patch(stream, headerSize, 8, 2), ErrFormat, "name of 520 bytes"},
		{"stream size huge", nil, patch(stream, headerSize+10, 0xff, 0xff, 0xff, 0xff), ErrFormat, "its 4294967295 bytes at"},
		{"debug record unterminated", nil, append([]byte("NB10"), bytes.Repeat([]byte("p"), 2000)...), ErrFormat, "NB10 debug record"},
		{"plain wide count", nil, patch(build(BuildOptions{Format: FormatPlainWide}, files), 0, 3), ErrFormat, "counts 3 files"},
		{"plain cut", nil, build(BuildOptions{Format: FormatPlain}, files)[:150], ErrFormat, "file record 2 at 0x484 is cut short"},
		{"plain data cut", nil, build(BuildOptions{Format: FormatPlain}, files)[:190], ErrFormat, `"product.msi"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := c.file
			if b == nil {
				b = BuildLauncher(c.over, nil)
			}
			r, err := NewReader(bytes.NewReader(b), int64(len(b)))
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("got %+v, %v; want %v mentioning %q", r, err, c.want, c.msg)
			}
		})
	}
}

// TestReadErrors: damage found only when a file's bytes are read is an
// error naming the file, never short content.
func TestReadErrors(t *testing.T) {
	data := bytes.Repeat([]byte("InstallShield "), 500)
	overlay, _ := Build(BuildOptions{Format: FormatSetupStream}, []BuildFile{{Name: "clam.msi", Data: data, Flags: 6, Compress: true}})
	exe := BuildLauncher(overlay, nil)
	r, err := NewReader(bytes.NewReader(exe), int64(len(exe)))
	if err != nil {
		t.Fatal(err)
	}
	f := r.File[0]
	// A damaged byte in the middle of the compressed stream.
	bad := bytes.Clone(exe)
	bad[f.Offset+f.StoredSize/2] ^= 0x55
	rb, _ := NewReader(bytes.NewReader(bad), int64(len(bad)))
	if _, err := rb.File[0].Measure(); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "clam.msi") {
		t.Errorf("damaged stream: %v", err)
	}
	// An input shorter than the size it was opened with.
	short := bytes.NewReader(exe[:len(exe)-5])
	rs, err := NewReader(short, int64(len(exe)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.File[0].Measure(); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "clam.msi") {
		t.Errorf("short input: %v", err)
	}
	stored, _ := Build(BuildOptions{Format: FormatInstallShield}, []BuildFile{{Name: "a.txt", Data: data}})
	exe = BuildLauncher(stored, nil)
	rs, _ = NewReader(bytes.NewReader(exe[:len(exe)-5]), int64(len(exe)))
	rc, _ := rs.File[0].Open()
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "5 bytes before") {
		t.Errorf("short stored file: %v", err)
	}
}
