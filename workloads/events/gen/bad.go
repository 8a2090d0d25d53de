package gen

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
)

// A Sample is one input of the catalogue of adversarial inputs: a kind of
// bad input, or a tricky input that is good, with the verdict docs/events.md
// gives it.
type Sample struct {
	Name string // the kind, as in the manifest
	Good bool   // the expected verdict
	Data []byte
}

// Samples returns one small sample of every kind of adversarial input, bad
// and tricky-but-good, in a fixed order. Each is a real generated batch of a
// few events, then corrupted or twisted, so a parser has to read realistic
// content before it meets the trap (mostly in the last event). The result is
// the same on every call and every machine; callers may modify it.
func Samples() []Sample {
	kinds := catalogue()
	out := make([]Sample, len(kinds))
	g := &gen{pool: newPool(1)}
	for i, k := range kinds {
		g.r = newRNG(1, streamSample+uint64(i))
		out[i] = Sample{Name: k.name, Good: k.good, Data: slices.Clone(k.build(g, i, true))}
	}
	return out
}

const streamSample = 1 << 60

// maxDepth is encoding/json's nesting limit, which docs/events.md adopts.
const maxDepth = 10000

// A kind is one way of making an adversarial input from a generated batch.
type kind struct {
	name string
	good bool
	// force is the type of the target event: a type name, nonPush for any
	// type but PushEvent, "" for any.
	force string
	// all applies event to every event, not only the target.
	all bool
	// event rewrites an event; j is its index.
	event func(ev objVal, j int) value
	// doc rewrites the top level.
	doc func(doc objVal, g *gen) value
	// style sets the writer's whitespace.
	style func(w *jw)
	// bytes rewrites the written document.
	bytes func(b []byte, r *rng) []byte
}

const nonPush = "!push"

// build writes an input of kind k into g.w.b and returns it. small makes
// three events and always targets the last; otherwise the event count is
// drawn like a batch file's (capped) and the target from its second half.
func (k *kind) build(g *gen, index int, small bool) []byte {
	r := g.r
	b := g.newBatch(index)
	n, target := 3, 2
	if !small {
		n = min(g.eventCount(), 40)
		target = r.between(n/2, n-1)
	}
	events := make(arrVal, n)
	for j := range events {
		hit := k.all || j == target
		typ := ""
		if hit {
			switch k.force {
			case nonPush:
				typ = eventTypes[1+r.intn(len(eventTypes)-1)].name
			default:
				typ = k.force
			}
		}
		ev := g.event(b, typ)
		events[j] = ev
		if hit && k.event != nil {
			events[j] = k.event(ev, j)
		}
	}
	doc := objVal{
		{qk("batch"), intVal(int64(b.number))},
		{qk("source"), strVal(Source)},
		{qk("events"), events},
	}
	var top value = doc
	if k.doc != nil {
		top = k.doc(doc, g)
	}
	g.w.reset(r.permille(300))
	if k.style != nil {
		k.style(&g.w)
	}
	top.write(&g.w)
	g.w.b = append(g.w.b, '\n')
	if k.bytes != nil {
		g.w.b = k.bytes(g.w.b, r)
	}
	return g.w.b
}

// Helpers that rewrite events.

func onActor(f func(objVal) objVal) func(objVal, int) value {
	return func(ev objVal, _ int) value { return ev.sub(qk("actor"), f) }
}

func actorID(raw string) func(objVal, int) value {
	return onActor(func(a objVal) objVal { return a.set(qk("id"), rawVal(raw)) })
}

func onRepo(f func(objVal) objVal) func(objVal, int) value {
	return func(ev objVal, _ int) value { return ev.sub(qk("repo"), f) }
}

func onPayload(f func(objVal) objVal) func(objVal, int) value {
	return func(ev objVal, _ int) value { return ev.sub(qk("payload"), f) }
}

func pushSize(raw string) func(objVal, int) value {
	return onPayload(func(p objVal) objVal { return p.set(qk("size"), rawVal(raw)) })
}

func setMember(key, raw string) func(objVal, int) value {
	return func(ev objVal, _ int) value { return ev.set(key, rawVal(raw)) }
}

func delMember(key string) func(objVal, int) value {
	return func(ev objVal, _ int) value { return ev.del(key) }
}

