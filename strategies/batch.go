package strategies

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"benchgrid/corpus"
)

// A BatchReader is a Worker that reads several files in one go (the
// processor's Worker does, through corpus.Session.ReadBatch: io_uring in
// read mode uring, one ordinary read after another in the others).
type BatchReader interface {
	Worker
	// ReadBatch loads a prefix of files into data[i] and errs[i] (both
	// at least len(files) long), as Read would one by one, and returns
	// the prefix's length; every successful read is released like one of
	// Read. The prefix is all of files but where their sizes add up to
	// more than budget bytes, as corpus.Session.ReadBatch counts them
	// (the walk's sizes, or the read's where the walk gave none); the
	// first file is always read. Once ctx is done it starts no new read:
	// a file it did not read gets ctx.Err() and no data, and the prefix
	// is all of files.
	ReadBatch(ctx context.Context, files []corpus.File, budget int64, data [][]byte, errs []error) int
}

// DefaultBatchSize is the files a Batch worker claims at a time when
// Batch.Size is 0: half the io_uring batch of read mode uring, so that
// the last claims still spread over the workers.
const DefaultBatchSize = 32

// DefaultBatchBytes bounds the bytes a Batch worker reads at once when
// Batch.Bytes is 0: a batch of large files is read and processed a few
// at a time instead of all 32 held in memory.
const DefaultBatchBytes = 64 << 20

// Batch runs a fixed set of worker goroutines, each with its own Worker,
// that claim Size files at a time off a shared atomic index, read them in
// one batch (BatchReader, when the Worker is one; otherwise one Read
// after another) and then process them in order.
//
// It is Atomic with reads in batches: what read mode uring needs to put
// many files' opens, reads and closes in one submission. With the other
// read modes a batch's reads are the mode's ordinary reads, so that the
// strategy is measured on its own as well as with uring. A batch's reads
// stay in memory until it is processed: Size files per worker, read a
// few at a time where their sizes add up to more than Bytes. Those are
// the sizes the walk gave, so that such a batch is cut before it is
// read; where the walk gave none (a d_type walk's), a batch stops reading
// at the file that takes it past Bytes (read mode uring: before it, by
// its fstat), so that a worker holds at most Bytes and one file more.
//
// The zero Batch has one worker per GOMAXPROCS and batches of
// DefaultBatchSize.
type Batch struct {
	// Workers is the number of worker goroutines; ≤ 0 means GOMAXPROCS.
	Workers int
	// Size is the files claimed and read at a time; ≤ 0 means
	// DefaultBatchSize.
	Size int
	// Bytes bounds what a worker reads at once; ≤ 0 means
	// DefaultBatchBytes.
	Bytes int64
}

// Run processes files on b.Workers goroutines; see Strategy.
func (b Batch) Run(ctx context.Context, files []corpus.File, work Work) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	n := workerCount(b.Workers, len(files))
	size := b.batchSize()
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range n {
		g.Go(func() error {
			w, err := newWorker(work)
			if err != nil {
				return err
			}
			sc := newBatchScratch(size)
			for {
				if err := gctx.Err(); err != nil {
					return err
				}
				start := next.Add(int64(size)) - int64(size)
				if start >= int64(len(files)) {
					return nil
				}
				batch := files[start:min(start+int64(size), int64(len(files)))]
				if err := processBatch(gctx, w, batch, b.batchBytes(), sc); err != nil {
					return err
				}
			}
		})
	}
	return result(ctx, g.Wait())
}

// batchSize is b.Size, or DefaultBatchSize when it is not set.
func (b Batch) batchSize() int {
	if b.Size <= 0 {
		return DefaultBatchSize
	}
	return b.Size
}

// batchBytes is b.Bytes, or DefaultBatchBytes when it is not set.
func (b Batch) batchBytes() int64 {
	if b.Bytes <= 0 {
		return DefaultBatchBytes
	}
	return b.Bytes
}

// batchScratch is a batch worker's own: the slices its reads go into,
// and how many files to offer its next read (0: as many as fit).
type batchScratch struct {
	data  [][]byte
	errs  []error
	offer int
}

func newBatchScratch(size int) *batchScratch {
	return &batchScratch{data: make([][]byte, size), errs: make([]error, size)}
}

// processBatch reads and processes batch on w, as many files at a time as
// fit in budget bytes (at least one): a prefix that fits by the walk's
// sizes is read (readBatch, which may stop sooner by the sizes it reads),
// processed and released before the next. Once a read stops short of
// what it was offered (sizes the walk did not give), the worker's next
// read is offered one file more than that one took, and twice as many
// after one that took all: read mode uring opens every file it is
// offered before it learns their sizes, and so opens about one file a
// read that it does not read then, not all the rest of the batch.
func processBatch(ctx context.Context, w Worker, batch []corpus.File, budget int64, sc *batchScratch) error {
	for len(batch) > 0 {
		k := fitting(batch, budget)
		if sc.offer > 0 {
			k = min(k, sc.offer)
		}
		n := readBatch(ctx, w, batch[:k], budget, sc.data, sc.errs)
		if err := processRead(ctx, w, batch[:n], sc.data, sc.errs); err != nil {
			return err
		}
		switch {
		case n < k:
			sc.offer = n + 1
		case sc.offer > 0:
			sc.offer = min(2*sc.offer, 1<<20)
		}
		batch = batch[n:]
	}
	return nil
}

// fitting returns how many of files, at least one, add up to no more than
// budget bytes by their sizes as the walk gave them (an unknown size
// counts nothing).
func fitting(files []corpus.File, budget int64) int {
	var sum int64
	for i, f := range files {
		sum += max(f.Size, 0)
		if sum > budget && i > 0 {
			return i
		}
	}
	return len(files)
}

// readBatch reads a prefix of batch on w, with one ReadBatch when w is a
// BatchReader and one Read after another otherwise, and returns its
// length: all of batch, but that it stops after the file that takes the
// bytes read past budget, counting an unknown size by the data read. Once
// ctx is done it reads no more, and the files not read get ctx.Err().
func readBatch(ctx context.Context, w Worker, batch []corpus.File, budget int64, data [][]byte, errs []error) int {
	if br, ok := w.(BatchReader); ok {
		return br.ReadBatch(ctx, batch, budget, data, errs)
	}
	return corpus.ReadPrefix(ctx, batch, budget, data, errs, w.Read)
}

// processRead processes and releases each file of batch, read into data
// and errs. Once ctx is done or a Process fails, the others are released
// unprocessed.
func processRead(ctx context.Context, w Worker, batch []corpus.File, data [][]byte, errs []error) error {
	var stop error
	for i, f := range batch {
		if stop == nil {
			if stop = ctx.Err(); stop == nil {
				if err := w.Process(f, data[i], errs[i]); err != nil {
					stop = wrapProcess(f, err)
				}
			}
		}
		if errs[i] == nil {
			w.Release(data[i])
		}
		data[i], errs[i] = nil, nil
	}
	return stop
}
