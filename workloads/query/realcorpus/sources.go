package realcorpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TestdataDir is where Go keeps the documents, relative to GOROOT.
const TestdataDir = "src/encoding/json/internal/jsontest/testdata"

// A doc is one document cut from a source file.
type doc struct {
	// from indexes the source's files; pointer is the JSON Pointer of the
	// value in that file's decompressed document that the document is (or,
	// for canada and golang, is built around: see the source's about).
	from    int
	pointer string
	// data is the document, compact, its strings and numbers byte for
	// byte as in the source.
	data []byte
	// file is its path in the one-document-per-file layouts and group its
	// NDJSON file's, both slash-separated and without a suffix.
	file, group string
}

// A source is one kind of real document and how its files are cut up.
type source struct {
	name  string   // short name, as in -source and file names
	files []string // base names in TestdataDir
	ext   string   // the NDJSON layouts' suffix: ndjson or jsonl
	// about says what a document is, in SOURCES.txt and the docs.
	about string
	// split cuts the decompressed files into documents, in a fixed order.
	split func(files [][]byte) ([]doc, error)
}

// sources is every source, in the order they are built and listed.
var sources = []source{
	{
		name:  "twitter",
		files: []string{"twitter_status.json.zst"},
		ext:   "ndjson",
		about: "one status of the search result /statuses each, as the API returns it; " +
			"json: <created day>/<hour-minute>/<id_str>.json; ndjson: <day>/<hour>/part-NN.ndjson, 10 statuses a file",
		split: splitTwitter,
	},
	{
		name:  "citm",
		files: []string{"citm_catalog.json.zst"},
		ext:   "ndjson",
		about: "one performance of the catalogue's /performances each; " +
			"json: <start month>/<eventId>/<id>.json; ndjson: <start month>/<eventId>.ndjson, an event's performances a file",
		split: splitCITM,
	},
	{
		name:  "golang",
		files: []string{"golang_source.json.zst"},
		ext:   "jsonl",
		about: "one node of the source tree /tree each, flattened: the node's members byte for byte, " +
			`its "kids" replaced by the names of its kids, and "dir" (its parent's path, "" for the root) and "depth" (0 for the root) added; ` +
			"json: tree/<path>.json (the tree mirrored, the root as tree.json); jsonl: tree/<dir>.jsonl, a folder's nodes a file (the root and its kids in tree.jsonl)",
		split: splitGolang,
	},
	{
		name:  "synthea",
		files: []string{"synthea_fhir.json.zst"},
		ext:   "ndjson",
		about: "one entry of the FHIR bundle /entry each (fullUrl, resource, request); " +
			"json: <resourceType>/<resource id>.json; ndjson: <resourceType>.ndjson, as a FHIR bulk export",
		split: splitSynthea,
	},
	{
		name:  "canada",
		files: []string{"canada_geometry.json.zst"},
		ext:   "ndjson",
		about: "one ring of the country's polygon /features/0/geometry/coordinates/N each, as a GeoJSON Feature of its own " +
			"(the feature's type and properties, a Polygon geometry of that one ring); " +
			"json: <N/100>/ring-NNN.json; ndjson: <N/100>/rings-NNN.ndjson, 20 rings a file",
		split: splitCanada,
	},
	{
		name:  "strings",
		files: []string{"string_unicode.json.zst", "string_escaped.json.zst"},
		ext:   "jsonl",
		about: `one member of each file's object each, as {"block": name, "text": value}, both strings byte for byte ` +
			`(string_escaped holds the same strings as string_unicode, every character \u-escaped); ` +
			"json: unicode/block-NN.json and escaped/block-NN.json; jsonl: unicode/blocks.jsonl and escaped/blocks.jsonl",
		split: splitStrings,
	},
}

// lookupSource returns the source called name.
func lookupSource(name string) (*source, bool) {
	for i := range sources {
		if sources[i].name == name {
			return &sources[i], true
		}
	}
	return nil, false
}

// compact returns raw without insignificant whitespace; strings and
// numbers keep their bytes.
func compact(raw []byte) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// escapeToken escapes one JSON Pointer reference token (RFC 6901).
func escapeToken(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// safeName makes s usable as one path element: a byte outside letters,
// digits and ._+- (and space, which real file names have) becomes _, and
// the names . and .. (and the empty name) gain a _.
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '_', c == '+', c == '-', c == ' ':
		default:
			b[i] = '_'
		}
	}
	s = string(b)
	if s == "" || s == "." || s == ".." {
		s += "_"
	}
	return s
}

