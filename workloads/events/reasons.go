package events

import "errors"

// The reasons a file is bad that every adapter words alike: the rules of
// docs/events.md that do not depend on how a library reports a problem.
// An adapter returns them as they are, or, for a rule on one event, wrapped
// with the event's index ("event 3: …"). Reasons that come from a library
// (a syntax error, a literal of the wrong type) keep the library's words.
var (
	// ErrInvalidUTF8 is rule 1 for a file that is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrEventsMissing is rule 2 for a top-level object without an
	// "events" array.
	ErrEventsMissing = errors.New(`"events" is missing or not an array`)

	// ErrTypeMissing is rule 3 for an event without a string "type".
	ErrTypeMissing = errors.New(`"type" is missing or not a string`)
	// ErrActorIDMissing is rule 3 for an event without "actor.id". An
	// actor.id that is there but is no integer is a different reason,
	// naming the literal (see ParseInt and ErrNotInteger).
	ErrActorIDMissing = errors.New(`"actor.id" is missing`)
	// ErrRepoNameMissing is rule 3 for an event without a string
	// "repo.name".
	ErrRepoNameMissing = errors.New(`"repo.name" is missing or not a string`)
	// ErrCreatedAtMissing is rule 3 for an event without a string
	// "created_at".
	ErrCreatedAtMissing = errors.New(`"created_at" is missing or not a string`)

	// ErrPayloadMissing is rule 4 for a PushEvent without "payload".
	ErrPayloadMissing = errors.New(`PushEvent without "payload"`)
	// ErrPayloadNotObject is rule 4 for a PushEvent whose "payload" is
	// not an object.
	ErrPayloadNotObject = errors.New(`PushEvent "payload" is not an object`)
	// ErrPushSizeMissing is rule 4 for a PushEvent whose payload has no
	// "size". A size that is there but is no integer is a different
	// reason, naming the literal.
	ErrPushSizeMissing = errors.New(`PushEvent without "payload.size"`)
)
