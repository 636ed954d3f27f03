package index

// Builder tokenizes documents for one Index; one per goroutine (not safe for
// concurrent use). A loader can tokenize in its own workers right after
// parsing, then Merge the batches in the order the documents should be
// numbered. Its dictionaries live across batches, so a Builder is worth
// keeping for every batch a goroutine builds.
type Builder struct {
	ix *Index
	t  *tokenizer
}

// NewBuilder returns a Builder for ix.
func (ix *Index) NewBuilder() *Builder {
	return &Builder{ix: ix, t: newTokenizer()}
}

// Build tokenizes docs on the calling goroutine, under no lock; the batch's
// documents are numbered when merged. Batches of a few thousand documents
// (Add uses 4096) keep the number of postings segments per term, which
// queries walk, small, and each merge short.
func (b *Builder) Build(docs []Doc) *Batch {
	return b.t.batch(docs)
}

// Merge adds a built batch to the index under the write lock and returns its
// documents' numbers, in order. Batches are numbered in the order they are
// merged; Merge waits for a running Add, whose documents stay consecutive.
// Merging a batch twice panics.
func (ix *Index) Merge(bt *Batch) []DocNum {
	ix.addMu.Lock()
	defer ix.addMu.Unlock()
	return ix.merge(bt)
}
