package parsers

import (
	"errors"
	"fmt"

	"benchgrid/workloads/events"
)

// This file holds the per-event rules of docs/events.md (rules 3 and 4)
// as the adapters share them. std, goccy and jsonv2 decode events into
// typed structs and hand the members they found to typedEvent and
// pushSize; sonic, fastjson and simdjson read members off a parsed document
// and give the contract's reason for a missing one through memberError.
// The reasons themselves are workload's (events.ErrTypeMissing and the
// others).

// addEvents adds each event of a file decoded into typed structs (a slice
// of stdEvent, goccyEvent or jsonv2Event) to b, stopping at the first bad
// one: a bad event makes the whole file bad.
func addEvents[E any, P interface {
	*E
	event() (events.Event, error)
}](list []E, b *events.Batch) error {
	for i := range list {
		e, err := P(&list[i]).event()
		if err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
		b.Add(e)
	}
	return nil
}

// typedEvent is rule 3 for an event decoded into typed fields: each
// argument is the member's decoded value, nil when the member is missing
// (or null, or of a kind the library leaves nil). The members are checked
// in the contract's order, so an event with several faults gets the same
// reason from every adapter that uses it. The event's byte slices alias the
// decoded strings, uncopied: the workload only reads them.
func typedEvent(typ *string, actorID *int64, repo, createdAt *string) (events.Event, error) {
	switch {
	case typ == nil:
		return events.Event{}, events.ErrTypeMissing
	case actorID == nil:
		return events.Event{}, events.ErrActorIDMissing
	case repo == nil:
		return events.Event{}, events.ErrRepoNameMissing
	case createdAt == nil:
		return events.Event{}, events.ErrCreatedAtMissing
	}
	return events.Event{
		Type:      bytesOf(*typ),
		Repo:      bytesOf(*repo),
		CreatedAt: bytesOf(*createdAt),
		ActorID:   *actorID,
	}, nil
}

// optInt is an integer member as a typed adapter decodes it: its value,
// and whether it was there and an integer.
type optInt struct {
	value int64
	set   bool
}

// ptr returns the integer, nil when there is none.
func (n *optInt) ptr() *int64 {
	if !n.set {
		return nil
	}
	return &n.value
}

// pushSize is rule 4 for a PushEvent decoded into typed fields: kind is
// its payload's jsontext.Kind (its first byte would do: '{' for an object),
// 0 when there is no payload; size is the payload's "size", nil when it is
// missing, and sizeErr, when not nil, why the size there is no integer
// (for an adapter that records it rather than failing at once: the
// payload may come before the type that says whether it matters).
func pushSize(kind byte, size *int64, sizeErr error) (int64, error) {
	switch {
	case kind == 0:
		return 0, events.ErrPayloadMissing
	case kind != '{':
		return 0, events.ErrPayloadNotObject
	case sizeErr != nil:
		return 0, fmt.Errorf(`PushEvent "payload.size": %w`, sizeErr)
	case size == nil:
		return 0, events.ErrPushSizeMissing
	}
	return *size, nil
}

// errAbsent is what the member readers of sonic, fastjson and simdjson
// return for a member that is missing or not of the kind the contract
// wants; memberError turns it into the contract's reason for that member.
var errAbsent = errors.New("missing or of the wrong kind")

// memberError is the reason for an event whose member could not be read
// with err: absent, the contract's reason for the member, when err is
// errAbsent, and otherwise err naming the member as reasons do (`"type"`,
// `PushEvent "payload.size"`).
func memberError(err, absent error, member string) error {
	if err == errAbsent {
		return absent
	}
	return fmt.Errorf("%s: %w", member, err)
}
