package query

import (
	"bytes"
	"errors"
	"io/fs"
	"math/big"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"benchgrid/workload/strictjson"
)

// MaxExamples is how many bad inputs a Tally keeps as examples.
const MaxExamples = 100

// A BadInput is one example of a bad input, for reports and messages.
type BadInput struct {
	// Path is the file's path; for a bad document of an NDJSON file, the
	// path, a colon and the document's line, counting from 1
	// ("logs/a.ndjson.gz:17").
	Path string
	// Reason says why the file or document is bad.
	Reason string

	file string // Path's file and line, the examples' order
	line int
}

// A Tally counts what one worker's inputs contribute to the query's
// result (docs/query.md, "The result"). It is not safe for concurrent
// use: each worker has its own, and the workers' tallies are merged.
//
// A Tally made with a nil Extractor is the read-only floor (`none`): it
// reads, decompresses and splits each input into documents and counts
// files, bytes and documents, but parses nothing; it has no canonical
// result.
//
// The zero Tally is an empty total that takes its query, and whether it
// is the floor, from the first Tally merged into it.
type Tally struct {
	Files        int64 // inputs visited
	BadFiles     int64 // inputs that could not be read or decompressed
	Bytes        int64 // on-disk bytes of all inputs
	Documents    int64 // documents in readable files
	BadDocuments int64 // documents that were bad
	Records      int64 // records in good documents

	// Bad holds up to MaxExamples bad inputs, files and documents alike:
	// the least by path and line, so that which ones are kept does not
	// depend on the order in which files were read or tallies merged.
	Bad []BadInput
	// BadFileReasons and BadDocumentReasons count the bad files and the
	// bad documents by reason. A document's reason leaves out which
	// record it was and where in the document a syntax error is, so that
	// like problems count as one.
	BadFileReasons     map[string]int64
	BadDocumentReasons map[string]int64
	// Fallbacks counts the documents an adapter decoded another way, by
	// reason (see Fallbacker): a fallback is never silent.
	Fallbacks map[string]int64

	q      *Query
	floor  bool
	ex     Extractor
	rec    Records
	fields []fieldStats // per query field; zero for fields no aggregate uses
	used   []int        // the fields some aggregate uses
	// missing[f] and mismatch[f] are field f's rule-3 reasons.
	missing, mismatch []string
	// inFile is set while File counts a file, and before holds the
	// counts from before it: a file whose mapped bytes fault part-way
	// (the processor then calls Unreadable) is counted as one bad file,
	// not as a file and a bad file.
	inFile bool
	before [6]int64
	// seen[f] says that field f was found in some record of a good
	// document; unseen counts the fields not seen yet, so that the check
	// stops once every field has been.
	seen   []bool
	unseen int
}

// NewTally returns an empty tally of inputs for q, whose documents ex
// extracts; a nil ex makes the read-only floor.
func NewTally(q *Query, ex Extractor) *Tally {
	t := &Tally{}
	t.init(q, ex == nil)
	t.ex = ex
	return t
}

func (t *Tally) init(q *Query, floor bool) {
	t.q, t.floor = q, floor
	t.rec.Width = len(q.Fields)
	t.fields = make([]fieldStats, len(q.Fields))
	t.missing = make([]string, len(q.Fields))
	t.seen = make([]bool, len(q.Fields))
	t.unseen = len(q.Fields)
	t.mismatch = make([]string, len(q.Fields))
	for i, f := range q.Fields {
		t.fields[i].typ = f.Type
		name := strictjson.AppendQuoted(nil, f.Name)
		t.missing[i] = "field " + string(name) + " is absent or null"
		t.mismatch[i] = "field " + string(name) + " is not of type " + f.Type.String()
	}
	for _, a := range q.Aggregates {
		fs := &t.fields[a.Field]
		if !fs.counting && !fs.summing && !fs.ranging {
			t.used = append(t.used, a.Field)
		}
		switch a.Op {
		case CountBy, Distinct, Top:
			fs.counting = true
		case Sum:
			fs.summing = true
		case Min, Max:
			fs.ranging = true
		}
	}
	slices.Sort(t.used)
	for i := range t.fields {
		fs := &t.fields[i]
		if fs.counting {
			switch fs.typ {
			case String:
				fs.strIndex = map[string]int{}
			case Int:
				fs.intCounts = map[int64]int64{}
			}
		}
	}
}

