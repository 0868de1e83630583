package verify

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/msikit/msikit/internal/capbuf"
	"hash"
	"io"
	"strconv"
	"strings"

	"github.com/msikit/msikit/internal/pever"
	"github.com/msikit/msikit/manifest"
)

// maxPEBuffer bounds the bytes of one streamed file (a member of a
// package or cabinet, which has no io.ReaderAt) held in memory to read its
// PE headers, version resource and checksum.
const maxPEBuffer = 64 << 20

// folderPlatforms are the folder names that say which platform the PE
// images under them are built for. Fewer than manifest.ParsePlatform
// reads: "intel" or "none" as a folder name says nothing.
var folderPlatforms = map[string]string{
	"i386": manifest.PlatformX86, "x86": manifest.PlatformX86,
	"x64": manifest.PlatformX64, "amd64": manifest.PlatformX64,
	"ia64":  manifest.PlatformIA64,
	"arm64": manifest.PlatformARM64,
}

// folderPlatform is the platform the nearest folder of a slash-separated
// path is named after, or "".
func folderPlatform(p string) string {
	parts := strings.Split(p, "/")
	for i := len(parts) - 2; i >= 0; i-- {
		if pl, ok := folderPlatforms[strings.ToLower(parts[i])]; ok {
			return pl
		}
	}
	return ""
}

// observeStream reads a file's bytes once from r: size and digests, and
// for a PE image (held in memory up to maxPEBuffer) what readPE finds.
func observeStream(f *File, r io.Reader, sha bool) error {
	m := md5.New()
	var s hash.Hash
	sinks := []io.Writer{m}
	if sha {
		s = sha256.New()
		sinks = append(sinks, s)
	}
	var head [2]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	isPE := n == 2 && string(head[:]) == "MZ"
	var buf *capbuf.Buffer
	if isPE {
		buf = capbuf.New(maxPEBuffer)
		sinks = append(sinks, buf)
	}
	w := io.MultiWriter(sinks...)
	w.Write(head[:n])
	copied, err := io.Copy(w, r)
	if err != nil {
		return err
	}
	f.Size = int64(n) + copied
	f.MD5 = hex.EncodeToString(m.Sum(nil))
	if sha {
		f.SHA256 = hex.EncodeToString(s.Sum(nil))
	}
	switch {
	case !isPE:
		f.Version, f.Platform = manifest.NA, manifest.NA
	case buf.Over():
		f.VersionError = fmt.Sprintf("a PE image of %d bytes is larger than the %d MiB read in memory", f.Size, maxPEBuffer>>20)
	default:
		readPE(f, bytes.NewReader(buf.Bytes()), f.Size)
	}
	return nil
}

// observeReaderAt reads a loose file: digests by streaming it, PE facts
// from r directly, so a PE image of any size is read.
func observeReaderAt(f *File, r io.ReaderAt, size int64, sha bool) error {
	m := md5.New()
	var s hash.Hash
	var w io.Writer = m
	if sha {
		s = sha256.New()
		w = io.MultiWriter(m, s)
	}
	n, err := io.Copy(w, io.NewSectionReader(r, 0, size))
	if err != nil {
		return err
	}
	f.Size = n
	f.MD5 = hex.EncodeToString(m.Sum(nil))
	if sha {
		f.SHA256 = hex.EncodeToString(s.Sum(nil))
	}
	var head [2]byte
	if _, err := r.ReadAt(head[:], 0); err != nil || string(head[:]) != "MZ" {
		f.Version, f.Platform = manifest.NA, manifest.NA
		return nil
	}
	readPE(f, r, size)
	return nil
}

