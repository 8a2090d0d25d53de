package query

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// A decompressor turns one compressed input into its bytes, reusing its
// decoders and its output buffer from file to file: decompression is part
// of the timed work.
type decompressor struct {
	src  sliceReader
	gz   *gzip.Reader
	zstd *zstd.Decoder
	buf  []byte
}

// MaxDecompressed is the most bytes one compressed input may decompress
// to: an input that decompresses to more is a bad file ("decompresses to
// more than 1 GiB"), not a worker that runs out of memory. A compression
// bomb is a bad input like any other (docs/query.md, "Which files are
// inputs").
const MaxDecompressed = 1 << 30

// maxDecompressed is MaxDecompressed; tests lower it.
var maxDecompressed = MaxDecompressed

// errTooLarge is the reason of an input that decompresses to more than
// maxDecompressed.
func errTooLarge() error {
	return fmt.Errorf("decompresses to more than %s (benchgrid's limit for one input)", sizeText(maxDecompressed))
}

func sizeText(n int) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// decompressors pools the decompressors of every tally, each with its
// decoders and output buffer.
var decompressors = sync.Pool{New: func() any { return new(decompressor) }}

// keepBuffer is the largest output buffer a pooled decompressor keeps:
// a larger one, grown for one large input, is dropped after it.
const keepBuffer = 64 << 20

func getDecompressor() *decompressor { return decompressors.Get().(*decompressor) }

// putDecompressor returns d to the pool once its output is no longer used.
func putDecompressor(d *decompressor) {
	if cap(d.buf) > keepBuffer {
		d.buf = nil
	}
	d.src.reset(nil)
	decompressors.Put(d)
}

// errNoStream is the reason of a compressed input of zero bytes: a gzip
// file is one or more members (RFC 1952), a Zstandard stream one or more
// frames (RFC 8878), and an empty file has none.
var errNoStream = errors.New("empty: no gzip member or zstd frame")

// decompress returns data's decompressed bytes, valid until the next call.
// The error is the file's reason to be bad.
func (d *decompressor) decompress(c compression, data []byte) ([]byte, error) {
	if c != plain && len(data) == 0 {
		return nil, errNoStream
	}
	switch c {
	case gzipped:
		out, err := d.gunzip(data)
		if err != nil {
			return nil, gzipError(err)
		}
		return out, nil
	case zstded:
		out, err := d.unzstd(data)
		if err != nil {
			return nil, zstdError(err)
		}
		return out, nil
	}
	return data, nil
}

// gunzip reads every member of a gzip stream, one after another. The
// reader's multistream mode reads a member's header after each member's
// trailer: exactly the end of the input ends the stream, and bytes that
// do not form a member's header (garbage, zero padding, a truncated
// header) are an error.
func (d *decompressor) gunzip(data []byte) ([]byte, error) {
	d.src.reset(data)
	if d.gz == nil {
		d.gz = new(gzip.Reader)
	}
	if err := d.gz.Reset(&d.src); err != nil {
		return nil, err
	}
	d.gz.Multistream(true)
	buf := d.buf[:0]
	if want := int(binary.LittleEndian.Uint32(data[len(data)-min(len(data), 4):])); cap(buf) < want && want <= 16<<20 {
		// The last member's ISIZE is a good first guess at the size.
		buf = make([]byte, 0, want+512)
	}
	for {
		if len(buf) > maxDecompressed {
			d.buf = buf[:0]
			return nil, errTooLarge()
		}
		if len(buf) == cap(buf) {
			// Double, but never past the limit and a byte: a bomb stops
			// at it instead of at twice it.
			grow := min(max(cap(buf), 16<<10), maxDecompressed+1-len(buf))
			buf = append(buf, make([]byte, grow)...)[:len(buf)]
		}
		n, err := d.gz.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			d.buf = buf[:0]
			return nil, err
		}
	}
	d.buf = buf[:0]
	return buf, nil
}

// gzipError names a decompression failure for reasons: a flate error's
// offset is left out, so that like failures count as one reason.
func gzipError(err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.As(err, &corrupt):
		return errors.New("gzip: corrupt deflate data")
	case strings.HasPrefix(err.Error(), "decompresses to more than"):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return errors.New("gzip: truncated, or bytes after the last member that are not a whole member")
	case strings.HasPrefix(err.Error(), "gzip: "):
		return err
	}
	return fmt.Errorf("gzip: %w", err)
}