// Unseen returns the names of the fields found in no record of a good
// document: absent or null wherever they were looked for. A query whose
// path matches nothing in the corpus answers with empty aggregates, which
// is rarely what its author meant.
func (t *Tally) Unseen() []string {
	var out []string
	for f, seen := range t.seen {
		if !seen {
			out = append(out, t.q.Fields[f].Name)
		}
	}
	return out
}

// Query returns the query t tallies, nil for a zero Tally nothing was
// merged into.
func (t *Tally) Query() *Query { return t.q }

// ReadOnly reports whether t is the read-only floor, which computes no
// canonical result.
func (t *Tally) ReadOnly() bool { return t.floor }

// File counts one input whose bytes were read: data is the whole file as
// it is on disk, path its path for examples. The input's kind comes from
// its name's suffixes (IsInput): .gz and .zst are decompressed (a file
// that cannot be is a bad file: its bytes and one bad file, no documents),
// .ndjson and .jsonl are split at every LF into documents (pieces of only
// space, tab and CR skipped), anything else is one document. data is not
// kept once File returns.
func (t *Tally) File(path string, data []byte) {
	// No defer: a fault unwinds through File, and Unreadable must still
	// see that it was cut short.
	t.inFile, t.before = true, [6]int64{t.Files, t.BadFiles, t.Bytes, t.Documents, t.BadDocuments, t.Records}
	t.file(path, data)
	t.inFile = false
}

func (t *Tally) file(path string, data []byte) {
	t.Files++
	t.Bytes += int64(len(data))
	c, lines, _ := inputKind(path)
	content := data
	if c != plain {
		// Decompressors come from a pool shared by every tally: a
		// goroutine per file (perfile) would otherwise make a decoder per
		// file and keep every file's decompressed bytes to the end.
		d := getDecompressor()
		defer putDecompressor(d)
		var err error
		if content, err = d.decompress(c, data); err != nil {
			t.badFile(path, err.Error(), err.Error())
			return
		}
	}
	if !lines {
		t.document(path, 0, content)
		return
	}
	for line := 1; len(content) > 0; line++ {
		piece := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			piece, content = content[:i], content[i+1:]
		} else {
			content = nil
		}
		if !blank(piece) {
			t.document(path, line, piece)
		}
	}
}

// blank reports whether b holds only space, tab and CR.
func blank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// Unreadable counts an input of size bytes on disk that could not be read
// because of the file (it vanished, lost its permissions, …): a bad file.
//
// Called after a File of the same input that a fault of its mapped bytes
// cut short (the file shrank while it was read), it first takes back the
// counts that File made: the file is one bad file. The values of the
// documents counted before the fault may stay in the aggregates; the
// answer then differs from the reference's, which read the whole file,
// and the run reports the cell's mismatch.
func (t *Tally) Unreadable(path string, size int64, err error) {
	if t.inFile {
		t.inFile = false
		t.Files, t.BadFiles, t.Bytes, t.Documents, t.BadDocuments, t.Records = t.before[0], t.before[1], t.before[2], t.before[3], t.before[4], t.before[5]
	}
	t.Files++
	t.Bytes += size
	key := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		key = pe.Err.Error() // without the path
	}
	t.badFile(path, key, err.Error())
}

func (t *Tally) badFile(path, key, reason string) {
	t.BadFiles++
	if t.BadFileReasons == nil {
		t.BadFileReasons = map[string]int64{}
	}
	t.BadFileReasons[key]++
	t.example(path, 0, -1, reason)
}