// readPE fills in the PE facts of a file that starts with "MZ": machine,
// platform, file version, and the problems of an image that contradicts
// itself (a FileVersion string that is not the fixed version, a checksum
// that is not the bytes').
func readPE(f *File, r io.ReaderAt, size int64) {
	pf, err := pever.NewFile(r, size)
	if err != nil {
		// An MZ file without readable PE headers: a damaged image, or a
		// DOS program. Neither its platform nor its version is known.
		f.VersionError = err.Error()
		return
	}
	f.Machine = uint16(pf.Machine)
	if p, err := manifest.ParsePlatform(pf.Machine.Platform()); err == nil {
		f.Platform = p
	} else {
		f.Platform = pf.Machine.String()
	}
	vi, err := pf.VersionInfo()
	switch {
	case errors.Is(err, pever.ErrNoVersion):
		f.Version = manifest.NA
	case err != nil:
		f.VersionError = err.Error()
	default:
		for _, t := range vi.Translations {
			f.languages = appendLang(f.languages, t.Language)
		}
		f.languages = appendLang(f.languages, vi.Language)
		if fv, err := vi.FileVersion(); err == nil {
			f.Version = fv.String()
		} else {
			f.Version = manifest.NA
		}
		if s, ok := vi.Lookup("FileVersion"); ok && f.Version != manifest.NA {
			if sv, ok := leadingVersion(s); ok && sv != f.Version {
				f.Problems = append(f.Problems, Mismatch{Field: FieldVersion, Expected: f.Version, Found: s,
					Message: fmt.Sprintf("the version resource contradicts itself: FileVersion string %q, VS_FIXEDFILEINFO %s", s, f.Version)})
			}
		}
	}
	if pf.CheckSum != 0 {
		sum, err := pf.ComputeChecksum()
		if err == nil && sum != pf.CheckSum {
			f.Problems = append(f.Problems, Mismatch{Field: FieldChecksum,
				Expected: fmt.Sprintf("%#08x", pf.CheckSum), Found: fmt.Sprintf("%#08x", sum),
				Message: fmt.Sprintf("PE checksum %#08x in the header, %#08x of the bytes: the image was changed after it was built", pf.CheckSum, sum)})
		}
	}
}

// leadingVersion reads the a.b.c.d a FileVersion string starts with
// ("4.00.6487.2111", "6.1.7600.16385 (win7_rtm.090713-1255)"), without
// leading zeros; ok is false for strings of another form, which say
// nothing checkable.
func leadingVersion(s string) (string, bool) {
	s, _, _ = strings.Cut(s, "(")
	// "4, 0, 6487, 2111" is an old spelling of the same.
	s = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), ",", ".")
	end := 0
	for end < len(s) && (s[end] == '.' || s[end] >= '0' && s[end] <= '9') {
		end++
	}
	n, err := manifest.ParseVersion(s[:end])
	if err != nil || n == manifest.NA {
		return "", false
	}
	return n, true
}

func appendLang(l []uint16, lang uint16) []uint16 {
	for _, x := range l {
		if x == lang {
			return l
		}
	}
	return append(l, lang)
}

// languageMismatch says how a File table Language (decimal LANGIDs,
// comma-separated) disagrees with the languages of the version resource,
// or "". A neutral language (0) on either side, or a side that gives
// none, agrees with anything: the column is a hint for patching and
// language-neutral files are common.
func languageMismatch(table string, langs []uint16) string {
	if strings.TrimSpace(table) == "" || len(langs) == 0 {
		return ""
	}
	for _, l := range langs {
		if l == 0 {
			return ""
		}
	}
	for _, s := range strings.Split(table, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 16)
		if err != nil {
			return fmt.Sprintf("%q is not a list of language IDs", table)
		}
		if n == 0 {
			return ""
		}
		for _, l := range langs {
			if uint16(n) == l {
				return ""
			}
		}
	}
	return fmt.Sprintf("%s, the version resource is for %s", table, joinLangs(langs))
}

func joinLangs(langs []uint16) string {
	s := make([]string, len(langs))
	for i, l := range langs {
		s[i] = strconv.Itoa(int(l))
	}
	return strings.Join(s, ",")
}
