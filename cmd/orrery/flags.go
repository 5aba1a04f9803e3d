package main

import (
	"fmt"
	"time"
)

// parseDuration parses a duration flag; "0" disables what it times.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: %w", s, err)
	}
	if d == 0 {
		return -1, nil
	}
	return d, nil
}
