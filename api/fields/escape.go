package fields

import (
	"fmt"
	"strings"
)

var valueEscaper = strings.NewReplacer(`\`, `\\`, `,`, `\,`, `=`, `\=`)

// EscapeValue escapes a value for use in a selector string: "\" becomes "\\", ","
// becomes "\," and "=" becomes "\=".
func EscapeValue(s string) string {
	return valueEscaper.Replace(s)
}

// UnescapeValue reverses EscapeValue. It rejects a backslash followed by anything but
// "\", "," or "=" (or by nothing), and an unescaped "," or "=", with Kubernetes'
// messages ("invalid field selector: invalid escape sequence: \x"). A value without
// special characters is returned as is; otherwise the value is read as UTF-8, invalid
// bytes becoming U+FFFD, as Kubernetes does.
func UnescapeValue(s string) (string, error) {
	if !strings.ContainsAny(s, `\,=`) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	escaped := false
	for _, c := range s {
		if escaped {
			switch c {
			case '\\', ',', '=':
				b.WriteRune(c)
			default:
				return "", fmt.Errorf("invalid field selector: invalid escape sequence: %s", string([]rune{'\\', c}))
			}
			escaped = false
			continue
		}
		switch c {
		case '\\':
			escaped = true
		case ',', '=':
			// Kubernetes prints the character's code point here.
			return "", fmt.Errorf("invalid field selector: unescaped character in value: %v", c)
		default:
			b.WriteRune(c)
		}
	}
	if escaped {
		return "", fmt.Errorf("invalid field selector: invalid escape sequence: %s", `\`)
	}
	return b.String(), nil
}