// document counts one document of file (line 0 for a .json file's).
func (t *Tally) document(file string, line int, doc []byte) {
	t.Documents++
	if t.ex == nil {
		return
	}
	r := &t.rec
	r.Reset()
	err := t.ex.Extract(doc, r)
	if fb, ok := t.ex.(Fallbacker); ok {
		if why := fb.Fallback(); why != "" {
			if t.Fallbacks == nil {
				t.Fallbacks = map[string]int64{}
			}
			t.Fallbacks[why]++
		}
	}
	if err != nil {
		t.badDocument(file, line, -1, reasonKey(err), err.Error())
		return
	}
	n, w := r.Len(), r.Width
	vals := r.Values
	if w > 0 {
		if len(vals) != n*w {
			panic("query: an extractor's Records are not whole rows")
		}
		for i := range vals {
			switch vals[i].Kind {
			case Found:
			case Absent, Null:
				if f := i % w; !t.q.Fields[f].Optional {
					t.badDocument(file, line, i/w, t.missing[f], t.missing[f])
					return
				}
			default:
				f := i % w
				t.badDocument(file, line, i/w, t.mismatch[f], t.mismatch[f])
				return
			}
		}
	}
	t.Records += int64(n)
	if t.unseen > 0 {
		for i := range vals {
			if f := i % w; vals[i].Kind == Found && !t.seen[f] {
				t.seen[f] = true
				t.unseen--
			}
		}
	}
	for _, f := range t.used {
		fs := &t.fields[f]
		for i := f; i < len(vals); i += w {
			if vals[i].Kind == Found {
				fs.add(&vals[i])
			}
		}
	}
}

// reasonKey is err's text as a reason to count: a strict validator's
// syntax error without its offset.
func reasonKey(err error) string {
	var se *strictjson.SyntaxError
	if errors.As(err, &se) {
		return "invalid JSON: " + se.Msg
	}
	return err.Error()
}

func (t *Tally) badDocument(file string, line, record int, key, reason string) {
	t.BadDocuments++
	if t.BadDocumentReasons == nil {
		t.BadDocumentReasons = map[string]int64{}
	}
	t.BadDocumentReasons[key]++
	t.example(file, line, record, reason)
}

// example keeps a bad input among the examples if it is among the
// MaxExamples least by file and line; it formats the example only then.
func (t *Tally) example(file string, line, record int, reason string) {
	if len(t.Bad) == MaxExamples && !exampleLess(file, line, &t.Bad[len(t.Bad)-1]) {
		return
	}
	path := file
	if line > 0 {
		path = file + ":" + strconv.Itoa(line)
	}
	if record >= 0 && t.q.HasRecords {
		reason = "records[" + strconv.Itoa(record) + "]: " + reason
	}
	t.insertExample(BadInput{Path: path, Reason: reason, file: file, line: line})
}

func exampleLess(file string, line int, b *BadInput) bool {
	if file != b.file {
		return file < b.file
	}
	return line < b.line
}

func (t *Tally) insertExample(e BadInput) {
	i, _ := slices.BinarySearchFunc(t.Bad, e, func(a, b BadInput) int {
		if a.file != b.file {
			return strings.Compare(a.file, b.file)
		}
		return a.line - b.line
	})
	if i == MaxExamples {
		return
	}
	if len(t.Bad) == MaxExamples {
		t.Bad = t.Bad[:MaxExamples-1]
	}
	t.Bad = slices.Insert(t.Bad, i, e)
}

// Merge adds o's contributions to t. Both must tally the same query (a
// zero t takes o's).
func (t *Tally) Merge(o *Tally) {
	if t.q == nil && o.q != nil {
		t.init(o.q, o.floor)
	}
	t.Files += o.Files
	t.BadFiles += o.BadFiles
	t.Bytes += o.Bytes
	t.Documents += o.Documents
	t.BadDocuments += o.BadDocuments
	t.Records += o.Records
	for _, e := range o.Bad {
		if len(t.Bad) == MaxExamples && !exampleLess(e.file, e.line, &t.Bad[len(t.Bad)-1]) {
			continue
		}
		t.insertExample(e)
	}
	t.BadFileReasons = addCounts(t.BadFileReasons, o.BadFileReasons)
	t.BadDocumentReasons = addCounts(t.BadDocumentReasons, o.BadDocumentReasons)
	t.Fallbacks = addCounts(t.Fallbacks, o.Fallbacks)
	for f, seen := range o.seen {
		if seen && !t.seen[f] {
			t.seen[f] = true
			t.unseen--
		}
	}
	if o.q == nil {
		return // a zero Tally: no values
	}
	for _, f := range t.used {
		t.fields[f].merge(&o.fields[f])
	}
}

