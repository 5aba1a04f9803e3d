package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// filler sets every exported field reachable from a value to a pseudo-random non-zero
// value. Where a pointer, slice or map already exists it writes through it rather than
// replacing it, so filling a shallow copy changes the original too.
type filler struct {
	r *rand.Rand
}

var (
	quantityType  = reflect.TypeFor[Quantity]()
	timeType      = reflect.TypeFor[Time]()
	microTimeType = reflect.TypeFor[MicroTime]()
)

func (f *filler) fill(v reflect.Value) {
	switch v.Type() {
	case quantityType:
		v.Set(reflect.ValueOf(NewMilliQuantity(f.r.Int64N(1<<40)+1, DecimalSI)))
		return
	case timeType:
		v.Set(reflect.ValueOf(NewTime(time.Unix(f.r.Int64N(1<<31)+1, 0))))
		return
	case microTimeType:
		v.Set(reflect.ValueOf(NewMicroTime(time.Unix(f.r.Int64N(1<<31)+1, f.r.Int64N(1e9)))))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", f.r.Uint32()))
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.r.Int32N(1<<20)) + 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.r.Int32N(100)) + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(f.r.Float64() + 1)
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		f.fill(v.Elem())
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 { // json.RawMessage
			if v.Len() == 0 {
				v.SetBytes([]byte(`"x"`))
				return
			}
			for i := 0; i < v.Len(); i++ {
				v.Index(i).SetUint(uint64('a' + f.r.IntN(26)))
			}
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		}
		for i := 0; i < v.Len(); i++ {
			f.fill(v.Index(i))
		}
	case reflect.Map:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
			for range 2 {
				k := reflect.New(v.Type().Key()).Elem()
				f.fill(k)
				e := reflect.New(v.Type().Elem()).Elem()
				f.fill(e)
				v.SetMapIndex(k, e)
			}
			return
		}
		for _, k := range v.MapKeys() {
			e := reflect.New(v.Type().Elem()).Elem()
			f.fill(e)
			v.SetMapIndex(k, e)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				f.fill(v.Field(i))
			}
		}
	case reflect.Interface:
		// Table cells hold JSON values.
		if m, ok := v.Interface().(map[string]any); ok {
			m["k"] = fmt.Sprintf("s%d", f.r.Uint32())
			return
		}
		v.Set(reflect.ValueOf(map[string]any{"k": fmt.Sprintf("s%d", f.r.Uint32())}))
	default:
		panic(fmt.Sprintf("filler: unhandled kind %s", v.Kind()))
	}
}

func fillWith(seed uint64, obj any) {
	f := &filler{r: rand.New(rand.NewPCG(seed, seed))}
	f.fill(reflect.ValueOf(obj).Elem())
}

var deepCopyOpts = cmp.Options{
	cmp.Comparer(func(a, b Time) bool { return a.Equal(b.Time) }),
	cmp.Comparer(func(a, b MicroTime) bool { return a.Equal(b.Time) }),
}

func TestDeepCopy(t *testing.T) {
	t.Parallel()
	type testCase struct {
		name  string
		fresh func() any
		copy  func(any) any
	}
	var tests []testCase
	for _, k := range testKinds() {
		tests = append(tests,
			testCase{k.Kind, func() any { return k.New() }, func(o any) any {
				return o.(interface{ DeepCopyObject() Object }).DeepCopyObject()
			}},
			testCase{k.ListKind, func() any { return k.NewList() }, func(o any) any {
				return o.(interface{ DeepCopyList() ListObject }).DeepCopyList()
			}})
	}
	tests = append(tests,
		testCase{"Binding", func() any { return &Binding{} }, func(o any) any { return o.(*Binding).DeepCopy() }},
		testCase{"Scale", func() any { return &Scale{} }, func(o any) any { return o.(*Scale).DeepCopy() }},
		testCase{"Status", func() any { return &Status{} }, func(o any) any { return o.(*Status).DeepCopy() }},
		testCase{"Table", func() any { return &Table{} }, func(o any) any { return o.(*Table).DeepCopy() }},
		testCase{"PartialObjectMetadataList", func() any { return &PartialObjectMetadataList{} },
			func(o any) any { return o.(*PartialObjectMetadataList).DeepCopy() }},
		testCase{"LabelSelector", func() any { return &LabelSelector{} }, func(o any) any { return o.(*LabelSelector).DeepCopy() }},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= 20; seed++ {
				orig, snapshot := tt.fresh(), tt.fresh()
				fillWith(seed, orig)
				fillWith(seed, snapshot)
				// reflect.DeepEqual is the fast check; cmp explains a failure.
				if !reflect.DeepEqual(snapshot, orig) {
					t.Fatalf("filler is not deterministic:\n%s", cmp.Diff(snapshot, orig, deepCopyOpts))
				}
				cp := tt.copy(orig)
				if !reflect.DeepEqual(orig, cp) {
					t.Fatalf("copy differs from the original (-orig +copy):\n%s", cmp.Diff(orig, cp, deepCopyOpts))
				}
				fillWith(seed+1000, cp)
				if !reflect.DeepEqual(snapshot, orig) {
					t.Fatalf("changing the copy changed the original (-want +got):\n%s", cmp.Diff(snapshot, orig, deepCopyOpts))
				}
				if reflect.DeepEqual(orig, cp) {
					t.Fatalf("filling the copy changed nothing; the test is not exercising it")
				}
			}
		})
	}
}

// TestDeepCopyNil checks that every DeepCopy accepts a nil receiver.
func TestDeepCopyNil(t *testing.T) {
	t.Parallel()
	if (*Pod)(nil).DeepCopy() != nil || (*PodList)(nil).DeepCopy() != nil || (*Node)(nil).DeepCopy() != nil ||
		(*Namespace)(nil).DeepCopy() != nil || (*Event)(nil).DeepCopy() != nil || (*ReplicaSet)(nil).DeepCopy() != nil ||
		(*Lease)(nil).DeepCopy() != nil || (*Binding)(nil).DeepCopy() != nil || (*Scale)(nil).DeepCopy() != nil ||
		(*Status)(nil).DeepCopy() != nil || (*Table)(nil).DeepCopy() != nil || (*LabelSelector)(nil).DeepCopy() != nil {
		t.Error("DeepCopy of a nil pointer is not nil")
	}
}

// TestDeepCopyKeepsNilCollections checks that copies keep nil and empty collections
// apart, so a copy encodes to the same JSON as its original.
func TestDeepCopyKeepsNilCollections(t *testing.T) {
	t.Parallel()
	p := &Pod{Spec: PodSpec{Containers: []Container{}, NodeSelector: map[string]string{}}}
	cp := p.DeepCopy()
	if cp.Spec.Containers == nil || cp.Spec.NodeSelector == nil || cp.Spec.Tolerations != nil || cp.Labels != nil {
		t.Errorf("copy changed nil-ness: %#v", cp.Spec)
	}
	a, _ := json.Marshal(p)
	b, _ := json.Marshal(cp)
	if string(a) != string(b) {
		t.Errorf("copy encodes differently:\n%s\n%s", a, b)
	}
}
