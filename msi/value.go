package msi

import "strconv"

// ValueKind tells what a Value holds.
type ValueKind uint8

// Value kinds.
const (
	Null    ValueKind = iota
	Integer           // an integer cell
	String            // a string cell
	Stream            // a binary cell: the name of the stream holding its data
)

// Value is one table cell.
type Value struct {
	Kind ValueKind
	Int  int32  // for Integer
	Str  string // for String, and the stream name for Stream
}

// IsNull reports a null cell.
func (v Value) IsNull() bool { return v.Kind == Null }

// String is the cell as text: decimal for integers, the string, the
// stream name, or "" for null. It is what an .idt export writes, before
// escaping.
func (v Value) String() string {
	switch v.Kind {
	case Integer:
		return strconv.FormatInt(int64(v.Int), 10)
	case String, Stream:
		return v.Str
	}
	return ""
}

// IntValue makes an integer cell.
func IntValue(i int32) Value { return Value{Kind: Integer, Int: i} }

// StringValue makes a string cell; the empty string is null, as in the
// database.
func StringValue(s string) Value {
	if s == "" {
		return Value{}
	}
	return Value{Kind: String, Str: s}
}
