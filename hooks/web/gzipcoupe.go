package web

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"sync"
)

// A cached page holding a value new at every showing (the form's signed
// token) is kept compressed around it: the parts between the placeholders
// are compressed once, each ending on a byte boundary (a deflate sync
// flush), and each copy sent puts its own value in between as a stored
// (uncompressed) deflate block. The copy is one valid gzip member: only the
// checksum and the length of the whole are computed per showing, instead
// of compressing the page again.

type pageTrouee struct {
	parts      [][]byte // the page between the placeholders
	compresses [][]byte // each part deflated; the last one ends the stream
}

// deflaters are reused: each holds hundreds of kilobytes of state, and a
// rush of registrations empties the page cache at every one.
var deflaters sync.Pool

func newPageTrouee(body []byte, placeholder string) (*pageTrouee, error) {
	p := &pageTrouee{parts: bytes.Split(body, []byte(placeholder))}
	w, _ := deflaters.Get().(*flate.Writer)
	if w == nil {
		var err error
		if w, err = flate.NewWriter(nil, flate.BestSpeed); err != nil {
			return nil, err
		}
	}
	defer deflaters.Put(w)
	for i, part := range p.parts {
		var buf bytes.Buffer
		buf.Grow(len(part)/3 + 64)
		w.Reset(&buf)
		var err error
		if _, err = w.Write(part); err != nil {
			return nil, err
		}
		if i == len(p.parts)-1 {
			err = w.Close()
		} else {
			err = w.Flush()
		}
		if err != nil {
			return nil, fmt.Errorf("compress page part: %w", err)
		}
		p.compresses = append(p.compresses, buf.Bytes())
	}
	return p, nil
}

// plain is the page with value in every hole.
func (p *pageTrouee) plain(value string) []byte {
	n := len(value) * (len(p.parts) - 1)
	for _, part := range p.parts {
		n += len(part)
	}
	out := make([]byte, 0, n)
	for i, part := range p.parts {
		if i > 0 {
			out = append(out, value...)
		}
		out = append(out, part...)
	}
	return out
}

// gzipHeader: no name, no time, unknown OS (RFC 1952).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// gzipped is the compressed page with value in every hole. A stored block
// holds at most 65,535 bytes: a longer value is refused (a token is a
// hundred bytes).
func (p *pageTrouee) gzipped(value string) ([]byte, error) {
	if len(value) > 0xffff {
		return nil, fmt.Errorf("value of %d bytes too long for a stored block", len(value))
	}
	n := len(gzipHeader) + 8
	for _, c := range p.compresses {
		n += len(c) + 5 + len(value)
	}
	out := make([]byte, 0, n)
	out = append(out, gzipHeader...)
	crc, size := uint32(0), 0
	for i, c := range p.compresses {
		if i > 0 {
			// BFINAL 0, BTYPE 00, then LEN and its complement, little-endian.
			out = append(out, 0)
			out = binary.LittleEndian.AppendUint16(out, uint16(len(value)))
			out = binary.LittleEndian.AppendUint16(out, ^uint16(len(value)))
			out = append(out, value...)
			crc = crc32.Update(crc, crc32.IEEETable, []byte(value))
			size += len(value)
		}
		out = append(out, c...)
		crc = crc32.Update(crc, crc32.IEEETable, p.parts[i])
		size += len(p.parts[i])
	}
	out = binary.LittleEndian.AppendUint32(out, crc)
	out = binary.LittleEndian.AppendUint32(out, uint32(size))
	return out, nil
}
