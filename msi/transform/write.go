package transform

import (
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/msikit/msikit/internal/cfb"
	"github.com/msikit/msikit/msi"
	"github.com/msikit/msikit/msi/internal/streamname"
	"github.com/msikit/msikit/msi/internal/stringpool"
	"github.com/msikit/msikit/msi/internal/tablecodec"
)

// Options are the summary information of a transform to write.
type Options struct {
	// Validation is what the installer checks before applying the
	// transform, and the errors it ignores when it applies it: the
	// summary's Character Count.
	Validation Validation
	// NoSummary writes no summary information stream.
	NoSummary bool
}

// WriteTransform writes the delta as an .mst file: a compound file with
// the transform class ID, holding the transform's string pool, a stream
// per changed table, the data of the binary cells it sets, and summary
// information describing the two databases (see Embed).
func (d *Delta) WriteTransform(w io.Writer, opts Options) error {
	b := cfb.New()
	root := b.Root()
	root.SetCLSID(cfb.MustParseCLSID(msi.CLSIDTransform))
	err := d.writeStreams(opts, func(name string, data []byte) error {
		if err := root.AddStream(streamname.Stored(name), data); err != nil {
			return fmt.Errorf("transform stream %s: %w", quoteName(name), err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	_, err = b.WriteTo(w)
	return err
}

// Embed writes the delta as a transform into the root sub-storage name
// of db, held in memory until db is saved: the way a patch holds its
// transforms. The storage is what WriteTransform writes as a file.
//
// The summary's Template is the old database's
// platform;language, LastSavedBy the new one's, RevisionNumber the
// product codes and versions of both and the upgrade code (from their
// Property tables), Character Count the validation and suppressed-error
// conditions of opts; titles and code page come from the new database.
//
// Streams that are not binary cells, summary information changes and
// tables whose columns changed other than by appending cannot be written
// in a transform: the last is an error (wrapping msi.ErrUnsupported), the
// others are left out.
func (d *Delta) Embed(db *msi.Database, name string, opts Options) error {
	streams := map[string][]byte{}
	err := d.writeStreams(opts, func(name string, data []byte) error {
		streams[name] = data
		return nil
	})
	if err != nil {
		return err
	}
	return db.SetStorage(name, msi.CLSIDTransform, streams)
}

// writeStreams builds the transform's streams and gives each, by its
// decoded name, to add.
func (d *Delta) writeStreams(opts Options, add func(name string, data []byte) error) error {
	for _, c := range d.Tables {
		if c.Err != nil {
			return c.Err
		}
	}
	tw := &transformWriter{d: d, pb: stringpool.NewBuilder(d.NewCodepage), streams: map[string][]wrec{}}
	if err := tw.build(); err != nil {
		return err
	}
	pool, data, err := tw.pb.Encode()
	if err != nil {
		return fmt.Errorf("%w: %v", msi.ErrInvalid, err)
	}
	if err := add(streamStringPool, pool); err != nil {
		return err
	}
	if err := add(streamStringData, data); err != nil {
		return err
	}
	for _, name := range tw.order {
		if err := add(msi.TableMark+name, tw.encode(tw.streams[name])); err != nil {
			return err
		}
	}
	for _, name := range tw.binaries {
		data, err := readStream(d.new, name)
		if err != nil {
			return fmt.Errorf("binary cell stream %s: %w", quoteName(name), err)
		}
		if err := add(name, data); err != nil {
			return err
		}
	}
	if !opts.NoSummary {
		sb, err := d.transformSummary(opts).Bytes()
		if err != nil {
			return err
		}
		if err := add(msi.SummaryStream, sb); err != nil {
			return err
		}
	}
	return nil
}

// wrec is a record to write: its mask, the layout, the full row and the
// columns it stores, in order.
type wrec struct {
	mask  uint16
	cols  []msi.Column
	vals  []msi.Value
	store []int
}

type transformWriter struct {
	d        *Delta
	pb       *stringpool.Builder
	order    []string // table streams, in writing order
	streams  map[string][]wrec
	binaries []string
}

func (tw *transformWriter) emit(table string, r wrec) {
	if _, ok := tw.streams[table]; !ok {
		tw.order = append(tw.order, table)
	}
	// Strings are numbered in order of first use, as Windows does.
	for _, i := range r.store {
		if r.cols[i].Type.IsString() && r.vals[i].Kind == msi.String {
			tw.pb.Ref(r.vals[i].Str)
		}
	}
	tw.streams[table] = append(tw.streams[table], r)
}

func allColumns(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func keyColumns(cols []msi.Column) []int {
	var out []int
	for i, c := range cols {
		if c.Type.Key() {
			out = append(out, i)
		}
	}
	return out
}

func (tw *transformWriter) insert(table string, cols []msi.Column, vals []msi.Value) {
	tw.emit(table, wrec{mask: uint16(len(cols))<<8 | tablecodec.MaskInsert, cols: cols, vals: vals, store: allColumns(len(cols))})
	for i, c := range cols {
		if c.Type.IsBinary() && vals[i].Kind == msi.Stream {
			tw.binaries = append(tw.binaries, vals[i].Str)
		}
	}
}

func (tw *transformWriter) build() error {
	d := tw.d
	// The catalog first: tables added and dropped, then columns added.
	for _, c := range d.Tables {
		switch {
		case c.Added:
			tw.emit(tablesTable, wrec{mask: 1<<8 | tablecodec.MaskInsert, cols: tablesColumns, vals: []msi.Value{msi.StringValue(c.Table)}, store: []int{0}})
		case c.Dropped:
			tw.emit(tablesTable, wrec{mask: 0, cols: tablesColumns, vals: []msi.Value{msi.StringValue(c.Table)}, store: []int{0}})
		}
	}
	for _, c := range d.Tables {
		if c.Dropped {
			continue
		}
		for _, col := range c.NewColumns {
			// Windows leaves the number null: the reader numbers added
			// columns after the existing ones.
			vals := []msi.Value{msi.StringValue(c.Table), {}, msi.StringValue(col.Name), msi.IntValue(int32(int16(col.Type)))}
			tw.emit(columnsTable, wrec{mask: 4<<8 | tablecodec.MaskInsert, cols: transformColumnsColumns, vals: vals, store: []int{0, 1, 2, 3}})
		}
	}
	for _, c := range d.Tables {
		if c.Dropped {
			continue
		}
		if len(c.Columns) > maxColumns {
			return fmt.Errorf("%w: table %s has %d columns", msi.ErrUnsupported, c.Table, len(c.Columns))
		}
		newTable := lookupTable(d.new, c.Table)
		if newTable == nil {
			return fmt.Errorf("%w: table %s is not in the new database", msi.ErrInvalid, c.Table)
		}
		rows := map[string][]msi.Value{}
		for _, r := range newTable.Rows {
			rows[keyString(keyOf(newTable.Columns, r.Values))] = r.Values
		}
		keys := keyColumns(c.Columns)
		for _, rc := range c.Deleted {
			tw.emit(c.Table, wrec{mask: 0, cols: c.Columns, vals: keyValues(c.Columns, rc), store: keys})
		}
		for _, rc := range c.Inserted {
			tw.insert(c.Table, c.Columns, rows[keyString(rc.Key)])
		}
		for _, rc := range c.Updated {
			full := rows[keyString(rc.Key)]
			if full == nil {
				return fmt.Errorf("%w: table %s: updated row %s is not in the new database", msi.ErrInvalid, c.Table, rc.KeyText())
			}
			var mask uint16
			store := append([]int(nil), keys...)
			fits := c.Columns[0].Type.Key()
			for _, name := range rc.Columns {
				i := indexOf(c.Columns, name)
				if i < 0 || c.Columns[i].Type.Key() {
					continue
				}
				if i >= maskUpdateColumns {
					fits = false
					break
				}
				mask |= 1 << i
				store = append(store, i)
				if c.Columns[i].Type.IsBinary() && full[i].Kind == msi.Stream {
					tw.binaries = append(tw.binaries, full[i].Str)
				}
			}
			if !fits {
				// A 16-bit mask cannot name the column (or the first column
				// is no key, so bit 0 would read as an insert): delete the
				// row and insert it whole.
				tw.emit(c.Table, wrec{mask: 0, cols: c.Columns, vals: full, store: keys})
				tw.insert(c.Table, c.Columns, full)
				continue
			}
			if mask == 0 {
				continue // only key columns named: nothing to change
			}
			sort.Ints(store)
			tw.emit(c.Table, wrec{mask: mask, cols: c.Columns, vals: full, store: store})
		}
	}
	sort.Strings(tw.binaries)
	tw.binaries = slices.Compact(tw.binaries)
	return nil
}

func indexOf(cols []msi.Column, name string) int {
	for i, c := range cols {
		if c.Name == name {
			return i
		}
	}
	return -1
}

// keyValues rebuilds a full-width row holding a deleted row's key: Diff
// gives the whole old row, whose key columns lead as in the new layout.
func keyValues(cols []msi.Column, rc RowChange) []msi.Value {
	vals := make([]msi.Value, len(cols))
	k := 0
	for i, c := range cols {
		if !c.Type.Key() {
			continue
		}
		if i < len(rc.Old) {
			vals[i] = rc.Old[i]
		} else if k < len(rc.Key) {
			vals[i] = textValue(c, rc.Key[k])
		}
		k++
	}
	return vals
}

// textValue turns a key's text back into a cell of the column's type.
func textValue(c msi.Column, s string) msi.Value {
	if s == "" {
		return msi.Value{}
	}
	if c.Type.IsInteger() {
		var n int64
		fmt.Sscan(s, &n)
		return msi.IntValue(int32(n))
	}
	return msi.StringValue(s)
}

// encode writes records row by row: the mask, then each stored cell.
func (tw *transformWriter) encode(recs []wrec) []byte {
	refSize := tw.pb.RefSize()
	var out []byte
	for _, r := range recs {
		types := make([]tablecodec.Type, len(r.cols))
		for i, c := range r.cols {
			types[i] = tablecodec.Type(c.Type)
		}
		cells := make([]tablecodec.Cell, len(r.vals))
		for i, v := range r.vals {
			cells[i] = cellOf(v)
		}
		out = tablecodec.AppendRecord(out, r.mask, types, cells, r.store, tw.pb.ID, refSize)
	}
	return out
}

// transformSummary describes the transform as MsiCreateTransformSummaryInfo
// does: the base and the new package's platform, language, product codes
// and versions, and the conditions.
func (d *Delta) transformSummary(opts Options) *msi.SummaryInfo {
	s := &msi.SummaryInfo{Title: "Transform", Security: 4}
	if ns := d.new.Summary; ns != nil {
		s.Codepage = ns.Codepage
		s.Subject, s.Author, s.Keywords, s.Comments = ns.Subject, ns.Author, ns.Keywords, ns.Comments
		s.LastSavedBy = ns.Template
		s.PageCount = ns.PageCount
	}
	if os := d.old.Summary; os != nil {
		s.Template = os.Template
		s.PageCount = max(s.PageCount, os.PageCount)
	}
	prop := func(db *msi.Database, name string) string {
		if t := lookupTable(db, "Property"); t != nil {
			if r, ok := t.Lookup(name); ok {
				return r.String("Value")
			}
		}
		return ""
	}
	s.RevisionNumber = prop(d.old, "ProductCode") + prop(d.old, "ProductVersion") + ";" +
		prop(d.new, "ProductCode") + prop(d.new, "ProductVersion") + ";" + prop(d.old, "UpgradeCode")
	s.CharCount = opts.Validation.CharCount()
	s.Include(msi.PIDCharCount)
	s.Include(msi.PIDTemplate)
	s.Include(msi.PIDLastSavedBy)
	return s
}
