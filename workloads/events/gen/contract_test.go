package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// refEvent is what the workload reads of one event.
type refEvent struct {
	typ, repo, createdAt string
	actor, size          int64
}

// verdict judges data by docs/events.md with encoding/json alone, as slowly
// and plainly as possible: the reference the generator's verdicts are held
// to. It returns the events of a good file, or why the file is bad.
func contractVerdict(data []byte) ([]refEvent, error) {
	if !utf8.Valid(data) {
		return nil, errors.New("invalid UTF-8")
	}
	if !json.Valid(data) { // also: RFC 8259 whitespace only, depth ≤ 10000
		return nil, errors.New("invalid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var top any
	if err := dec.Decode(&top); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("more than one value")
	}
	obj, ok := top.(map[string]any)
	if !ok {
		return nil, errors.New("top level is not an object")
	}
	list, ok := obj["events"].([]any)
	if !ok {
		return nil, errors.New("events is not an array")
	}
	events := []refEvent{}
	for i, v := range list {
		ev, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("event %d is not an object", i)
		}
		var e refEvent
		var err error
		if e.typ, ok = ev["type"].(string); !ok {
			return nil, fmt.Errorf("event %d: type is not a string", i)
		}
		actor, _ := ev["actor"].(map[string]any)
		if e.actor, err = contractInt(actor["id"]); err != nil {
			return nil, fmt.Errorf("event %d: actor.id: %v", i, err)
		}
		repo, _ := ev["repo"].(map[string]any)
		if e.repo, ok = repo["name"].(string); !ok {
			return nil, fmt.Errorf("event %d: repo.name is not a string", i)
		}
		if e.createdAt, ok = ev["created_at"].(string); !ok {
			return nil, fmt.Errorf("event %d: created_at is not a string", i)
		}
		if e.typ == "PushEvent" {
			payload, _ := ev["payload"].(map[string]any)
			if e.size, err = contractInt(payload["size"]); err != nil {
				return nil, fmt.Errorf("event %d: payload.size: %v", i, err)
			}
		}
		events = append(events, e)
	}
	return events, nil
}

// contractInt accepts a JSON integer that fits int64: no fraction, no
// exponent.
func contractInt(v any) (int64, error) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, fmt.Errorf("%v is not a number", v)
	}
	if strings.ContainsAny(string(n), ".eE") {
		return 0, fmt.Errorf("%s is not an integer", n)
	}
	return strconv.ParseInt(string(n), 10, 64)
}

// duplicateKey returns the first member name that appears twice in one
// object of data (valid JSON), after unescaping.
func duplicateKey(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	type frame struct {
		obj     bool
		seen    map[string]bool
		wantKey bool
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", false
		}
		top := (*frame)(nil)
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.wantKey {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].obj {
					stack[len(stack)-1].wantKey = true
				}
				continue
			}
			k := tok.(string)
			if top.seen[k] {
				return k, true
			}
			top.seen[k] = true
			top.wantKey = false
			continue
		}
		switch d, _ := tok.(json.Delim); d {
		case '{':
			stack = append(stack, &frame{obj: true, seen: map[string]bool{}, wantKey: true})
			continue
		case '[':
			stack = append(stack, &frame{})
			continue
		case ']':
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].wantKey = true
		}
	}
}
