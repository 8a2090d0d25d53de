package adapters

import (
	"encoding/json"
	"errors"
	"testing"

	"benchgrid/workload"
	"benchgrid/workloads/query"
)

// tweets returns the statuses of GOROOT's twitter_status.json, one document
// each: the NDJSON lines of a corpus of tweets.
func tweets(t testing.TB) [][]byte {
	t.Helper()
	data, ok := realDocuments(t)["jsontest/twitter_status.json"]
	if !ok {
		t.Skip("twitter_status.json.zst not found in GOROOT")
	}
	var doc struct{ Statuses []json.RawMessage }
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	out := make([][]byte, len(doc.Statuses))
	for i, s := range doc.Statuses {
		out[i] = s
	}
	return out
}

// qTweet is a query over one tweet per document.
var qTweet = mkQuery("-", "/lang string", "/user/id int", "/retweet_count int?", "/entities/hashtags length?", "/user/verified bool?")

// BenchmarkExtract times one worker's extractor of every adapter over the
// tweets of twitter.json, one per document (as NDJSON lines are), and over
// the whole file with its statuses as records, as
// `benchstat -col /parser` reads it.
func BenchmarkExtract(b *testing.B) {
	docs := tweets(b)
	whole := realDocuments(b)["jsontest/twitter_status.json"]
	adapters := append([]query.Adapter{refAdapter{}}, allAdapters()...)
	for _, in := range []struct {
		name string
		q    *query.Query
		docs [][]byte
	}{
		{"tweets", qTweet, docs},
		{"twitter_status.json", qTweets, [][]byte{whole}},
	} {
		size := 0
		for _, d := range in.docs {
			size += len(d)
		}
		for _, a := range adapters {
			b.Run("corpus="+in.name+"/parser="+a.Name(), func(b *testing.B) {
				x, err := a.NewExtractor(in.q)
				if errors.Is(err, workload.ErrUnavailable) {
					b.Skip(err)
				} else if err != nil {
					b.Fatal(err)
				}
				r := query.Records{Width: len(in.q.Fields)}
				b.SetBytes(int64(size))
				b.ReportAllocs()
				for b.Loop() {
					for _, d := range in.docs {
						r.Reset()
						if err := x.Extract(d, &r); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		}
	}
}
