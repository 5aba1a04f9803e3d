package informer

const (
	// fifoCompactAt is how many popped slots a fifo tolerates before it considers
	// copying its pending items down.
	fifoCompactAt = 1024
	// fifoKeepCap is the largest backing array a fifo keeps once drained; a bigger one
	// (grown by a burst) is given back.
	fifoKeepCap = 1024
)

// fifo is a first-in, first-out queue over a slice whose space follows what it holds,
// not what has passed through it: once more than fifoCompactAt items have been popped
// and they are more than half of the slice, the pending ones are copied into a new
// array, and a drained fifo gives back a backing array bigger than fifoKeepCap. The
// zero value is empty and ready. It is not safe for concurrent use.
type fifo[T any] struct {
	items []T // items[head:] are pending; items[:head] are popped and zeroed
	head  int
}

// push appends v.
func (f *fifo[T]) push(v T) { f.items = append(f.items, v) }

// pop removes and returns the oldest item; ok is false when the fifo is empty.
func (f *fifo[T]) pop() (v T, ok bool) {
	if f.head == len(f.items) {
		return v, false
	}
	v = f.items[f.head]
	var zero T
	f.items[f.head] = zero // let the item be collected
	f.head++
	switch {
	case f.head == len(f.items):
		if cap(f.items) > fifoKeepCap {
			f.items = nil
		} else {
			f.items = f.items[:0]
		}
		f.head = 0
	case f.head > fifoCompactAt && f.head*2 > len(f.items):
		f.items, f.head = append(f.items[:0:0], f.items[f.head:]...), 0
	}
	return v, true
}

// len returns the number of pending items.
func (f *fifo[T]) len() int { return len(f.items) - f.head }
