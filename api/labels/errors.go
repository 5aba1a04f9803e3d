package labels

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// The messages below are worded and formatted as Kubernetes' field errors, so that a
// rejected selector reads the same to kubectl users.

// nilPath is how Kubernetes prints the path of an error raised without one (Parse
// validates keys that way).
const nilPath = "<nil>"

// invalid formats an "Invalid value" field error; strings are quoted, slices printed in
// Go syntax, as Kubernetes does.
func invalid(path string, value any, detail string) string {
	var v string
	switch t := value.(type) {
	case string:
		v = fmt.Sprintf("%q", t)
	default:
		v = fmt.Sprintf("%#v", t)
	}
	return path + ": Invalid value: " + v + ": " + detail
}

// aggregate joins distinct messages into one error: the message itself when there is
// one, "[m1, m2]" when there are several, nil when there are none.
func aggregate(msgs []string) error {
	var uniq []string
	for _, m := range msgs {
		if !slices.Contains(uniq, m) {
			uniq = append(uniq, m)
		}
	}
	switch len(uniq) {
	case 0:
		return nil
	case 1:
		return errors.New(uniq[0])
	default:
		return errors.New("[" + strings.Join(uniq, ", ") + "]")
	}
}
