// Package pixelstest makes image files for the tests of image limits.
package pixelstest

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
)

// Bombe is a valid PNG of a few hundred bytes that declares w × h RGBA
// pixels: its header is well formed, its compressed data holds a single
// row. Tests use it to check that nothing decodes an image before its size
// is checked.
func Bombe(w, h int) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(kind string, data []byte) {
		_ = binary.Write(&out, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		out.WriteString(kind)
		crc.Write([]byte(kind))
		out.Write(data)
		crc.Write(data)
		_ = binary.Write(&out, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8 bits per sample, RGBA
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	z := zlib.NewWriter(&idat)
	_, _ = z.Write(make([]byte, 1+4*min(w, 64))) // one filter byte and the start of a row
	_ = z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}