func addCounts(dst, src map[string]int64) map[string]int64 {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]int64, len(src))
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

// fieldStats is what the aggregates over one field need: its values'
// counts (count_by, distinct, top), their exact sum (sum) and their
// range (min, max).
type fieldStats struct {
	typ                        Type
	counting, summing, ranging bool

	// Counts. A string is a key of strIndex, interned once, indexing
	// strKeys and strCounts; lookups with a document's bytes do not
	// allocate.
	strIndex   map[string]int
	strKeys    []string
	strCounts  []int64
	intCounts  map[int64]int64
	boolCounts [2]int64

	// The sum, a 128-bit two's complement integer: a sum of int64s
	// needs 2^64 terms to leave it, so it never wraps.
	sumHi int64
	sumLo uint64

	// The range. seen says whether any value was counted.
	seen       bool
	minI, maxI int64
	minS, maxS []byte
}

func (f *fieldStats) add(v *Value) {
	n := v.Int
	if f.typ == Bool && n != 0 {
		n = 1
	}
	if f.counting {
		switch f.typ {
		case String:
			f.countString(v.Str, 1)
		case Int:
			f.intCounts[n]++
		case Bool:
			f.boolCounts[n]++
		}
	}
	if f.summing {
		lo, carry := bits.Add64(f.sumLo, uint64(n), 0)
		f.sumLo, f.sumHi = lo, f.sumHi+int64(carry)+n>>63
	}
	if f.ranging {
		if f.typ == String {
			f.rangeString(v.Str)
		} else {
			f.rangeInt(n)
		}
	}
}

func (f *fieldStats) countString(s []byte, n int64) {
	if i, ok := f.strIndex[string(s)]; ok {
		f.strCounts[i] += n
		return
	}
	k := string(s)
	f.strIndex[k] = len(f.strKeys)
	f.strKeys = append(f.strKeys, k)
	f.strCounts = append(f.strCounts, n)
}

func (f *fieldStats) rangeString(s []byte) {
	if !f.seen || bytes.Compare(s, f.minS) < 0 {
		f.minS = append(f.minS[:0], s...)
	}
	if !f.seen || bytes.Compare(s, f.maxS) > 0 {
		f.maxS = append(f.maxS[:0], s...)
	}
	f.seen = true
}

func (f *fieldStats) rangeInt(n int64) {
	if !f.seen || n < f.minI {
		f.minI = n
	}
	if !f.seen || n > f.maxI {
		f.maxI = n
	}
	f.seen = true
}

func (f *fieldStats) merge(o *fieldStats) {
	if f.counting {
		for i, k := range o.strKeys {
			f.countString([]byte(k), o.strCounts[i])
		}
		for k, n := range o.intCounts {
			f.intCounts[k] += n
		}
		f.boolCounts[0] += o.boolCounts[0]
		f.boolCounts[1] += o.boolCounts[1]
	}
	if f.summing {
		lo, carry := bits.Add64(f.sumLo, o.sumLo, 0)
		f.sumLo, f.sumHi = lo, f.sumHi+o.sumHi+int64(carry)
	}
	if f.ranging && o.seen {
		if f.typ == String {
			f.rangeString(o.minS)
			f.rangeString(o.maxS)
		} else {
			f.rangeInt(o.minI)
			f.rangeInt(o.maxI)
		}
	}
}

// A keyCount is one value's count, by the value's key form.
type keyCount struct {
	key   string // the key form: the string, the integer in decimal, true or false
	count int64
}

// counts returns the field's values' counts in key form, sorted bytewise
// by key form.
func (f *fieldStats) counts() []keyCount {
	var kc []keyCount
	switch f.typ {
	case String:
		kc = make([]keyCount, len(f.strKeys))
		for i, k := range f.strKeys {
			kc[i] = keyCount{k, f.strCounts[i]}
		}
	case Int:
		kc = make([]keyCount, 0, len(f.intCounts))
		for k, n := range f.intCounts {
			kc = append(kc, keyCount{strconv.FormatInt(k, 10), n})
		}
	case Bool:
		for i, k := range []string{"false", "true"} {
			if f.boolCounts[i] > 0 {
				kc = append(kc, keyCount{k, f.boolCounts[i]})
			}
		}
	}
	slices.SortFunc(kc, func(a, b keyCount) int { return strings.Compare(a.key, b.key) })
	return kc
}

