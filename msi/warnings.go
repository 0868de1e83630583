package msi

// Warnings lists, in plain sentences, where the package is not read as it
// stands and the choice made, as Windows Installer would make it or as
// near as an extraction can: directory entries shadowed by another of
// the same name (the one read and the one ignored), directories whose
// parent is set only at install time, uncompressed files whose size is
// not the File table's. Reading more (FileList, ReadFiles) may add to it.
func (p *Package) Warnings() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.warnings...)
}

// note records a choice the package made Windows would have made
// otherwise, or could not: Warnings returns it. A note is kept once
// however often the choice is made (FileList for each layout, say).
func (p *Package) note(msgs ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, m := range msgs {
		if !contains(p.warnings, m) {
			p.warnings = append(p.warnings, m)
		}
	}
}
