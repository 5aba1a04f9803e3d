package builtin

import (
	"strconv"
	"time"
)

// HumanDuration formats d as kubectl does in AGE columns (Kubernetes'
// duration.HumanDuration): two or three significant figures, truncated, never rounded.
//
//	less than -1s       "<invalid>" (clock skew beyond a second)
//	-1s .. 0s           "0s"
//	under 2 minutes     "119s"
//	under 10 minutes    "3m2s", or "3m" on the minute
//	under 3 hours       "179m"
//	under 8 hours       "7h59m", or "7h" on the hour
//	under 2 days        "47h"
//	under 8 days        "7d23h", or "7d" on the day
//	under 2 years       "729d" (a year is 365 days)
//	under 8 years       "7y364d", or "7y" on the year
//	otherwise           "8y"
func HumanDuration(d time.Duration) string {
	seconds := int64(d / time.Second)
	switch {
	case seconds < -1:
		return "<invalid>"
	case seconds < 0:
		return "0s"
	case seconds < 2*60:
		return itoa(seconds) + "s"
	}
	minutes := int64(d / time.Minute)
	switch {
	case minutes < 10:
		return withRemainder(minutes, "m", seconds%60, "s")
	case minutes < 3*60:
		return itoa(minutes) + "m"
	}
	hours := int64(d / time.Hour)
	const day, year = 24, 24 * 365
	switch {
	case hours < 8:
		return withRemainder(hours, "h", minutes%60, "m")
	case hours < 2*day:
		return itoa(hours) + "h"
	case hours < 8*day:
		return withRemainder(hours/day, "d", hours%day, "h")
	case hours < 2*year:
		return itoa(hours/day) + "d"
	case hours < 8*year:
		return withRemainder(hours/year, "y", (hours/day)%365, "d")
	}
	return itoa(hours/year) + "y"
}

// withRemainder prints "<major><unit>" followed by "<minor><minorUnit>" unless minor is 0.
func withRemainder(major int64, unit string, minor int64, minorUnit string) string {
	if minor == 0 {
		return itoa(major) + unit
	}
	return itoa(major) + unit + itoa(minor) + minorUnit
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// since prints the age of t at now as HumanDuration does, or "<unknown>" for a zero t,
// like Kubernetes' translateTimestampSince.
func since(t, now time.Time) string {
	if t.IsZero() {
		return "<unknown>"
	}
	return HumanDuration(now.Sub(t))
}
