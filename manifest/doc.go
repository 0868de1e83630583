// Package manifest reads, writes and builds manifests: a vendor's file
// list (such as the "File information" tables of a Microsoft Knowledge
// Base article) that packages and distribution-point folders are
// verified against.
//
// A manifest has named variants (SP1, SP2, ...), each a list of entries;
// an entry names a file (case-insensitively) and claims some of its
// version, size, date and time (UTC), platform, path and digests. The
// YAML format is described in the README's "Manifests" section (and by
// schema.json, which Schema returns); in short:
//
//	name: KB977203
//	source: https://support.microsoft.com/kb/977203
//	variants:
//	  SP2:
//	    entries:
//	      - name: Ccmgencert.dll
//	        version: 4.0.6487.2111   # a.b.c.d, or n/a
//	        size: 649576
//	        date: "2010-01-25"       # or timestamp: 2010-01-25T06:28Z
//	        time: "06:28"            # UTC
//	        platform: ia64           # x86, x64, ia64 (IA-64, Itanium), n/a
//	        path: bin/ia64/ccmgencert.dll   # optional
//	        sha256: ...              # optional, as is md5
//
// Parsing is strict: an unknown key (a misspelt "verison" would silently
// disable a check), a malformed version, date or digest, or two entries
// with the same name, platform and path is an error carrying its line
// and column, and every such error of an input is reported at once, as
// an ErrorList. schema.json (Schema) is the same format as a JSON Schema,
// for editors.
//
// Builtin gives the manifests compiled in ("kb977203"); ImportKB turns a
// KB table into a manifest; FromDir and FromPackage describe what a
// folder or package holds; Write gives the canonical YAML. For a
// verifier, Variant.Lookup and the Entry matchers (Matches,
// MatchesVersion, MatchesSize, MatchesTime, MatchesSHA256, ...) compare
// observed facts with an entry, and DetectVariant picks the variant the
// observed file versions belong to.
package manifest
