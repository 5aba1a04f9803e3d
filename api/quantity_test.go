package api

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"testing"
)

func TestParseQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		wantString string
		wantMilli  int64
		wantValue  int64
	}{
		{"0", "0", 0, 0},
		{"-0", "0", 0, 0},
		{"0.000", "0", 0, 0},
		{"500m", "500m", 500, 1},
		{"2", "2", 2000, 2},
		{"0.5", "500m", 500, 1},
		{".5", "500m", 500, 1},
		{"1.", "1", 1000, 1},
		{"1.5", "1500m", 1500, 2},
		{"1000m", "1", 1000, 1},
		{"1e3", "1e3", 1000000, 1000},
		{"1E3", "1e3", 1000000, 1000},
		{"1e+3", "1e3", 1000000, 1000},
		{"12e6", "12e6", 12000000000, 12000000},
		{"1e-3", "1e-3", 1, 1},
		{"15e-1", "1500e-3", 1500, 2},
		{"1k", "1k", 1000000, 1000},
		{"1000", "1k", 1000000, 1000},
		{"100000", "100k", 100000000, 100000},
		{"1M", "1M", 1000000000, 1000000},
		{"0.1M", "100k", 100000000, 100000},
		{"1G", "1G", 1000000000000, 1000000000},
		{"1E", "1E", math.MaxInt64, 1000000000000000000},
		{"1000E", "1000E", math.MaxInt64, math.MaxInt64},
		{"-1", "-1", -1000, -1},
		{"+5", "5", 5000, 5},
		{"-500m", "-500m", -500, -1},
		{"-1.5", "-1500m", -1500, -2},
		{"128Mi", "128Mi", 134217728000, 134217728},
		{"1Gi", "1Gi", 1073741824000, 1073741824},
		{"1024Mi", "1Gi", 1073741824000, 1073741824},
		{"1.5Gi", "1536Mi", 1610612736000, 1610612736},
		{"0.5Gi", "512Mi", 536870912000, 536870912},
		{"1Ki", "1Ki", 1024000, 1024},
		{"5Ki", "5Ki", 5120000, 5120},
		{"0.5Ki", "512", 512000, 512},
		{"1.5Ki", "1536", 1536000, 1536},
		{"0.1Ki", "102400m", 102400, 103},
		{"1.1Mi", "1153433600m", 1153433600, 1153434},
		{"-1Gi", "-1Gi", -1073741824000, -1073741824},
		{"16Ei", "9223372036854775807", math.MaxInt64, math.MaxInt64},
		{"1n", "1n", 1, 1},
		{"1u", "1u", 1, 1},
		{"0.1m", "100u", 1, 1},
		{"0.1n", "1n", 1, 1},
		{"-0.1n", "-1n", -1, -1},
		{"1e-20", "1e-9", 1, 1},
		{"1e-99999999999999999999", "1e-9", 1, 1},
		{"100u", "100u", 1, 1},
		{"1500000u", "1500m", 1500, 2},
		{"9223372036854775807", "9223372036854775807", math.MaxInt64, math.MaxInt64},
		{"9223372036854775808", "9223372036854775808", math.MaxInt64, math.MaxInt64},
		{"-9223372036854775809", "-9223372036854775809", math.MinInt64, math.MinInt64},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			q, err := ParseQuantity(tt.in)
			if err != nil {
				t.Fatalf("ParseQuantity(%q) error: %v", tt.in, err)
			}
			if got := q.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := q.MilliValue(); got != tt.wantMilli {
				t.Errorf("MilliValue() = %d, want %d", got, tt.wantMilli)
			}
			if got := q.Value(); got != tt.wantValue {
				t.Errorf("Value() = %d, want %d", got, tt.wantValue)
			}
			again, err := ParseQuantity(q.String())
			if err != nil || again.Cmp(q) != 0 {
				t.Errorf("re-parse of %q = %v, %v; want an equal quantity", q.String(), again, err)
			}
		})
	}
}

func TestParseQuantityErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrQuantityFormat},
		{"1.2.3", ErrQuantityFormat},
		{"Mi", ErrQuantityFormat},
		{"1 Mi", ErrQuantityFormat},
		{" 1", ErrQuantityFormat},
		{"1 ", ErrQuantityFormat},
		{"1Gib", ErrQuantityFormat},
		{"-", ErrQuantityFormat},
		{".", ErrQuantityFormat},
		{"+-1", ErrQuantityFormat},
		{"aoeu", ErrQuantityFormat},
		{"1e", ErrQuantitySuffix},
		{"1i", ErrQuantitySuffix},
		{"1mi", ErrQuantitySuffix},
		{"1KK", ErrQuantitySuffix},
		{"0.1am", ErrQuantityFormat},
		{"1e1.5", ErrQuantityFormat},
		{"1e--5", ErrQuantitySuffix},
		{"1e200", ErrQuantityRange},
		{"1e99999999999999999999", ErrQuantityRange},
		{string(make([]byte, 300)), ErrQuantityRange},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			q, err := ParseQuantity(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseQuantity(%q) = %v, %v; want error %v", tt.in, q, err, tt.want)
			}
		})
	}
}

func TestQuantityCmp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"0.5", "500m", 0},
		{"1e3", "1k", 0},
		{"1000", "1k", 0},
		{"1024Mi", "1Gi", 0},
		{"1Gi", "1G", 1},
		{"1G", "1Gi", -1},
		{"-1", "0", -1},
		{"0", "-1", 1},
		{"0", "0m", 0},
		{"1n", "0", 1},
		{"100m", "0.1", 0},
		{"9223372036854775808", "9223372036854775807", 1},
		{"1E", "999999999999999999", 1},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			t.Parallel()
			a, b := MustParseQuantity(tt.a), MustParseQuantity(tt.b)
			if got := a.Cmp(b); got != tt.want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := b.Cmp(a); got != -tt.want {
				t.Errorf("Cmp(%s, %s) = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
			if got := a.Equal(b); got != (tt.want == 0) {
				t.Errorf("Equal = %v, want %v", got, tt.want == 0)
			}
		})
	}
	var zero Quantity
	if zero.Cmp(MustParseQuantity("0")) != 0 || !zero.IsZero() || zero.Sign() != 0 || zero.String() != "0" {
		t.Errorf("zero Quantity is not 0: %v", zero)
	}
}

func TestQuantityArithmetic(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		a, b    string
		wantAdd string
		wantSub string
	}{
		{"millis", "500m", "250m", "750m", "250m"},
		{"mixed units", "1", "500m", "1500m", "500m"},
		{"binary", "1Gi", "512Mi", "1536Mi", "512Mi"},
		{"to negative", "1", "2", "3", "-1"},
		{"to zero", "1", "1000m", "2", "0"},
		{"beyond int64", "9223372036854775807", "1", "9223372036854775808", "9223372036854775806"},
		{"beyond int64 milli", "9223372036854775", "9223372036854775", "18446744073709550", "0"},
		{"nano", "1n", "1u", "1001n", "-999n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, b := MustParseQuantity(tt.a), MustParseQuantity(tt.b)
			sum := a
			sum.Add(b)
			if got := sum.String(); got != tt.wantAdd {
				t.Errorf("%s + %s = %s, want %s", tt.a, tt.b, got, tt.wantAdd)
			}
			diff := a
			diff.Sub(b)
			if got := diff.String(); got != tt.wantSub {
				t.Errorf("%s - %s = %s, want %s", tt.a, tt.b, got, tt.wantSub)
			}
			if got := a.String(); got != MustParseQuantity(tt.a).String() {
				t.Errorf("Add/Sub on a copy changed the original: %s", got)
			}
		})
	}
}

func TestQuantityOverflowDoesNotWrap(t *testing.T) {
	t.Parallel()
	q := MustParseQuantity("9223372036854775807")
	q.Add(MustParseQuantity("9223372036854775807"))
	if q.Sign() <= 0 {
		t.Fatalf("sum of two max int64 quantities is %s, want positive", q)
	}
	if got := q.Value(); got != math.MaxInt64 {
		t.Errorf("Value() = %d, want saturation at MaxInt64", got)
	}
	if got := q.String(); got != "18446744073709551614" {
		t.Errorf("String() = %q, want 18446744073709551614", got)
	}
	q.Neg()
	if got := q.Value(); got != math.MinInt64 {
		t.Errorf("Value() of negated = %d, want MinInt64", got)
	}
}