// distinct is the number of different values counted.
func (f *fieldStats) distinct() int {
	switch f.typ {
	case String:
		return len(f.strKeys)
	case Int:
		return len(f.intCounts)
	}
	n := 0
	for _, c := range f.boolCounts {
		if c > 0 {
			n++
		}
	}
	return n
}

// appendKey appends a value given in key form as a JSON value.
func (f *fieldStats) appendKey(b []byte, key string) []byte {
	if f.typ == String {
		return strictjson.AppendQuoted(b, key)
	}
	return append(b, key...)
}

func (f *fieldStats) appendSum(b []byte) []byte {
	if f.sumHi == 0 && f.sumLo <= 1<<63-1 || f.sumHi == -1 && f.sumLo >= 1<<63 {
		return strconv.AppendInt(b, int64(f.sumLo), 10)
	}
	v := new(big.Int).Lsh(big.NewInt(f.sumHi), 64)
	v.Add(v, new(big.Int).SetUint64(f.sumLo))
	return v.Append(b, 10)
}

func (f *fieldStats) appendBound(b []byte, max bool) []byte {
	if !f.seen {
		return append(b, "null"...)
	}
	switch f.typ {
	case String:
		if max {
			return strictjson.AppendQuoted(b, string(f.maxS))
		}
		return strictjson.AppendQuoted(b, string(f.minS))
	case Bool:
		v := f.minI
		if max {
			v = f.maxI
		}
		return strconv.AppendBool(b, v != 0)
	}
	if max {
		return strconv.AppendInt(b, f.maxI, 10)
	}
	return strconv.AppendInt(b, f.minI, 10)
}

// Canonical returns the result's canonical bytes (docs/query.md, "The
// result"): one line of compact JSON, members in the contract's order,
// then a newline. The read-only floor, which computes no result, returns
// nil, as does a zero Tally nothing was merged into.
func (t *Tally) Canonical() []byte {
	if t.q == nil || t.floor {
		return nil
	}
	b := make([]byte, 0, 512)
	b = append(b, `{"files":`...)
	b = strconv.AppendInt(b, t.Files, 10)
	b = append(b, `,"bad_files":`...)
	b = strconv.AppendInt(b, t.BadFiles, 10)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, t.Bytes, 10)
	b = append(b, `,"documents":`...)
	b = strconv.AppendInt(b, t.Documents, 10)
	b = append(b, `,"bad_documents":`...)
	b = strconv.AppendInt(b, t.BadDocuments, 10)
	b = append(b, `,"records":`...)
	b = strconv.AppendInt(b, t.Records, 10)
	b = append(b, `,"aggregates":{`...)
	for i, a := range t.q.Aggregates {
		if i > 0 {
			b = append(b, ',')
		}
		b = strictjson.AppendQuoted(b, t.q.Name(a))
		b = append(b, ':')
		f := &t.fields[a.Field]
		switch a.Op {
		case CountBy:
			b = append(b, '{')
			for j, kc := range f.counts() {
				if j > 0 {
					b = append(b, ',')
				}
				b = strictjson.AppendQuoted(b, kc.key)
				b = append(b, ':')
				b = strconv.AppendInt(b, kc.count, 10)
			}
			b = append(b, '}')
		case Distinct:
			b = strconv.AppendInt(b, int64(f.distinct()), 10)
		case Sum:
			b = f.appendSum(b)
		case Min, Max:
			b = f.appendBound(b, a.Op == Max)
		case Top:
			kc := f.counts()
			slices.SortStableFunc(kc, func(x, y keyCount) int {
				switch {
				case x.count > y.count:
					return -1
				case x.count < y.count:
					return 1
				}
				return 0 // already by key form
			})
			b = append(b, '[')
			for j, c := range kc[:min(len(kc), a.N)] {
				if j > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"value":`...)
				b = f.appendKey(b, c.key)
				b = append(b, `,"count":`...)
				b = strconv.AppendInt(b, c.count, 10)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
	}
	return append(b, "}}\n"...)
}
