package client

import (
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// listBatch is how many items one decoding worker takes at a time.
const listBatch = 64

// decodeList decodes a list response from body as it arrives: the list's metadata
// into meta and its items into items. Items are cut out of the stream by the caller's
// goroutine and decoded by up to GOMAXPROCS workers in batches, so decoding overlaps
// the transfer and uses every core; the order of items is kept.
func decodeList[T any](body io.Reader, meta *api.ListMeta, items *[]T) error {
	dec := json.NewDecoder(body)
	if err := expectDelim(dec, '{'); err != nil {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case "metadata":
			if err := dec.Decode(meta); err != nil {
				return fmt.Errorf("list metadata: %w", err)
			}
		case "items":
			if err := decodeItems(dec, items); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	return expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != want {
		return fmt.Errorf("decode list: got %v, want %v", tok, want)
	}
	return nil
}

func decodeItems[T any](dec *json.Decoder, items *[]T) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // "items": null
		return nil
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("decode list items: got %v, want [", tok)
	}
	type batch struct {
		raw []json.RawMessage
		out []T
		err error
	}
	var (
		batches []*batch
		work    = make(chan *batch)
		wg      sync.WaitGroup
	)
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for b := range work {
				b.out = make([]T, len(b.raw))
				for i, raw := range b.raw {
					if err := json.Unmarshal(raw, &b.out[i]); err != nil && b.err == nil {
						b.err = err
					}
				}
				b.raw = nil
			}
		})
	}
	cur := &batch{}
	flush := func() {
		batches = append(batches, cur)
		work <- cur
		cur = &batch{}
	}
	var readErr error
	for dec.More() {
		var raw json.RawMessage
		if readErr = dec.Decode(&raw); readErr != nil {
			break
		}
		cur.raw = append(cur.raw, raw)
		if len(cur.raw) == listBatch {
			flush()
		}
	}
	if len(cur.raw) > 0 {
		flush()
	}
	close(work)
	wg.Wait()
	if readErr != nil {
		return readErr
	}
	n := 0
	for _, b := range batches {
		if b.err != nil {
			return fmt.Errorf("decode list item: %w", b.err)
		}
		n += len(b.out)
	}
	out := make([]T, 0, n)
	for _, b := range batches {
		out = append(out, b.out...)
	}
	*items = out
	_, err = dec.Token() // ]
	return err
}
