package web

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	why401 "github.com/why401/why401"
)

// entry is one diagnosis as the history keeps it: the reports, scrubbed of
// every secret of the input and of response bodies (see scrub), and what
// the list shows. It never holds the form's values.
type entry struct {
	ID      string
	Time    time.Time
	Source  string   // "url", "curl" or "har"
	Title   string   // redacted target, or what the HAR held
	Err     string   // why the run could not complete, or ""
	Notes   []string // what the input's reader left out (curl options); never a value
	Reports []*why401.Report
	HAR     *harSummary // for a HAR upload
}

// history is a bounded list of recent diagnoses, newest first, in memory
// only: it is gone when serve stops.
type history struct {
	mu      sync.Mutex
	max     int
	entries []*entry
}

func newHistory(max int) *history { return &history{max: max} }

// add stores e under a new random ID (unguessable, so that a result's
// address says nothing about the others) and returns the ID.
func (h *history) add(e *entry) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on Linux
	e.ID = hex.EncodeToString(b)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append([]*entry{e}, h.entries...)
	if len(h.entries) > h.max {
		clear(h.entries[h.max:])
		h.entries = h.entries[:h.max]
	}
	return e.ID
}

// get returns the entry with the given ID, or nil.
func (h *history) get(id string) *entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, e := range h.entries {
		if e.ID == id {
			return e
		}
	}
	return nil
}

// list returns the entries, newest first.
func (h *history) list() []*entry {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]*entry(nil), h.entries...)
}