func zstdError(err error) error {
	if errors.Is(err, zstd.ErrDecoderSizeExceeded) {
		return errTooLarge()
	}
	if strings.HasPrefix(err.Error(), "zstd: ") || strings.HasPrefix(err.Error(), "decompresses to more than") {
		return err
	}
	return fmt.Errorf("zstd: %w", err)
}

// The magic numbers of Zstandard frames (RFC 8878, 3.1.1 and 3.1.2).
const (
	zstdMagic          = 0xFD2FB528
	zstdSkippableMagic = 0x184D2A50 // the low 4 bits are free
)

// unzstd decodes every frame of a Zstandard stream and skips its
// skippable frames. It finds the frames' boundaries itself, reading
// their headers and block headers only, and hands each run of regular
// frames to one reused Decoder's DecodeAll: the decoder skips skippable
// frames too, but prints a line on standard error for each one.
func (d *decompressor) unzstd(data []byte) ([]byte, error) {
	if d.zstd == nil {
		dec, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(uint64(maxDecompressed)))
		if err != nil {
			return nil, err
		}
		d.zstd = dec
	}
	out := d.buf[:0]
	run := -1 // start of the current run of regular frames
	flush := func(end int) error {
		if run < 0 {
			return nil
		}
		var err error
		out, err = d.zstd.DecodeAll(data[run:end], out)
		run = -1
		if err == nil && len(out) > maxDecompressed {
			err = errTooLarge()
		}
		return err
	}
	for pos := 0; pos < len(data); {
		if len(data)-pos < 4 {
			return nil, fmt.Errorf("zstd: %d bytes after the last frame", len(data)-pos)
		}
		magic := binary.LittleEndian.Uint32(data[pos:])
		if magic&^0xF == zstdSkippableMagic {
			if len(data)-pos < 8 {
				return nil, errors.New("zstd: truncated skippable frame")
			}
			size := uint64(binary.LittleEndian.Uint32(data[pos+4:]))
			if size > uint64(len(data)-pos-8) {
				return nil, errors.New("zstd: truncated skippable frame")
			}
			if err := flush(pos); err != nil {
				d.buf = out[:0]
				return nil, err
			}
			pos += 8 + int(size)
			continue
		}
		if magic != zstdMagic {
			return nil, errors.New("zstd: bytes that are not a frame (bad magic number)")
		}
		n, err := zstdFrameLen(data[pos:])
		if err != nil {
			return nil, err
		}
		if run < 0 {
			run = pos
		}
		pos += n
	}
	if err := flush(len(data)); err != nil {
		d.buf = out[:0]
		return nil, err
	}
	d.buf = out[:0]
	return out, nil
}

// zstdFrameLen returns the length of the Zstandard frame at the start of
// f (RFC 8878, 3.1.1): its header, its blocks and its checksum. It checks
// only what it needs to find the end; the decoder checks the rest.
func zstdFrameLen(f []byte) (int, error) {
	const truncated = zstdErr("zstd: truncated frame")
	if len(f) < 5 {
		return 0, truncated
	}
	fhd := f[4]
	i := 5
	single := fhd&0x20 != 0
	if !single {
		i++ // Window_Descriptor
	}
	i += [4]int{0, 1, 2, 4}[fhd&3] // Dictionary_ID
	fcs := [4]int{0, 2, 4, 8}[fhd>>6]
	if fcs == 0 && single {
		fcs = 1
	}
	i += fcs
	for {
		if len(f)-i < 3 {
			return 0, truncated
		}
		h := uint32(f[i]) | uint32(f[i+1])<<8 | uint32(f[i+2])<<16
		i += 3
		size := int(h >> 3)
		switch h >> 1 & 3 {
		case 0, 2: // raw, compressed
		case 1: // RLE: one byte
			size = 1
		default:
			return 0, zstdErr("zstd: reserved block type")
		}
		if len(f)-i < size {
			return 0, truncated
		}
		i += size
		if h&1 != 0 { // Last_Block
			break
		}
	}
	if fhd&0x04 != 0 { // Content_Checksum
		if len(f)-i < 4 {
			return 0, truncated
		}
		i += 4
	}
	return i, nil
}

// A zstdErr is a constant error of the frame walk.
type zstdErr string

func (e zstdErr) Error() string { return string(e) }

// sliceReader is a bytes.Reader cut down to what gzip needs (Read and
// ReadByte, so that gzip reads it without a bufio.Reader of its own).
type sliceReader struct {
	b []byte
}

func (r *sliceReader) reset(b []byte) { r.b = b }

func (r *sliceReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.b)
	r.b = r.b[n:]
	return n, nil
}

func (r *sliceReader) ReadByte() (byte, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c, nil
}
