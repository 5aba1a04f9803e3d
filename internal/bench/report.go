package bench

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes r as a table for a terminal.
func WriteTable(w io.Writer, r *Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "scenario\t%s: %d pods on %d nodes, against %s\n", r.Scenario, r.Pods, r.Nodes, r.Cluster)
	fmt.Fprintf(tw, "all created\t%.2f s\n", r.AllCreated)
	fmt.Fprintf(tw, "all scheduled\t%.2f s\n", r.AllScheduled)
	fmt.Fprintf(tw, "all Running\t%.2f s\n", r.AllRunning)
	fmt.Fprintf(tw, "pods/s\t%.0f\n", r.PodsPerSecond)
	fmt.Fprintf(tw, "create->scheduled\t%s\n", r.CreateToScheduled)
	fmt.Fprintf(tw, "create->Running\t%s\n", r.CreateToRunning)
	fmt.Fprintf(tw, "API writes\t%d (%.0f/s)\n", r.APIWrites, r.APIWritesPerSec)
	for _, p := range r.Processes {
		fmt.Fprintf(tw, "process %s\t%.1f CPU-s, peak RSS %d MiB\n", p.Name, p.CPUSeconds, p.PeakRSS>>20)
	}
	return tw.Flush()
}

func (p Percentiles) String() string {
	return fmt.Sprintf("p50 %.3f s  p90 %.3f s  p99 %.3f s  max %.3f s", p.P50, p.P90, p.P99, p.Max)
}

// WriteSVG draws the timeline of r: pods created, scheduled and Running over time.
func WriteSVG(w io.Writer, r *Result) error {
	const width, height, left, bottom, top, right = 720, 360, 60, 40, 30, 20
	maxT := 1.0
	if n := len(r.Timeline); n > 0 {
		maxT = max(r.Timeline[n-1].Seconds, 1)
	}
	maxY := float64(max(r.Pods, 1))
	x := func(t float64) float64 { return left + t/maxT*(width-left-right) }
	y := func(v int) float64 { return height - bottom - float64(v)/maxY*(height-bottom-top) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="18">%s: %d pods on %d nodes (%s), all Running in %.1f s</text>`+"\n",
		left, r.Scenario, r.Pods, r.Nodes, escape(r.Cluster), r.AllRunning)
	// Axes and ticks.
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", left, height-bottom, width-right, height-bottom)
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>`+"\n", left, top, left, height-bottom)
	for i := 0; i <= 5; i++ {
		t := maxT * float64(i) / 5
		fmt.Fprintf(&b, `<text x="%.0f" y="%d" text-anchor="middle">%.0fs</text>`+"\n", x(t), height-bottom+16, t)
		v := int(maxY) * i / 5
		fmt.Fprintf(&b, `<text x="%d" y="%.0f" text-anchor="end">%d</text>`+"\n", left-6, y(v)+4, v)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", left, y(v), width-right, y(v))
	}
	series := []struct {
		name  string
		color string
		value func(Point) int
	}{
		{"created", "#1f77b4", func(p Point) int { return p.Created }},
		{"scheduled", "#ff7f0e", func(p Point) int { return p.Scheduled }},
		{"Running", "#2ca02c", func(p Point) int { return p.Running }},
	}
	for i, s := range series {
		var pts []string
		for _, p := range r.Timeline {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(p.Seconds), y(s.value(p))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", s.color, strings.Join(pts, " "))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`+"\n", left+10+i*90, top+14, s.color, s.name)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