func splitTwitter(files [][]byte) ([]doc, error) {
	var top struct {
		Statuses []json.RawMessage `json:"statuses"`
	}
	if err := json.Unmarshal(files[0], &top); err != nil {
		return nil, err
	}
	docs := make([]doc, 0, len(top.Statuses))
	for i, raw := range top.Statuses {
		var meta struct {
			CreatedAt string `json:"created_at"`
			IDStr     string `json:"id_str"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			return nil, fmt.Errorf("/statuses/%d: %w", i, err)
		}
		t, err := time.Parse(time.RubyDate, meta.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("/statuses/%d/created_at: %w", i, err)
		}
		t = t.UTC()
		data, err := compact(raw)
		if err != nil {
			return nil, fmt.Errorf("/statuses/%d: %w", i, err)
		}
		docs = append(docs, doc{
			pointer: "/statuses/" + strconv.Itoa(i),
			data:    data,
			file:    t.Format("2006-01-02/15-04/") + safeName(meta.IDStr),
			group:   t.Format("2006-01-02/15/") + fmt.Sprintf("part-%02d", i/10),
		})
	}
	return docs, nil
}

func splitCITM(files [][]byte) ([]doc, error) {
	var top struct {
		Performances []json.RawMessage `json:"performances"`
	}
	if err := json.Unmarshal(files[0], &top); err != nil {
		return nil, err
	}
	docs := make([]doc, 0, len(top.Performances))
	for i, raw := range top.Performances {
		var meta struct {
			ID      int64 `json:"id"`
			EventID int64 `json:"eventId"`
			Start   int64 `json:"start"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			return nil, fmt.Errorf("/performances/%d: %w", i, err)
		}
		data, err := compact(raw)
		if err != nil {
			return nil, fmt.Errorf("/performances/%d: %w", i, err)
		}
		month := time.UnixMilli(meta.Start).UTC().Format("2006-01")
		docs = append(docs, doc{
			pointer: "/performances/" + strconv.Itoa(i),
			data:    data,
			file:    fmt.Sprintf("%s/%d/%d", month, meta.EventID, meta.ID),
			group:   fmt.Sprintf("%s/%d", month, meta.EventID),
		})
	}
	return docs, nil
}

// A golangNode is one node of golang_source's tree, its scalars raw.
type golangNode struct {
	Name     json.RawMessage `json:"name"`
	Kids     []golangNode    `json:"kids"`
	ClWeight json.RawMessage `json:"cl_weight"`
	Touches  json.RawMessage `json:"touches"`
	MinT     json.RawMessage `json:"min_t"`
	MaxT     json.RawMessage `json:"max_t"`
	MeanT    json.RawMessage `json:"mean_t"`
}

