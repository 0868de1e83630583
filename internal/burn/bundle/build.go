package bundle

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/msikit/msikit/cab"
	"github.com/msikit/msikit/internal/burn"
)

// BuildPayload is a payload for Build to store.
type BuildPayload struct {
	ID, FilePath string
	Data         []byte
}

// BuildContainer is a container for Build to make.
type BuildContainer struct {
	ID, FilePath string
	// Detached puts the container in a cabinet beside the bundle
	// (Built.Detached) instead of appending it.
	Detached bool
	Payloads []BuildPayload
}

// BuildSpec describes a bundle for Build.
type BuildSpec struct {
	// Namespace is the manifest's namespace: burn.NamespaceV3 when empty.
	Namespace string
	// UX are the bootstrapper application's payloads (u0, u1...).
	UX []BuildPayload
	// Containers are the attached and detached containers, in order; the
	// attached ones get AttachedIndex 1, 2...
	Containers []BuildContainer
	// External are payloads listed in the manifest but not stored.
	External []BuildPayload
	// Packages are the chain's packages, written as given.
	Packages []burn.Package
	// Manifest, when set, is stored as member "0" in place of the
	// manifest Build would write, for tests of damaged manifests.
	Manifest []byte
}

// Built is what Build makes.
type Built struct {
	// Bundle is the bundle file: BuildStub's image, the UX container and
	// the attached containers.
	Bundle []byte
	// Manifest is the manifest stored as member "0".
	Manifest []byte
	// Detached maps the file names of detached containers to their
	// cabinets.
	Detached map[string][]byte
}

// buildTime is the members' modification time: fixed, so that the same
// spec gives the same bytes.
var buildTime = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

// Build makes a bundle as WiX lays one out, for tests that need bundles
// of every shape and damaged ones: an engine stub (burn.BuildStub, which
// has no code), the UX cabinet holding the manifest as member "0" and the
// UX payloads as u0, u1..., then each attached container's cabinet, its
// payloads named a0, a1.... Hashes are SHA-1 for NamespaceV3 and SHA-512
// otherwise, as WiX 3 and WiX 4 write them.
func Build(s BuildSpec) (*Built, error) {
	ns := s.Namespace
	if ns == "" {
		ns = burn.NamespaceV3
	}
	digest := func(b []byte) string {
		if ns == burn.NamespaceV3 {
			h := sha1.Sum(b)
			return strings.ToUpper(hex.EncodeToString(h[:]))
		}
		h := sha512.Sum512(b)
		return strings.ToUpper(hex.EncodeToString(h[:]))
	}
	out := &Built{Detached: map[string][]byte{}}
	var attached [][]byte
	var m bytes.Buffer
	fmt.Fprintf(&m, "\ufeff<?xml version=\"1.0\" encoding=\"utf-8\"?><BurnManifest xmlns=%s>", quote(ns))
	m.WriteString("<UX>")
	var uxMembers []member
	for i, p := range s.UX {
		name := "u" + strconv.Itoa(i)
		uxMembers = append(uxMembers, member{name, p.Data})
		fmt.Fprintf(&m, "<Payload Id=%s FilePath=%s FileSize=\"%d\" Hash=%s Packaging=\"embedded\" SourcePath=%s />",
			quote(p.ID), quote(p.FilePath), len(p.Data), quote(digest(p.Data)), quote(name))
	}
	m.WriteString("</UX>")
	var payloads bytes.Buffer
	for _, c := range s.Containers {
		var members []member
		for i, p := range c.Payloads {
			name := "a" + strconv.Itoa(i)
			members = append(members, member{name, p.Data})
			fmt.Fprintf(&payloads, "<Payload Id=%s FilePath=%s FileSize=\"%d\" Hash=%s Packaging=\"embedded\" SourcePath=%s Container=%s />",
				quote(p.ID), quote(p.FilePath), len(p.Data), quote(digest(p.Data)), quote(name), quote(c.ID))
		}
		cb, err := cabinet(members)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(&m, "<Container Id=%s FileSize=\"%d\" Hash=%s FilePath=%s", quote(c.ID), len(cb), quote(digest(cb)), quote(c.FilePath))
		if c.Detached {
			out.Detached[c.FilePath] = cb
		} else {
			attached = append(attached, cb)
			fmt.Fprintf(&m, " AttachedIndex=\"%d\" Attached=\"yes\"", len(attached))
		}
		m.WriteString(" />")
	}
	m.Write(payloads.Bytes())
	for _, p := range s.External {
		fmt.Fprintf(&m, "<Payload Id=%s FilePath=%s FileSize=\"%d\" Hash=%s Packaging=\"external\" SourcePath=%s />",
			quote(p.ID), quote(p.FilePath), len(p.Data), quote(digest(p.Data)), quote(p.FilePath))
	}
	m.WriteString("<Chain>")
	for _, pk := range s.Packages {
		fmt.Fprintf(&m, "<%s Id=%s", pk.Kind, quote(pk.ID))
		if pk.ProductCode != "" {
			fmt.Fprintf(&m, " ProductCode=%s", quote(pk.ProductCode))
		}
		if pk.Version != "" {
			fmt.Fprintf(&m, " Version=%s", quote(pk.Version))
		}
		m.WriteString(">")
		for _, id := range pk.Payloads {
			fmt.Fprintf(&m, "<PayloadRef Id=%s />", quote(id))
		}
		fmt.Fprintf(&m, "</%s>", pk.Kind)
	}
	m.WriteString("</Chain></BurnManifest>")
	out.Manifest = m.Bytes()
	if s.Manifest != nil {
		out.Manifest = s.Manifest
	}
	ux, err := cabinet(append([]member{{ManifestMember, out.Manifest}}, uxMembers...))
	if err != nil {
		return nil, err
	}
	sizes := []uint32{uint32(len(ux))}
	for _, a := range attached {
		sizes = append(sizes, uint32(len(a)))
	}
	out.Bundle = append(burn.BuildStub(burn.Section{ContainerSizes: sizes}), ux...)
	for _, a := range attached {
		out.Bundle = append(out.Bundle, a...)
	}
	return out, nil
}

type member struct {
	name string
	data []byte
}

// cabinet writes members to a cabinet with our cab writer (MSZIP).
func cabinet(members []member) ([]byte, error) {
	var b bytes.Buffer
	w := cab.NewWriter(&b)
	for _, mb := range members {
		fw, err := w.Create(mb.name, buildTime)
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(mb.data); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// quote returns s as a quoted XML attribute value.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	xml.EscapeText(&b, []byte(s))
	b.WriteByte('"')
	return b.String()
}