func TestNewQuantity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		q    Quantity
		want string
	}{
		{"decimal", NewQuantity(110, DecimalSI), "110"},
		{"binary", NewQuantity(8<<30, BinarySI), "8Gi"},
		{"binary small", NewQuantity(100, BinarySI), "100"},
		{"milli", NewMilliQuantity(500, DecimalSI), "500m"},
		{"milli whole", NewMilliQuantity(2000, DecimalSI), "2"},
		{"exponent", NewQuantity(5000, DecimalExponent), "5e3"},
		{"zero", NewQuantity(0, DecimalSI), "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.q.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQuantityJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    string
		wantErr bool
	}{
		{"string", `"500m"`, `"500m"`, false},
		{"canonicalised", `"0.5"`, `"500m"`, false},
		{"binary", `"1024Mi"`, `"1Gi"`, false},
		{"number", `2`, `"2"`, false},
		{"fractional number", `0.25`, `"250m"`, false},
		{"exponent number", `1e3`, `"1e3"`, false},
		{"null", `null`, `"0"`, false},
		{"escaped", `"\u0031Gi"`, `"1Gi"`, false},
		{"spaces inside string", `" 1Gi "`, `"1Gi"`, false},
		{"bad", `"1Gib"`, ``, true},
		{"empty", `""`, ``, true},
		{"object", `{}`, ``, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var q Quantity
			err := json.Unmarshal([]byte(tt.in), &q)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Unmarshal(%s) = %v, want error", tt.in, q)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", tt.in, err)
			}
			got, err := json.Marshal(q)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestResourceListJSON(t *testing.T) {
	t.Parallel()
	var l ResourceList
	if err := json.Unmarshal([]byte(`{"cpu":"1.5","memory":"1024Mi","pods":110}`), &l); err != nil {
		t.Fatal(err)
	}
	got, err := json.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"cpu":"1500m","memory":"1Gi","pods":"110"}`; string(got) != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	cp := l.DeepCopy()
	cp[ResourceCPU] = MustParseQuantity("3")
	if l[ResourceCPU].String() != "1500m" {
		t.Errorf("DeepCopy shares the map: original cpu is %s", l[ResourceCPU].String())
	}
}

func FuzzParseQuantity(f *testing.F) {
	for _, s := range []string{"0", "500m", "2", "0.5", "1e3", "128Mi", "1Gi", "1k", "1M", "-1", "+5",
		"1.5Gi", "0.1m", "16Ei", "1E", "1000E", "1e-20", "1.1Mi", "9223372036854775808", "", "1.2.3",
		"Mi", "1 Mi", "1Gib", ".", "-.5e-3", "1e99", "1e100", "99999999999999999999999999999999Ei"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuantity(s)
		if err != nil {
			return
		}
		str := q.String()
		again, err := ParseQuantity(str)
		if err != nil {
			t.Fatalf("ParseQuantity(%q).String() = %q, which does not parse: %v", s, str, err)
		}
		if again.Cmp(q) != 0 {
			t.Fatalf("ParseQuantity(%q) = %s, re-parsed as %s", s, str, again.String())
		}
		if again.String() != str {
			t.Fatalf("String() is not stable: %q then %q", str, again.String())
		}
		b, err := json.Marshal(q)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON Quantity
		if err := json.Unmarshal(b, &fromJSON); err != nil || fromJSON.Cmp(q) != 0 {
			t.Fatalf("JSON round trip of %s = %s, %v", str, fromJSON.String(), err)
		}
		_ = q.Value()
		_ = q.MilliValue()
	})
}

// TestQuantityStringWithoutBig: String of a value that fits in an int64 of nano units
// (computed without big.Int) is what the general computation gives, for values around
// every suffix and power of two, both signs and every format.
func TestQuantityStringWithoutBig(t *testing.T) {
	t.Parallel()
	var values []int64
	for _, base := range []int64{1, 3, 7, 10, 999, 1000, 1023, 1024, 1536, 1000000, 123456789} {
		for p := int64(1); p <= 1_000_000_000_000_000_000/base && p > 0; p *= 10 {
			values = append(values, base*p, base*p+1)
		}
		for p := int64(1); p <= math.MaxInt64/1024/base; p *= 1024 {
			values = append(values, base*p*1_000_000_000%math.MaxInt64, base*p)
		}
	}
	values = append(values, math.MaxInt64, math.MinInt64+1, math.MinInt64)
	checked := 0
	for _, v := range values {
		for _, n := range []int64{v, -v} {
			if n == 0 {
				continue
			}
			for _, f := range []Format{DecimalSI, BinarySI, DecimalExponent} {
				q := Quantity{nano: big.NewInt(n), format: f}
				if got, want := q.String(), q.stringBig(); got != want {
					t.Errorf("%d×10^-9 (%s): got %q, want %q", n, f, got, want)
				}
				checked++
			}
		}
	}
	if checked < 500 {
		t.Fatalf("only %d values checked", checked)
	}
}