func splitGolang(files [][]byte) ([]doc, error) {
	var top struct {
		Tree     golangNode      `json:"tree"`
		Username json.RawMessage `json:"username"`
	}
	// Strict: a node with members this split does not know would lose
	// them, so a changed file is an error, not a quietly different corpus.
	dec := json.NewDecoder(bytes.NewReader(files[0]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	var docs []doc
	var walk func(n *golangNode, pointer, dir string, depth int) error
	walk = func(n *golangNode, pointer, dir string, depth int) error {
		var name string
		if err := json.Unmarshal(n.Name, &name); err != nil {
			return fmt.Errorf("%s/name: %w", pointer, err)
		}
		path := "/"
		switch {
		case depth == 0:
		case dir == "/":
			path = "/" + name
		default:
			path = dir + "/" + name
		}
		var b bytes.Buffer
		b.WriteString(`{"dir":`)
		b.Write(jsonString(dir))
		fmt.Fprintf(&b, `,"depth":%d,"name":`, depth)
		b.Write(n.Name)
		b.WriteString(`,"kids":[`)
		for i := range n.Kids {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(n.Kids[i].Name)
		}
		b.WriteByte(']')
		for _, m := range []struct {
			name string
			raw  json.RawMessage
		}{{"cl_weight", n.ClWeight}, {"touches", n.Touches}, {"min_t", n.MinT}, {"max_t", n.MaxT}, {"mean_t", n.MeanT}} {
			if m.raw == nil {
				return fmt.Errorf("%s: no %s", pointer, m.name)
			}
			fmt.Fprintf(&b, `,"%s":`, m.name)
			b.Write(m.raw)
		}
		b.WriteByte('}')
		data, err := compact(b.Bytes())
		if err != nil {
			return fmt.Errorf("%s: %w", pointer, err)
		}
		file, group := "tree", "tree"
		if depth > 0 {
			file = "tree" + safePath(path)
			if dir != "/" {
				group = "tree" + safePath(dir)
			}
		}
		docs = append(docs, doc{pointer: pointer, data: data, file: file, group: group})
		for i := range n.Kids {
			if err := walk(&n.Kids[i], pointer+"/kids/"+strconv.Itoa(i), path, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(&top.Tree, "/tree", "", 0); err != nil {
		return nil, err
	}
	return docs, nil
}

// safePath makes each element of a slash-separated path that starts with
// a slash safe (safeName).
func safePath(p string) string {
	elems := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, e := range elems {
		elems[i] = safeName(e)
	}
	return "/" + strings.Join(elems, "/")
}

// jsonString is s as a JSON string, with <, > and & as they are.
func jsonString(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

func splitSynthea(files [][]byte) ([]doc, error) {
	var top struct {
		Entry []json.RawMessage `json:"entry"`
	}
	if err := json.Unmarshal(files[0], &top); err != nil {
		return nil, err
	}
	docs := make([]doc, 0, len(top.Entry))
	for i, raw := range top.Entry {
		var meta struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				ID           string `json:"id"`
			} `json:"resource"`
		}
		if err := json.Unmarshal(raw, &meta); err != nil {
			return nil, fmt.Errorf("/entry/%d: %w", i, err)
		}
		data, err := compact(raw)
		if err != nil {
			return nil, fmt.Errorf("/entry/%d: %w", i, err)
		}
		typ := safeName(meta.Resource.ResourceType)
		docs = append(docs, doc{
			pointer: "/entry/" + strconv.Itoa(i),
			data:    data,
			file:    typ + "/" + safeName(meta.Resource.ID),
			group:   typ,
		})
	}
	return docs, nil
}

func splitCanada(files [][]byte) ([]doc, error) {
	var top struct {
		Features []struct {
			Type       json.RawMessage `json:"type"`
			Properties json.RawMessage `json:"properties"`
			Geometry   struct {
				Type        json.RawMessage   `json:"type"`
				Coordinates []json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(files[0], &top); err != nil {
		return nil, err
	}
	var docs []doc
	for f, feat := range top.Features {
		if feat.Type == nil || feat.Properties == nil || feat.Geometry.Type == nil {
			return nil, fmt.Errorf("/features/%d: want type, properties and geometry/type", f)
		}
		prefix := ""
		if len(top.Features) > 1 {
			prefix = fmt.Sprintf("feature-%d/", f)
		}
		for i, ring := range feat.Geometry.Coordinates {
			var b bytes.Buffer
			b.WriteString(`{"type":`)
			b.Write(feat.Type)
			b.WriteString(`,"properties":`)
			b.Write(feat.Properties)
			b.WriteString(`,"geometry":{"type":`)
			b.Write(feat.Geometry.Type)
			b.WriteString(`,"coordinates":[`)
			b.Write(ring)
			b.WriteString(`]}}`)
			pointer := fmt.Sprintf("/features/%d/geometry/coordinates/%d", f, i)
			data, err := compact(b.Bytes())
			if err != nil {
				return nil, fmt.Errorf("%s: %w", pointer, err)
			}
			docs = append(docs, doc{
				pointer: pointer,
				data:    data,
				file:    fmt.Sprintf("%s%02d/ring-%03d", prefix, i/100, i),
				group:   fmt.Sprintf("%s%02d/rings-%03d", prefix, i/100, i/20*20),
			})
		}
	}
	return docs, nil
}

func splitStrings(files [][]byte) ([]doc, error) {
	var docs []doc
	for from, data := range files {
		folder := "unicode"
		if from == 1 {
			folder = "escaped"
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			return nil, fmt.Errorf("want an object, got %v (%v)", tok, err)
		}
		for i := 0; dec.More(); i++ {
			// The key's raw bytes (escapes kept) lie between the offset
			// before its token, past a comma and whitespace, and after it.
			start := dec.InputOffset()
			tok, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key, _ := tok.(string)
			rawKey := bytes.TrimLeft(data[start:dec.InputOffset()], " \t\r\n,")
			var val json.RawMessage
			if err := dec.Decode(&val); err != nil {
				return nil, fmt.Errorf("/%s: %w", escapeToken(key), err)
			}
			if len(rawKey) < 2 || rawKey[0] != '"' || len(val) == 0 || val[0] != '"' {
				return nil, fmt.Errorf("/%s: want a string member", escapeToken(key))
			}
			var b bytes.Buffer
			b.WriteString(`{"block":`)
			b.Write(rawKey)
			b.WriteString(`,"text":`)
			b.Write(val)
			b.WriteByte('}')
			docs = append(docs, doc{
				from:    from,
				pointer: "/" + escapeToken(key),
				data:    b.Bytes(),
				file:    fmt.Sprintf("%s/block-%02d", folder, i),
				group:   folder + "/blocks",
			})
		}
	}
	return docs, nil
}
