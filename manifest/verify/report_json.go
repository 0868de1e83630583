package verify

import (
	"encoding/json"
	"io"
	"time"

	"github.com/msikit/msikit/manifest"
)

// The JSON report's shape, documented in the README ("msikit verify
// reports", JSON). Field names are
// part of the interface: add fields, never rename or remove them.
type (
	jsonReport struct {
		Manifest string       `json:"manifest"`
		OK       bool         `json:"ok"`
		Sources  []jsonSource `json:"sources"`
	}
	jsonSource struct {
		Source   string          `json:"source"`
		Kind     string          `json:"kind"`
		Variant  string          `json:"variant"`
		Detected bool            `json:"detected"`
		Scores   []jsonScore     `json:"scores,omitempty"`
		OK       bool            `json:"ok"`
		Summary  jsonSummary     `json:"summary"`
		Entries  []jsonResult    `json:"entries"`
		Extra    []jsonExtraFile `json:"extra"`
		Notes    []string        `json:"notes"`
		// Signatures is there when they were checked (verify --signatures).
		Signatures []jsonSignature `json:"signatures,omitempty"`
	}
	jsonSignature struct {
		Path     string `json:"path"`
		Signed   bool   `json:"signed"`
		Matches  bool   `json:"matches"`
		Trusted  bool   `json:"trusted"`
		OK       bool   `json:"ok"`
		Required bool   `json:"required"`
		Fails    bool   `json:"fails"`
		Detail   string `json:"detail,omitempty"`
		Error    string `json:"error,omitempty"`
	}
	jsonScore struct {
		Variant string `json:"variant"`
		Exact   int    `json:"exact"`
		Build   int    `json:"build"`
	}
	jsonSummary struct {
		Entries    int  `json:"entries"`
		OK         int  `json:"ok"`
		Failed     int  `json:"failed"`
		Missing    int  `json:"missing"`
		Extra      int  `json:"extra"`
		ExtraFails bool `json:"extra_fails"`
		NotApplied int  `json:"not_applied"`
	}
	jsonResult struct {
		Entry      manifest.Entry `json:"entry"` // as the manifest's JSON writes it
		Status     Status         `json:"status"`
		File       *jsonFile      `json:"file"`
		Mismatches []jsonMismatch `json:"mismatches"`
	}

	jsonFile struct {
		Path      string   `json:"path"`
		Container string   `json:"container,omitempty"`
		Size      int64    `json:"size"`
		Modified  string   `json:"modified,omitempty"`
		Version   string   `json:"version"`
		Platform  string   `json:"platform"`
		MD5       string   `json:"md5,omitempty"`
		SHA256    string   `json:"sha256,omitempty"`
		CRC32     string   `json:"crc32,omitempty"`
		FileTable *jsonRow `json:"file_table,omitempty"`
	}
	jsonRow struct {
		Key      string `json:"key"`
		Size     int64  `json:"size"`
		Version  string `json:"version"`
		Language string `json:"language"`
		Hash     string `json:"hash,omitempty"`
	}
	jsonExtraFile struct {
		File       jsonFile       `json:"file"`
		Mismatches []jsonMismatch `json:"mismatches"`
	}
	jsonMismatch struct {
		Field    string `json:"field"`
		Column   string `json:"column,omitempty"`
		Expected string `json:"expected"`
		Found    string `json:"found"`
		Message  string `json:"message"`
	}
)

// WriteJSON writes the reports as one JSON document; the README ("msikit
// verify reports", JSON) describes its shape.
func WriteJSON(w io.Writer, reports []*Report) error {
	doc := jsonReport{OK: true, Sources: []jsonSource{}}
	for _, r := range reports {
		if doc.Manifest == "" {
			doc.Manifest = r.Manifest
		}
		s := r.Summary()
		src := jsonSource{Source: r.Source, Kind: r.Kind, Variant: r.Variant, Detected: r.Detected, OK: r.OK(),
			Summary: jsonSummary{Entries: s.Entries, OK: s.OK, Failed: s.Failed, Missing: s.Missing, Extra: s.Extra, ExtraFails: !r.AllowExtra, NotApplied: s.NotApplied},
			Entries: []jsonResult{}, Extra: []jsonExtraFile{}, Notes: append([]string{}, r.Notes...)}
		doc.OK = doc.OK && src.OK
		for _, sc := range r.Scores {
			src.Scores = append(src.Scores, jsonScore{sc.Variant, sc.Exact, sc.Build})
		}
		for _, res := range r.Results {
			jr := jsonResult{Entry: res.Entry, Status: res.Status, Mismatches: mismatchesJSON(res.Mismatches)}
			if res.File != nil {
				f := fileJSON(res.File)
				jr.File = &f
			}
			src.Entries = append(src.Entries, jr)
		}
		for _, f := range r.Extra {
			src.Extra = append(src.Extra, jsonExtraFile{File: fileJSON(f), Mismatches: mismatchesJSON(r.ExtraMismatches(f))})
		}
		for _, sig := range r.Signatures {
			src.Signatures = append(src.Signatures, jsonSignature{Path: sig.Path, Signed: sig.Signed, Matches: sig.Matches, Trusted: sig.Trusted,
				OK: sig.OK, Required: sig.Required, Fails: sig.Fails(), Detail: sig.Detail, Error: sig.Err})
		}
		doc.Sources = append(doc.Sources, src)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func fileJSON(f *File) jsonFile {
	j := jsonFile{Path: f.Path, Container: f.Container, Size: f.Size, Version: f.Version, Platform: f.Platform, MD5: f.MD5, SHA256: f.SHA256, CRC32: f.CRC32}
	if !f.Modified.IsZero() {
		j.Modified = f.Modified.UTC().Format(time.RFC3339)
	}
	if f.Row != nil {
		j.FileTable = &jsonRow{Key: f.Row.Key, Size: f.Row.Size, Version: f.Row.Version, Language: f.Row.Language, Hash: f.Row.Hash}
	}
	return j
}

func mismatchesJSON(ms []Mismatch) []jsonMismatch {
	out := make([]jsonMismatch, len(ms))
	for i, m := range ms {
		out[i] = jsonMismatch(m)
	}
	return out
}
