package lzx

import (
	"bytes"
	"encoding/binary"
)

// e8Tail is how many bytes at the end of a frame are never translated: an
// E8 byte needs its 4 operand bytes inside the frame, and the format leaves
// the last 6 bytes alone besides.
const e8Tail = 10

// translateE8 undoes the encoder's x86 CALL translation on one frame, which
// starts at offset frameOff of the folder ([MS-PATCH] 3.1.1.1). An E8 byte
// is followed by the absolute target the encoder wrote; targets inside
// [-frameOff-i, size) go back to being relative to the call at i. Arithmetic
// is on 32-bit signed integers, as in the reference decoders, so that odd
// translation sizes from hostile input give the same bytes.
func translateE8(frame []byte, frameOff int64, size int32) {
	if len(frame) <= e8Tail {
		return
	}
	limit := len(frame) - e8Tail
	base := int32(frameOff)
	for i := 0; i < limit; {
		j := bytes.IndexByte(frame[i:limit], 0xE8)
		if j < 0 {
			return
		}
		i += j
		cur := base + int32(i)
		abs := int32(binary.LittleEndian.Uint32(frame[i+1:]))
		if abs >= -cur && abs < size {
			var rel int32
			if abs >= 0 {
				rel = abs - cur
			} else {
				rel = abs + size
			}
			binary.LittleEndian.PutUint32(frame[i+1:], uint32(rel))
		}
		i += 5
	}
}
