package pever

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

// checkRoundTrip re-encodes decoded version information and requires the
// encoding to decode to the same thing.
func checkRoundTrip(t *testing.T, vi *VersionInfo) {
	out, err := vi.MarshalBinary()
	if err != nil {
		if !errors.Is(err, ErrBuild) {
			t.Fatalf("re-encoding: error %v wraps no sentinel", err)
		}
		return
	}
	back, err := ParseVersionInfo(out)
	if err != nil {
		t.Fatalf("cannot read our own encoding: %v", err)
	}
	back.Language = vi.Language
	if !reflect.DeepEqual(back, vi) {
		t.Fatalf("round trip changed the version info:\n%+v\n%+v", vi, back)
	}
}

func FuzzRead(f *testing.F) {
	tiny, err := Build(Options{Machine: MachineI386, FileVersion: Version{1, 2, 3, 4}, CompanyName: "C"})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(tiny)
	f.Add(tiny[:tinyRsrc+40])
	loop := bytes.Clone(tiny)
	put32(loop, tinyRsrc+68, 0x80000000)
	f.Add(loop)
	ia64, err := Build(Options{Machine: MachineIA64, DLL: true, FileVersion: Version{4, 0, 6487, 2111}, Size: 9000})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ia64)
	f.Fuzz(func(t *testing.T, b []byte) {
		pf, err := NewFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("NewFile: error %v does not wrap ErrFormat", err)
			}
			return
		}
		if _, err := pf.Resources(); err != nil && !errors.Is(err, ErrFormat) {
			t.Fatalf("Resources: error %v does not wrap ErrFormat", err)
		}
		if _, err := pf.ComputeChecksum(); err != nil {
			t.Fatalf("checksum of an image that opened: %v", err)
		}
		vi, err := pf.VersionInfo()
		if err != nil {
			if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrNoVersion) {
				t.Fatalf("VersionInfo: error %v wraps no sentinel", err)
			}
			return
		}
		checkRoundTrip(t, vi)
	})
}

func FuzzParseVersionInfo(f *testing.F) {
	vi, err := buildVersionInfo(&Options{FileVersion: Version{4, 0, 6487, 2111}, CompanyName: "Microsoft Corporation", OriginalFilename: "CCMCertFix.exe"})
	if err != nil {
		f.Fatal(err)
	}
	good, err := vi.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:100])
	f.Fuzz(func(t *testing.T, b []byte) {
		vi, err := ParseVersionInfo(b)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		checkRoundTrip(t, vi)
	})
}
