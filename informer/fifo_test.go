package informer

import (
	"math"
	"slices"
	"testing"
)

// popAll pops f until it is empty.
func popAll(f *fifo[int]) []int {
	var got []int
	for {
		v, ok := f.pop()
		if !ok {
			return got
		}
		got = append(got, v)
	}
}

func TestFifoOrderAndLen(t *testing.T) {
	t.Parallel()
	var f fifo[int]
	if v, ok := f.pop(); ok || v != 0 {
		t.Errorf("pop of an empty fifo: got %d, %v; want 0, false", v, ok)
	}
	f.push(1)
	f.push(2)
	f.push(3)
	if got := f.len(); got != 3 {
		t.Errorf("len after 3 pushes: got %d, want 3", got)
	}
	if v, ok := f.pop(); !ok || v != 1 {
		t.Errorf("first pop: got %d, %v; want 1, true", v, ok)
	}
	f.push(4)
	if got := f.len(); got != 3 {
		t.Errorf("len after a pop and a push: got %d, want 3", got)
	}
	if got, want := popAll(&f), []int{2, 3, 4}; !slices.Equal(got, want) {
		t.Errorf("pops: got %v, want %v", got, want)
	}
	if got := f.len(); got != 0 {
		t.Errorf("len when drained: got %d, want 0", got)
	}
}

func TestFifoSpace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// A fifo over an empty array of capacity initCap gets pushes, then pops; then
		// its len and capacity are checked.
		initCap      int
		pushes, pops int
		wantLen      int
		// wantCapMin <= capacity <= wantCapMax
		wantCapMin, wantCapMax int
	}{
		{
			name:   "popped slots are reclaimed once they are many and most of the slice",
			pushes: 3000, pops: 2000,
			wantLen: 1000, wantCapMin: 1000, wantCapMax: 1999,
		},
		{
			name:   "few popped slots are kept",
			pushes: 3000, pops: 1000,
			wantLen: 2000, wantCapMin: 3000, wantCapMax: math.MaxInt,
		},
		{
			name:    "a drained big array is given back",
			initCap: 2 * fifoKeepCap, pushes: 100, pops: 100,
			wantLen: 0, wantCapMin: 0, wantCapMax: 0,
		},
		{
			name:   "a drained small array is kept for reuse",
			pushes: 100, pops: 100,
			wantLen: 0, wantCapMin: 100, wantCapMax: fifoKeepCap,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := fifo[int]{items: make([]int, 0, tt.initCap)}
			for i := range tt.pushes {
				f.push(i)
			}
			for i := range tt.pops {
				if v, ok := f.pop(); !ok || v != i {
					t.Fatalf("pop %d: got %d, %v; want %d, true", i, v, ok, i)
				}
			}
			if got := f.len(); got != tt.wantLen {
				t.Errorf("len: got %d, want %d", got, tt.wantLen)
			}
			if got := cap(f.items); got < tt.wantCapMin || got > tt.wantCapMax {
				t.Errorf("capacity: got %d, want %d to %d", got, tt.wantCapMin, tt.wantCapMax)
			}
			// What is left comes out in order.
			want := make([]int, 0, tt.wantLen)
			for i := tt.pops; i < tt.pushes; i++ {
				want = append(want, i)
			}
			if got := popAll(&f); !slices.Equal(got, want) {
				t.Errorf("remaining pops: got %d items, want %d in order", len(got), len(want))
			}
		})
	}
}
