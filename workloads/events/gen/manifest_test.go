package gen

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	entries := []ManifestEntry{
		{Path: "adversarial/0000-truncated.json", Kind: "truncated"},
		{Path: "adversarial/0001-lone-surrogate.json", Kind: "lone-surrogate", Good: true},
	}
	opts := GenOptions{Files: 3, Seed: 4, Bad: 2}
	if err := WriteManifest(dir, opts, entries); err != nil {
		t.Fatal(err)
	}
	got, err := ReadManifest(dir)
	if err != nil || !slices.Equal(got, entries) {
		t.Errorf("ReadManifest(WriteManifest(%v)) = %v, %v", entries, got, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("adversarial/0001-lone-surrogate.json\tlone-surrogate\tgood\n")) {
		t.Errorf("manifest =\n%s\nwant tab-separated path, kind, verdict", data)
	}
}

func TestParseManifest(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []ManifestEntry
		wantErr string
	}{
		{"", nil, ""},
		{"# comment\n\n", nil, ""},
		{"a.json\tk\tbad\r\nb.json\tg\tgood\n", []ManifestEntry{{"a.json", "k", false}, {"b.json", "g", true}}, ""},
		{"a.json\tk\n", nil, "line 1: 2 fields"},
		{"# x\na.json\tk\tmaybe\n", nil, "line 2: verdict \"maybe\""},
		{"\tk\tbad\n", nil, "empty path"},
		{"a\tb\tbad\textra\n", nil, "4 fields"},
	} {
		got, err := ParseManifest(strings.NewReader(tc.in))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseManifest(%q) = %v, want an error containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("ParseManifest(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	if _, err := ReadManifest(t.TempDir()); err == nil {
		t.Errorf("ReadManifest(dir without a manifest) = nil error")
	}
}

// FuzzParseManifest checks that ParseManifest never panics and that what it
// accepts survives a write and a read.
func FuzzParseManifest(f *testing.F) {
	f.Add("# c\na.json\tk\tbad\nb.json\tg\tgood\n")
	f.Add("a\tb\tc\n")
	f.Add("\r\n\t\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := ParseManifest(strings.NewReader(in))
		if err != nil {
			return
		}
		dir := t.TempDir()
		if err := WriteManifest(dir, GenOptions{}, entries); err != nil {
			t.Fatal(err)
		}
		again, err := ReadManifest(dir)
		if err != nil {
			// A path or kind with a newline or a leading '#' does not
			// round-trip; ParseManifest never produces one.
			t.Fatalf("ReadManifest after WriteManifest(%+v) = %v", entries, err)
		}
		if !slices.Equal(again, entries) {
			t.Fatalf("round trip of %+v = %+v", entries, again)
		}
	})
}
