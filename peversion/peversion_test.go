package peversion

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/msikit/msikit/internal/pever"
)

func TestRead(t *testing.T) {
	for _, c := range []struct {
		m    pever.Machine
		want string
	}{{pever.MachineI386, "x86"}, {pever.MachineAMD64, "x64"}, {pever.MachineIA64, "ia64"}} {
		b, err := pever.Build(pever.Options{Machine: c.m, FileVersion: pever.Version{Major: 1, Minor: 2, Build: 3, Revision: 4}, Size: 8192})
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "x.exe")
		os.WriteFile(p, b, 0o644)
		in, err := ReadFile(p)
		if err != nil || in.Platform != c.want || in.FileVersion != "1.2.3.4" || in.DLL {
			t.Errorf("%v: %+v, %v", c.m, in, err)
		}
	}
	if _, err := Read(bytes.NewReader([]byte("MZ not a PE")), 11); !errors.Is(err, ErrFormat) {
		t.Errorf("not a PE: %v", err)
	}
}