// note adds an ignored member whose value is raw.
func note(raw string) func(objVal, int) value { return setMember(qk("note"), raw) }

// Helpers that rewrite the top level.

func docEvents(f func(events value, g *gen) value) func(objVal, *gen) value {
	return func(doc objVal, g *gen) value { return doc.set(qk("events"), f(doc.get(qk("events")), g)) }
}

// eventsAside moves the events to an ignored member "dropped" before the
// events member, which becomes raw.
func eventsAside(raw string) func(objVal, *gen) value {
	return func(doc objVal, _ *gen) value {
		i := doc.index(qk("events"))
		doc = slices.Insert(doc, i, kv{qk("dropped"), doc[i].val})
		return doc.set(qk("events"), rawVal(raw))
	}
}

func docAdd(key, raw string) func(objVal, *gen) value {
	return func(doc objVal, _ *gen) value { return doc.set(key, rawVal(raw)) }
}

// nested is depth levels of open … close.
func nested(open, close string, depth int) string {
	return strings.Repeat(open, depth) + strings.Repeat(close, depth)
}

// nestedObjects is depth levels of {"a":{"a":…{}…}}.
func nestedObjects(depth int) string {
	return strings.Repeat(`{"a":`, depth-1) + "{}" + strings.Repeat("}", depth-1)
}

// Helpers that rewrite bytes.

func prefix(p string) func([]byte, *rng) []byte {
	return func(b []byte, _ *rng) []byte { return append([]byte(p), b...) }
}

func suffix(s string) func([]byte, *rng) []byte {
	return func(b []byte, _ *rng) []byte { return append(b, s...) }
}

func replaceAll(b []byte) func([]byte, *rng) []byte {
	return func([]byte, *rng) []byte { return slices.Clone(b) }
}

// insertAfterFirst inserts s after the document's first byte, the '{'.
func insertAfterFirst(s string) func([]byte, *rng) []byte {
	return func(b []byte, _ *rng) []byte { return slices.Insert(b, 1, []byte(s)...) }
}

// escapeAll writes s with every character as a \u escape.
func escapeAll(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		b = appendU4(b, r, 0)
	}
	return string(append(b, '"'))
}

// allValueKinds is an ignored value with every kind of JSON value in it.
const allValueKinds = `{"s":"text \"q\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude80 é 中文","e":"","n":0,"neg":-12,` +
	`"f":-12.5e-3,"F":1E+2,"z":-0.0,"t":true,"fa":false,"nu":null,"a":[1,"two",[3,[]],{"four":4},null,{}],` +
	`"o":{"nested":{"deeper":{"deepest":[[[{}]]]}}},"id":"not-an-id","type":7,"size":"big"}`

// cycle orders kinds for Generate's -bad: bad and good kinds interleaved
// evenly, so that a few adversarial inputs already have both verdicts.
func cycle(kinds []kind) []kind {
	var bad, good []kind
	for _, k := range kinds {
		if k.good {
			good = append(good, k)
		} else {
			bad = append(bad, k)
		}
	}
	out := make([]kind, 0, len(kinds))
	i, j := 0, 0
	for i < len(bad) || j < len(good) {
		// Take from the list that is behind, comparing i/len(bad) with
		// j/len(good) in integers.
		if j == len(good) || (i < len(bad) && i*len(good) <= j*len(bad)) {
			out = append(out, bad[i])
			i++
		} else {
			out = append(out, good[j])
			j++
		}
	}
	return out
}

