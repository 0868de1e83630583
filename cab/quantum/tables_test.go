package quantum

import "testing"

// The slot tables are computed; pin them to the published values so that a
// change in the generator cannot go unnoticed.
func TestSlotTables(t *testing.T) {
	wantPos := []uint32{0, 1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192,
		256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288,
		16384, 24576, 32768, 49152, 65536, 98304, 131072, 196608, 262144,
		393216, 524288, 786432, 1048576, 1572864}
	wantPosExtra := []uint32{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
		8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15, 16, 16, 17,
		17, 18, 18, 19, 19}
	wantLen := []uint32{0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 18, 22, 26, 30, 38,
		46, 54, 62, 78, 94, 110, 126, 158, 190, 222, 254}
	wantLenExtra := []uint32{0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
		4, 4, 4, 4, 5, 5, 5, 5, 0}
	for i := range wantPos {
		if positionBase[i] != wantPos[i] || positionExtra[i] != wantPosExtra[i] {
			t.Errorf("position slot %d = %d+%d bits, want %d+%d bits", i,
				positionBase[i], positionExtra[i], wantPos[i], wantPosExtra[i])
		}
	}
	for i := range wantLen {
		if lengthBase[i] != wantLen[i] || lengthExtra[i] != wantLenExtra[i] {
			t.Errorf("length slot %d = %d+%d bits, want %d+%d bits", i,
				lengthBase[i], lengthExtra[i], wantLen[i], wantLenExtra[i])
		}
	}
	for bits := minWindowBits; bits <= maxWindowBits; bits++ {
		last := 2*bits - 1
		if got := positionBase[last] + 1<<positionExtra[last]; got != 1<<bits {
			t.Errorf("window %d: largest offset %d, want %d", bits, got, 1<<bits)
		}
	}
	if got := lengthBase[numLengthSlots-1] + 5; got != maxMatch {
		t.Errorf("longest match %d, want %d", got, maxMatch)
	}
}
