package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Format is the notation a Quantity was written in; String keeps it.
type Format string

// The notations of a Quantity.
const (
	// DecimalExponent is written with an exponent: 12e6.
	DecimalExponent Format = "DecimalExponent"
	// BinarySI is written with a power-of-two suffix: 12Mi (12 * 2^20).
	BinarySI Format = "BinarySI"
	// DecimalSI is written with a power-of-ten suffix: 12M (12 * 10^6), 500m.
	DecimalSI Format = "DecimalSI"
)

// Errors returned by ParseQuantity, wrapped with the offending input.
var (
	// ErrQuantityFormat: the input is not a number followed by a suffix.
	ErrQuantityFormat = errors.New("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
	// ErrQuantitySuffix: the suffix is not one of n u m k M G T P E Ki Mi Gi Ti Pi Ei e<N>.
	ErrQuantitySuffix = errors.New("unable to parse quantity's suffix")
	// ErrQuantityRange: the value is too large or the text too long to be a resource amount.
	ErrQuantityRange = errors.New("quantity is out of range")
)

const (
	// maxQuantityLen bounds the text ParseQuantity accepts, which bounds its work.
	maxQuantityLen = 256
	// maxQuantityDigits bounds the number of decimal digits of a quantity's integer part.
	maxQuantityDigits = 100
)

// Quantity is an exact resource amount, as Kubernetes' resource.Quantity: "500m" CPU,
// "128Mi" of memory. It is held as an integer count of nano-units (10^-9), so any
// amount with at most nine decimal places is exact and sums never round or wrap; finer
// amounts are rounded away from zero when parsed ("0.1n" is "1n"). Magnitudes must stay
// below 10^100.
//
// The zero value is 0. A Quantity is immutable apart from Add, Sub and Neg, which
// replace the value rather than changing shared state, so copies are independent and
// copying the struct is a deep copy.
type Quantity struct {
	nano   *big.Int // value in units of 10^-9; nil means zero; never mutated once set
	format Format
}

var nanoPerUnit = big.NewInt(1_000_000_000)

// ParseQuantity parses Kubernetes' quantity notation: an optionally signed decimal
// number followed by a suffix: none, n, u, m, k, M, G, T, P, E (powers of 1000), Ki, Mi,
// Gi, Ti, Pi, Ei (powers of 1024) or an exponent e3 / E-3. It never panics; bad input
// gives an error wrapping ErrQuantityFormat, ErrQuantitySuffix or ErrQuantityRange.
func ParseQuantity(s string) (Quantity, error) {
	q, err := parseQuantity(s)
	if err != nil {
		return Quantity{}, fmt.Errorf("quantity %q: %w", s, err)
	}
	return q, nil
}

// MustParseQuantity is ParseQuantity for constants known to be valid; it panics on
// bad input and is meant for tests and fixed values.
func MustParseQuantity(s string) Quantity {
	q, err := ParseQuantity(s)
	if err != nil {
		panic(err)
	}
	return q
}

// NewQuantity returns value base units written in format.
func NewQuantity(value int64, format Format) Quantity {
	n := new(big.Int).Mul(big.NewInt(value), nanoPerUnit)
	return makeQuantity(n, format)
}

// NewMilliQuantity returns milli thousandths of a unit (NewMilliQuantity(500,
// DecimalSI) is "500m") written in format.
func NewMilliQuantity(milli int64, format Format) Quantity {
	n := new(big.Int).Mul(big.NewInt(milli), big.NewInt(1_000_000))
	return makeQuantity(n, format)
}

func makeQuantity(n *big.Int, format Format) Quantity {
	if n.Sign() == 0 {
		n = nil
	}
	return Quantity{nano: n, format: format}
}

func parseQuantity(s string) (Quantity, error) {
	if len(s) == 0 {
		return Quantity{}, ErrQuantityFormat
	}
	if len(s) > maxQuantityLen {
		return Quantity{}, ErrQuantityRange
	}
	i := 0
	negative := false
	switch s[0] {
	case '-':
		negative = true
		i++
	case '+':
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	var fracPart string
	if i < len(s) && s[i] == '.' {
		i++
		fracStart := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracPart = s[fracStart:i]
	}
	if len(intPart)+len(fracPart) == 0 {
		return Quantity{}, ErrQuantityFormat
	}
	suffix := s[i:]
	for j := 0; j < len(suffix); j++ {
		if !strings.ContainsRune("eEinumkKMGTP+-0123456789", rune(suffix[j])) {
			return Quantity{}, ErrQuantityFormat
		}
	}
	base, exp, format, ok := interpretSuffix(suffix)
	if !ok {
		return Quantity{}, ErrQuantitySuffix
	}

	// digits is the number without its decimal point: value = digits * 10^-len(fracPart).
	digits := strings.TrimLeft(intPart+fracPart, "0")
	if digits == "" {
		return Quantity{format: format}, nil
	}
	mantissa, ok := new(big.Int).SetString(digits, 10)
	if !ok {
		return Quantity{}, ErrQuantityFormat
	}
	// Bring the value to nano-units: multiply by base^exp * 10^9, then divide by
	// 10^len(fracPart), rounding away from zero.
	pow10 := 9 - len(fracPart)
	if base == 10 {
		// Values far below a nano-unit round up to exactly one.
		if pow10+exp < -(len(digits) + 1) {
			mantissa.SetInt64(1)
			return signed(makeQuantity(mantissa, format), negative), nil
		}
		if len(digits)+exp-len(fracPart) > maxQuantityDigits {
			return Quantity{}, ErrQuantityRange
		}
		pow10 += exp
	} else {
		mantissa.Lsh(mantissa, uint(exp))
	}
	if pow10 >= 0 {
		mantissa.Mul(mantissa, pow(10, pow10))
	} else {
		quo, rem := new(big.Int).QuoRem(mantissa, pow(10, -pow10), new(big.Int))
		if rem.Sign() != 0 {
			quo.Add(quo, big.NewInt(1))
		}
		mantissa = quo
	}
	if format == BinarySI {
		// Kubernetes caps power-of-two amounts at the largest int64.
		maxBinary := new(big.Int).Mul(big.NewInt(math.MaxInt64), nanoPerUnit)
		if mantissa.Cmp(maxBinary) > 0 {
			mantissa = maxBinary
		}
		if mantissa.Cmp(nanoPerUnit) < 0 {
			// Amounts below one are written in decimal, never as fractions of Ki.
			format = DecimalSI
		}
	}
	return signed(makeQuantity(mantissa, format), negative), nil
}

func signed(q Quantity, negative bool) Quantity {
	if negative && q.nano != nil {
		q.nano = new(big.Int).Neg(q.nano)
	}
	return q
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// interpretSuffix returns the base and exponent a suffix stands for.
func interpretSuffix(s string) (base, exp int, format Format, ok bool) {
	switch s {
	case "":
		return 10, 0, DecimalSI, true
	case "n":
		return 10, -9, DecimalSI, true
	case "u":
		return 10, -6, DecimalSI, true
	case "m":
		return 10, -3, DecimalSI, true
	case "k":
		return 10, 3, DecimalSI, true
	case "M":
		return 10, 6, DecimalSI, true
	case "G":
		return 10, 9, DecimalSI, true
	case "T":
		return 10, 12, DecimalSI, true
	case "P":
		return 10, 15, DecimalSI, true
	case "E":
		return 10, 18, DecimalSI, true
	case "Ki":
		return 2, 10, BinarySI, true
	case "Mi":
		return 2, 20, BinarySI, true
	case "Gi":
		return 2, 30, BinarySI, true
	case "Ti":
		return 2, 40, BinarySI, true
	case "Pi":
		return 2, 50, BinarySI, true
	case "Ei":
		return 2, 60, BinarySI, true
	}
	if len(s) > 1 && (s[0] == 'e' || s[0] == 'E') {
		rest := s[1:]
		digits := rest
		if digits[0] == '+' || digits[0] == '-' {
			digits = digits[1:]
		}
		if digits == "" {
			return 0, 0, "", false
		}
		for i := 0; i < len(digits); i++ {
			if !isDigit(digits[i]) {
				return 0, 0, "", false
			}
		}
		// Exponents beyond this bound either exceed the largest quantity or round to a
		// single nano-unit; clamping keeps the arithmetic small.
		const bound = 100_000
		n, err := strconv.ParseInt(rest, 10, 64)
		switch {
		case (err != nil || n < -bound) && rest[0] == '-':
			n = -bound
		case err != nil || n > bound:
			n = bound
		}
		return 10, int(n), DecimalExponent, true
	}
	return 0, 0, "", false
}

func pow(base, exp int) *big.Int {
	return new(big.Int).Exp(big.NewInt(int64(base)), big.NewInt(int64(exp)), nil)
}

// String returns the canonical form Kubernetes prints: no fractional digits, the
// largest suffix that loses no precision, in the notation the quantity was written in
// ("0.5" is "500m", "1024Mi" is "1Gi", "1.5Gi" is "1536Mi", "1e3" stays "1e3").
// Power-of-two amounts that are not whole or are below 1024 are written in decimal.
func (q Quantity) String() string {
	if q.nano == nil || q.nano.Sign() == 0 {
		return "0"
	}
	if q.nano.IsInt64() { // all but the largest: the same steps without big.Int
		return formatNano(q.nano.Int64(), q.format)
	}
	return q.stringBig()
}

// formatNano is String for a value of n×10^-9 that fits in an int64.
func formatNano(n int64, format Format) string {
	if format == BinarySI {
		if (n > -1024*1_000_000_000 && n < 1024*1_000_000_000) || n%1_000_000_000 != 0 {
			format = DecimalSI
		} else {
			units, exp := n/1_000_000_000, 0
			for exp < len(binarySuffixes)-1 && units%1024 == 0 {
				units /= 1024
				exp++
			}
			return strconv.FormatInt(units, 10) + binarySuffixes[exp]
		}
	}
	m, exp := n, -9
	for m%10 == 0 {
		m /= 10
		exp++
	}
	for exp%3 != 0 {
		m *= 10
		exp--
	}
	if format == DecimalExponent {
		if exp == 0 {
			return strconv.FormatInt(m, 10)
		}
		return strconv.FormatInt(m, 10) + "e" + strconv.Itoa(exp)
	}
	return strconv.FormatInt(m, 10) + decimalSuffixes[(exp+9)/3]
}

// stringBig is String for any value.
func (q Quantity) stringBig() string {
	format := q.format
	if format == BinarySI {
		abs := new(big.Int).Abs(q.nano)
		if abs.Cmp(new(big.Int).Mul(big.NewInt(1024), nanoPerUnit)) < 0 {
			format = DecimalSI
		} else if units, rem := new(big.Int).QuoRem(q.nano, nanoPerUnit, new(big.Int)); rem.Sign() != 0 {
			format = DecimalSI
		} else {
			exp := 0
			k := big.NewInt(1024)
			for exp < len(binarySuffixes)-1 {
				quo, r := new(big.Int).QuoRem(units, k, new(big.Int))
				if r.Sign() != 0 {
					break
				}
				units = quo
				exp++
			}
			return units.String() + binarySuffixes[exp]
		}
	}
	m := new(big.Int).Set(q.nano)
	exp := -9
	ten := big.NewInt(10)
	for {
		quo, r := new(big.Int).QuoRem(m, ten, new(big.Int))
		if r.Sign() != 0 {
			break
		}
		m = quo
		exp++
	}
	for exp%3 != 0 {
		m.Mul(m, ten)
		exp--
	}
	if format == DecimalExponent {
		if exp == 0 {
			return m.String()
		}
		return m.String() + "e" + strconv.Itoa(exp)
	}
	if exp > 18 {
		m.Mul(m, pow(10, exp-18))
		exp = 18
	}
	return m.String() + decimalSuffixes[(exp+9)/3]
}

var (
	binarySuffixes  = [...]string{"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"}
	decimalSuffixes = [...]string{"n", "u", "m", "", "k", "M", "G", "T", "P", "E"}
)

// IsZero reports whether q is zero.
func (q Quantity) IsZero() bool { return q.nano == nil || q.nano.Sign() == 0 }

// Sign returns -1, 0 or +1 as q is negative, zero or positive.
func (q Quantity) Sign() int {
	if q.nano == nil {
		return 0
	}
	return q.nano.Sign()
}

// Cmp compares q and y exactly: -1 if q < y, 0 if equal, +1 if q > y.
func (q Quantity) Cmp(y Quantity) int {
	switch {
	case q.nano == nil && y.nano == nil:
		return 0
	case q.nano == nil:
		return -y.nano.Sign()
	case y.nano == nil:
		return q.nano.Sign()
	}
	return q.nano.Cmp(y.nano)
}

// Equal reports whether q and y are the same amount, whatever their notation.
func (q Quantity) Equal(y Quantity) bool { return q.Cmp(y) == 0 }

// Add sets q to q+y. A zero q takes y's notation.
func (q *Quantity) Add(y Quantity) {
	q.combine(y, (*big.Int).Add)
}

// Sub sets q to q-y. A zero q takes y's notation.
func (q *Quantity) Sub(y Quantity) {
	q.combine(y, (*big.Int).Sub)
}

func (q *Quantity) combine(y Quantity, op func(z, a, b *big.Int) *big.Int) {
	if q.IsZero() {
		q.format = y.format
	}
	a, b := q.nano, y.nano
	if a == nil {
		a = new(big.Int)
	}
	if b == nil {
		b = new(big.Int)
	}
	*q = makeQuantity(op(new(big.Int), a, b), q.format)
}

// Neg sets q to -q.
func (q *Quantity) Neg() {
	if q.nano != nil {
		q.nano = new(big.Int).Neg(q.nano)
	}
}

// Value returns q in whole units, rounded away from zero ("100m" is 1), saturating at
// the int64 range.
func (q Quantity) Value() int64 { return q.scaled(nanoPerUnit) }

// MilliValue returns q in thousandths of a unit, rounded away from zero ("0.1m" is 1),
// saturating at the int64 range.
func (q Quantity) MilliValue() int64 { return q.scaled(big.NewInt(1_000_000)) }

func (q Quantity) scaled(div *big.Int) int64 {
	if q.nano == nil {
		return 0
	}
	quo, rem := new(big.Int).QuoRem(q.nano, div, new(big.Int))
	if rem.Sign() != 0 {
		quo.Add(quo, big.NewInt(int64(rem.Sign())))
	}
	switch {
	case quo.IsInt64():
		return quo.Int64()
	case quo.Sign() > 0:
		return math.MaxInt64
	default:
		return math.MinInt64
	}
}

// DeepCopy returns q; quantities share no mutable state.
func (q Quantity) DeepCopy() Quantity { return q }

// MarshalJSON writes q as its canonical string.
func (q Quantity) MarshalJSON() ([]byte, error) {
	return json.Marshal(q.String())
}

// UnmarshalJSON reads a quantity from a JSON string or number; null is zero.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*q = Quantity{}
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	parsed, err := ParseQuantity(strings.TrimSpace(s))
	if err != nil {
		return err
	}
	*q = parsed
	return nil
}

// ResourceName names a resource: "cpu", "memory", "pods", or a domain-qualified
// extended resource such as "example.com/gpu".
type ResourceName string

// Standard resource names.
const (
	// ResourceCPU is CPU in cores ("500m" is half a core).
	ResourceCPU ResourceName = "cpu"
	// ResourceMemory is memory in bytes.
	ResourceMemory ResourceName = "memory"
	// ResourcePods is the number of pods a node can run.
	ResourcePods ResourceName = "pods"
	// ResourceEphemeralStorage is local ephemeral storage in bytes.
	ResourceEphemeralStorage ResourceName = "ephemeral-storage"
)

// ResourceList maps resource names to amounts.
type ResourceList map[ResourceName]Quantity

// DeepCopy returns an independent copy of l (nil stays nil).
func (l ResourceList) DeepCopy() ResourceList {
	if l == nil {
		return nil
	}
	out := make(ResourceList, len(l))
	for k, v := range l {
		out[k] = v
	}
	return out
}