// catalogue lists every kind of adversarial input, bad ones first, in a
// fixed order (Samples' order; Generate cycles through them as cycle says).
func catalogue() []kind {
	return []kind{
		// Not JSON, not UTF-8, or not one value.
		{name: "truncated", bytes: func(b []byte, r *rng) []byte { return b[:r.between(len(b)/3, len(b)*2/3)] }},
		{name: "empty-file", bytes: replaceAll(nil)},
		{name: "whitespace-only", bytes: replaceAll([]byte(" \n\t\r\n  \n"))},
		{name: "bom-prefix", bytes: prefix("\xef\xbb\xbf")},
		{name: "nul-after-value", bytes: suffix("\x00")},
		{name: "nul-before-value", bytes: prefix("\x00")},
		{name: "trailing-garbage", bytes: suffix("}")},
		{name: "two-values", bytes: func(b []byte, _ *rng) []byte { return append(b, b...) }},
		{name: "formfeed-whitespace", bytes: insertAfterFirst("\f")},
		{name: "nbsp-whitespace", bytes: insertAfterFirst("\u00a0")},
		{name: "utf8-invalid-byte", event: note(`"caf` + "\xff" + `"`)},
		{name: "utf8-overlong", event: onRepo(func(r objVal) objVal { return r.set(qk("name"), rawVal("\"octo\xc0\xafcat/x\"")) })},
		{name: "utf8-overlong-3byte", event: note("\"slash \xe0\x80\xaf\"")},
		{name: "utf8-surrogate", event: onActor(func(a objVal) objVal { return a.set(qk("display_login"), rawVal("\"oct\xed\xa0\x80cat\"")) })},
		{name: "utf8-low-surrogate", event: note("\"\xed\xb0\x80\"")},
		{name: "utf8-cut-sequence", event: note("\"中\xe6\x96\"")},
		{name: "utf8-beyond-max", event: note("\"\xf4\x90\x80\x80\"")},
		{name: "utf8-invalid-in-key", event: setMember("\"n\xffote\"", `"x"`)},
		{name: "utf8-invalid-in-type", force: "WatchEvent", event: setMember(qk("type"), "\"Watch\xc3Event\"")},
		{name: "control-char-in-string", event: note("\"a\x01b\"")},
		{name: "raw-tab-in-string", event: note("\"col1\tcol2\"")},
		{name: "raw-newline-in-string", event: note("\"line1\nline2\"")},
		{name: "raw-nul-in-string", event: note("\"a\x00b\"")},
		{name: "invalid-escape", event: note(`"\x41"`)},
		{name: "short-unicode-escape", event: note(`"\u12G4"`)},
		{name: "leading-zero-number", event: setMember(qk("retries"), "01")},
		{name: "nan-number", event: setMember(qk("score"), "NaN")},
		{name: "infinity-number", event: setMember(qk("score"), "-Infinity")},
		{name: "plus-number", event: setMember(qk("score"), "+1")},
		{name: "trailing-dot-number", event: setMember(qk("score"), "1.")},
		{name: "trailing-comma-array", event: setMember(qk("tags"), `["a","b",]`)},
		{name: "trailing-comma-object", event: setMember(qk("meta"), `{"a":1,}`)},
		{name: "trailing-comma-events", bytes: func(b []byte, _ *rng) []byte {
			// The events array is the last member: its ']' is the last one.
			return slices.Insert(b, bytes.LastIndexByte(b, ']'), ',')
		}},
		{name: "single-quoted-string", event: note(`'single'`)},
		{name: "unquoted-key", event: setMember("note", `"x"`)},
		{name: "depth-10001", doc: docAdd(qk("meta"), nested("[", "]", maxDepth))},
		{name: "depth-10001-objects", doc: docAdd(qk("meta"), nestedObjects(maxDepth))},

		// Valid JSON that breaks the contract.
		{name: "top-level-array", doc: func(doc objVal, _ *gen) value { return doc.get(qk("events")) }},
		{name: "top-level-null", bytes: replaceAll([]byte("null\n"))},
		{name: "events-object", doc: docEvents(func(ev value, _ *gen) value {
			var o objVal
			for i, e := range ev.(arrVal) {
				o = append(o, kv{qk(strconv.Itoa(i)), e})
			}
			return o
		})},
		{name: "events-string", doc: docEvents(func(ev value, g *gen) value {
			var w jw
			w.reset(false)
			ev.write(&w)
			return rawVal(appendString(nil, string(w.b), 0))
		})},
		{name: "events-null", doc: eventsAside("null")},
		{name: "events-missing", doc: func(doc objVal, _ *gen) value { return doc.rename(qk("events"), qk("items")) }},
		{name: "events-capitalized", doc: func(doc objVal, _ *gen) value { return doc.rename(qk("events"), qk("Events")) }},
		{name: "events-folded-only", doc: func(doc objVal, _ *gen) value { return doc.rename(qk("events"), qk("eventſ")) }},
		{name: "event-null", event: func(objVal, int) value { return rawVal("null") }},
		{name: "event-array", event: func(ev objVal, _ int) value { return arrVal{ev} }},
		{name: "event-string", event: func(objVal, int) value { return strVal("PushEvent") }},
		{name: "type-capitalized", event: func(ev objVal, _ int) value { return ev.rename(qk("type"), qk("Type")) }},
		{name: "type-escaped-capitalized", event: func(ev objVal, _ int) value { return ev.rename(qk("type"), `"\u0054ype"`) }},
		{name: "type-missing", event: delMember(qk("type"))},
		{name: "type-number", event: setMember(qk("type"), "7")},
		{name: "type-null", event: setMember(qk("type"), "null")},
		{name: "actor-missing", event: delMember(qk("actor"))},
		{name: "actor-string", event: setMember(qk("actor"), `"octocat"`)},
		{name: "actor-id-fraction", event: actorID("1.5")},
		{name: "actor-id-exponent", event: actorID("1e3")},
		{name: "actor-id-string", event: actorID(`"583231"`)},
		{name: "actor-id-point-zero", event: actorID("1.0")},
		{name: "actor-id-above-int64", event: actorID("9223372036854775808")},
		{name: "actor-id-below-int64", event: actorID("-9223372036854775809")},
		{name: "actor-id-huge", event: actorID("123456789012345678901234567890")},
		{name: "actor-id-null", event: actorID("null")},
		{name: "actor-id-missing", event: onActor(func(a objVal) objVal { return a.del(qk("id")) })},
		{name: "actor-id-capitalized", event: onActor(func(a objVal) objVal { return a.rename(qk("id"), qk("ID")) })},
		{name: "repo-name-null", event: onRepo(func(r objVal) objVal { return r.set(qk("name"), rawVal("null")) })},
		{name: "repo-name-missing", event: onRepo(func(r objVal) objVal { return r.del(qk("name")) })},
		{name: "repo-missing", event: delMember(qk("repo"))},
		{name: "created-at-missing", event: delMember(qk("created_at"))},
		{name: "created-at-number", event: setMember(qk("created_at"), "1772377445")},
		{name: "push-size-missing", force: "PushEvent", event: onPayload(func(p objVal) objVal { return p.del(qk("size")) })},
		{name: "push-size-point-zero", force: "PushEvent", event: pushSize("2.0")},
		{name: "push-size-exponent", force: "PushEvent", event: pushSize("2e0")},
		{name: "push-size-string", force: "PushEvent", event: pushSize(`"2"`)},
		{name: "push-size-null", force: "PushEvent", event: pushSize("null")},
		{name: "push-size-above-int64", force: "PushEvent", event: pushSize("9223372036854775808")},
		{name: "push-size-folded-only", force: "PushEvent", event: onPayload(func(p objVal) objVal { return p.rename(qk("size"), qk("ſize")) })},
		{name: "push-payload-missing", force: "PushEvent", event: delMember(qk("payload"))},
		{name: "push-payload-null", force: "PushEvent", event: setMember(qk("payload"), "null")},

		// Tricky but good.
		{name: "escaped-member-names", good: true, all: true,
			event: func(ev objVal, _ int) value {
				ev = ev.rename(qk("type"), `"t\u0079pe"`).rename(qk("created_at"), `"cr\u0065ated_at"`)
				ev = ev.sub(qk("actor"), func(a objVal) objVal { return a.rename(qk("id"), `"\u0069d"`) })
				ev = ev.sub(qk("repo"), func(r objVal) objVal { return r.rename(qk("name"), `"n\u0061me"`) })
				return ev.sub(qk("payload"), func(p objVal) objVal { return p.rename(qk("size"), `"\u0073ize"`) })
			},
			doc: func(doc objVal, _ *gen) value { return doc.rename(qk("events"), `"ev\u0065nts"`) }},
		{name: "escaped-values", good: true, all: true, event: func(ev objVal, _ int) value {
			for _, k := range []string{"type", "created_at"} {
				if s, ok := ev.get(qk(k)).(rawVal); ok {
					ev = ev.set(qk(k), rawVal(escapeAll(unquote(s))))
				}
			}
			return ev.sub(qk("repo"), func(r objVal) objVal {
				if s, ok := r.get(qk("name")).(rawVal); ok {
					r = r.set(qk("name"), rawVal(escapeAll(unquote(s))))
				}
				return r
			})
		}},
		{name: "escaped-slash", good: true, all: true, event: onRepo(func(r objVal) objVal {
			if s, ok := r.get(qk("name")).(rawVal); ok {
				r = r.set(qk("name"), rawVal(appendString(nil, unquote(s), escSlash)))
			}
			return r
		})},
		{name: "lone-surrogate", good: true, event: func(ev objVal, _ int) value {
			ev = ev.set(qk("type"), rawVal(`"\ud800"`))
			return ev.sub(qk("repo"), func(r objVal) objVal { return r.set(qk("name"), rawVal(`"octocat/\udfff"`)) })
		}},
		{name: "surrogate-sequences", good: true, all: true, event: func(ev objVal, j int) value {
			seqs := []string{`"\ud800\u0041"`, `"\udc00\ud800"`, `"\ud83d\ude80"`, `"\uD83D\uDE80 \ud800\ud800"`}
			return ev.set(qk("type"), rawVal(seqs[j%len(seqs)]))
		}},
		{name: "actor-id-negative-zero", good: true, event: actorID("-0")},
		{name: "actor-id-min-int64", good: true, event: actorID("-9223372036854775808")},
		{name: "actor-id-max-int64", good: true, event: actorID("9223372036854775807")},
		{name: "actor-id-beyond-float64", good: true, all: true, event: func(ev objVal, j int) value {
			// Distinct int64s that are one float64.
			return ev.sub(qk("actor"), func(a objVal) objVal {
				return a.set(qk("id"), intVal(1<<53+int64(j%3)))
			})
		}},
		{name: "events-empty", good: true, doc: eventsAside("[]")},
		{name: "depth-10000", good: true, doc: docAdd(qk("meta"), nested("[", "]", maxDepth-1))},
		{name: "depth-10000-objects", good: true, doc: docAdd(qk("meta"), nestedObjects(maxDepth-1))},
		{name: "unknown-members", good: true, all: true,
			event: func(ev objVal, _ int) value {
				ev = ev.set(qk("extra"), rawVal(allValueKinds))
				ev = ev.sub(qk("actor"), func(a objVal) objVal { return a.set(qk("extra"), rawVal(allValueKinds)) })
				ev = ev.sub(qk("repo"), func(r objVal) objVal { return r.set(qk("extra"), rawVal(allValueKinds)) })
				return ev.sub(qk("payload"), func(p objVal) objVal { return p.set(qk("extra"), rawVal(allValueKinds)) })
			},
			doc: docAdd(qk("meta"), allValueKinds)},
		{name: "huge-numbers-ignored", good: true, event: setMember(qk("score"),
			`[1e400,-1e400,1e-400,123456789012345678901234567890,-0.0,0e0,1E+2,0.1e-999999]`)},
		{name: "decoy-members", good: true, all: true,
			event: func(ev objVal, _ int) value {
				ev = ev.set(qk("extra"), rawVal(`{"type":5,"created_at":null,"actor":{"id":"x"},"events":null}`))
				ev = ev.set(qk("org"), rawVal(`{"id":1.5,"login":null}`))
				ev = ev.sub(qk("actor"), func(a objVal) objVal { return a.set(qk("meta"), rawVal(`{"id":1.5}`)) })
				ev = ev.sub(qk("repo"), func(r objVal) objVal { return r.set(qk("owner"), rawVal(`{"name":null,"id":"x"}`)) })
				return ev.sub(qk("payload"), func(p objVal) objVal { return p.set(qk("meta"), rawVal(`{"size":"x"}`)) })
			},
			doc: func(doc objVal, _ *gen) value {
				return append(objVal{{qk("type"), rawVal("7")}, {qk("created_at"), rawVal("null")}, {qk("actor"), rawVal(`{"id":"x"}`)}}, doc...)
			}},
		{name: "empty-type-and-repo", good: true, event: func(ev objVal, _ int) value {
			ev = ev.set(qk("type"), rawVal(`""`))
			return ev.sub(qk("repo"), func(r objVal) objVal { return r.set(qk("name"), rawVal(`""`)) })
		}},
		{name: "type-alongside-Type", good: true, force: "PushEvent", event: func(ev objVal, _ int) value {
			i := ev.index(qk("type"))
			return slices.Insert(ev, i, kv{qk("Type"), rawVal(`"WatchEvent"`)})
		}},
		{name: "created-at-odd", good: true, all: true, event: func(ev objVal, j int) value {
			odd := []string{`""`, `"2026-03-01 15:04:05"`, `"1970-01-01T00:00:00Z"`, `"2026-03-01T00:00:00+01:00"`}
			return ev.set(qk("created_at"), rawVal(odd[j%len(odd)]))
		}},
		{name: "push-size-zero", good: true, force: "PushEvent", event: pushSize("0")},
		{name: "push-size-negative", good: true, force: "PushEvent", event: pushSize("-3")},
		{name: "push-size-negative-zero", good: true, force: "PushEvent", event: pushSize("-0")},
		{name: "push-size-folded-alongside", good: true, force: "PushEvent", event: onPayload(func(p objVal) objVal {
			return slices.Insert(p, p.index(qk("size"))+1, kv{qk("ſize"), rawVal(`"three"`)})
		})},
		{name: "events-folded-alongside", good: true, doc: func(doc objVal, _ *gen) value {
			return doc.set(`"event\u017f"`, rawVal(`"not the events"`))
		}},
		{name: "payload-string-non-push", good: true, force: nonPush, event: setMember(qk("payload"), `"payload"`)},
		{name: "payload-null-non-push", good: true, force: nonPush, event: setMember(qk("payload"), "null")},
		{name: "payload-odd-non-push", good: true, force: nonPush, event: setMember(qk("payload"),
			nested("[", "]", 60)[:60]+`{"size":"x","commits":null}`+nested("[", "]", 60)[60:])},
		{name: "payload-missing-non-push", good: true, force: nonPush, event: delMember(qk("payload"))},
		{name: "members-reordered", good: true, all: true, event: func(ev objVal, _ int) value {
			out := objVal{}
			for _, k := range []string{"payload", "repo", "created_at", "actor"} {
				if v := ev.get(qk(k)); v != nil {
					out = append(out, kv{qk(k), v})
				}
			}
			for _, m := range ev {
				if out.index(m.key) < 0 {
					out = append(out, m)
				}
			}
			return out
		}},
		{name: "needs-canonical-escaping", good: true, all: true, event: func(ev objVal, j int) value {
			types := []string{`"Weird\"Type\\/<&>"`, `"ctl\u0000\u0001\u001f\b\f\n\r\t\u007f"`, "\"line\u2028para\u2029sep \u00e9 \xf0\x9f\x9a\x80\"", `"\u2028\u2029\u0085"`}
			repos := []string{`"a/\"b\""`, `"ctl/\u0007\u001b"`, "\"\xe2\x80\xa8/x\"", `"\u003cscript\u003e/x"`}
			ev = ev.set(qk("type"), rawVal(types[j%len(types)]))
			return ev.sub(qk("repo"), func(r objVal) objVal { return r.set(qk("name"), rawVal(repos[j%len(repos)])) })
		}},
		{name: "raw-unicode-edge", good: true, event: func(ev objVal, _ int) value {
			ev = ev.set(qk("type"), rawVal("\"del\x7f nel\u0085 ls\u2028 bom\ufeff nonchar\uffff max\U0010ffff\""))
			return ev.set(qk("note"), rawVal("\"\x7f\u0085\u2028\u2029\ufeff\uffff\U0010ffff\""))
		}},
		{name: "whitespace-crlf-tab", good: true,
			style: func(w *jw) { w.pretty, w.nl, w.ind, w.colon = true, "\r\n", "\t", " \t\r\n: \r\n\t" },
			bytes: func(b []byte, _ *rng) []byte { return append(append([]byte("\r\n\t "), b...), " \t\r\n"...) }},
	}
}

// unquote returns the contents of a generated JSON string with no escapes
// but the ones appendString makes.
func unquote(raw rawVal) string {
	s := string(raw[1 : len(raw)-1])
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
