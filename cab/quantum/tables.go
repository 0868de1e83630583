package quantum

// Match offsets and the lengths of selector-6 matches are sent as a slot
// number from an adaptive model followed by that slot's extra bits, read raw
// from the bit stream.

const (
	// frameSize is the output size of one Quantum frame, after which the
	// arithmetic coder restarts on a byte boundary. A cabinet stores one
	// frame per CFDATA block.
	frameSize = 32768

	minWindowBits = 10
	maxWindowBits = 21

	// numLengthSlots is the size of the selector-6 match length model.
	numLengthSlots = 27
	// maxMatch is the longest match: the last length slot, 254, plus 5.
	maxMatch = 259
)

// positionBase and positionExtra describe the 42 offset slots: slots 0-3
// stand for themselves, then each pair of slots doubles the span. A window of
// 2^n bytes uses slots 0..2n-1, whose largest offset is exactly 2^n.
var positionBase, positionExtra = func() (base, extra [2 * maxWindowBits]uint32) {
	for s := range base {
		if s >= 4 {
			extra[s] = uint32(s/2 - 1)
		}
		if s > 0 {
			base[s] = base[s-1] + 1<<extra[s-1]
		}
	}
	return
}()

// lengthBase and lengthExtra describe the selector-6 length slots: six
// single lengths, four slots each of 1 to 5 extra bits, and a final slot for
// the longest match alone.
var lengthBase, lengthExtra = func() (base, extra [numLengthSlots]uint32) {
	for s := range base {
		if s >= 6 && s < numLengthSlots-1 {
			extra[s] = uint32((s-6)/4 + 1)
		}
		if s > 0 {
			base[s] = base[s-1] + 1<<extra[s-1]
		}
	}
	return
}()
