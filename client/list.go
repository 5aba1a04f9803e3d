package client

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/orrery-dev/orrery/api"
)

// decodeList decodes a list response from body as it arrives: the list's metadata
// into meta and its items into items, each item straight from the stream into its own
// allocation (one scan and one decode per byte; no copy of the whole body).
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
	out := []T{}
	for dec.More() {
		var item T
		if err := dec.Decode(&item); err != nil {
			return fmt.Errorf("decode list item %d: %w", len(out), err)
		}
		out = append(out, item)
	}
	*items = out
	_, err = dec.Token() // ]
	return err
}
