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

// WriteSVG draws the timeline of r (pods created, scheduled and Running over time)
// and, below it, the histogram of its create->scheduled and create->Running latencies.
func WriteSVG(w io.Writer, r *Result) error {
	const width, timelineHeight, histogramHeight = 720, 360, 280
	height := timelineHeight
	if len(r.Latency) > 0 {
		height += histogramHeight
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	maxT := 1.0
	if n := len(r.Timeline); n > 0 {
		maxT = max(r.Timeline[n-1].Seconds, 1)
	}
	tl := panel{top: 0, width: width, height: timelineHeight, maxX: maxT, maxY: float64(max(r.Pods, 1))}
	tl.frame(&b, fmt.Sprintf("%s: %d pods on %d nodes (%s), all Running in %.1f s", r.Scenario, r.Pods, r.Nodes, r.Cluster, r.AllRunning), "%.4gs")
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
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", tl.x(p.Seconds), tl.y(float64(s.value(p)))))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", s.color, strings.Join(pts, " "))
		tl.legend(&b, i, s.color, s.name)
	}
	if n := len(r.Latency); n > 0 {
		most := 1
		for _, bk := range r.Latency {
			most = max(most, bk.Scheduled, bk.Running)
		}
		h := panel{top: timelineHeight, width: width, height: histogramHeight, maxX: r.Latency[n-1].Le, maxY: float64(most)}
		h.frame(&b, fmt.Sprintf("latency from create: p99 to scheduled %.2f s, to Running %.2f s (pods per bar)", r.CreateToScheduled.P99, r.CreateToRunning.P99), "%.4gs")
		lo := 0.0
		for _, bk := range r.Latency {
			// Two bars in each bucket: scheduled on the left, Running on the right.
			bar := (h.x(bk.Le) - h.x(lo)) / 2
			for j, v := range []int{bk.Scheduled, bk.Running} {
				if v == 0 {
					continue
				}
				color := series[1+j].color
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`+"\n",
					h.x(lo)+float64(j)*bar, h.y(float64(v)), max(bar-1, 0.5), h.y(0)-h.y(float64(v)), color)
			}
			lo = bk.Le
		}
		h.legend(&b, 0, series[1].color, "to scheduled")
		h.legend(&b, 1, series[2].color, "to Running")
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// panel is one chart of an SVG: its place, and the largest values its axes show.
type panel struct {
	top, width, height float64
	maxX, maxY         float64
}

const panelLeft, panelRight, panelTop, panelBottom = 60, 20, 48, 40

func (p panel) x(v float64) float64 {
	return panelLeft + v/p.maxX*(p.width-panelLeft-panelRight)
}

func (p panel) y(v float64) float64 {
	return p.top + p.height - panelBottom - v/p.maxY*(p.height-panelBottom-panelTop)
}

// frame draws the panel's title, axes, ticks (the x ticks formatted with xFormat)
// and grid.
func (p panel) frame(b *strings.Builder, title, xFormat string) {
	bottom, right := p.top+p.height-panelBottom, p.width-panelRight
	fmt.Fprintf(b, `<text x="%d" y="%.0f">%s</text>`+"\n", panelLeft, p.top+18, escape(title))
	fmt.Fprintf(b, `<line x1="%d" y1="%.0f" x2="%.0f" y2="%.0f" stroke="black"/>`+"\n", panelLeft, bottom, right, bottom)
	fmt.Fprintf(b, `<line x1="%d" y1="%.0f" x2="%d" y2="%.0f" stroke="black"/>`+"\n", panelLeft, p.top+panelTop, panelLeft, bottom)
	for _, t := range ticks(p.maxX) {
		fmt.Fprintf(b, `<text x="%.0f" y="%.0f" text-anchor="middle">%s</text>`+"\n", p.x(t), bottom+16, fmt.Sprintf(xFormat, t))
	}
	for _, v := range ticks(p.maxY) {
		fmt.Fprintf(b, `<text x="%d" y="%.0f" text-anchor="end">%.4g</text>`+"\n", panelLeft-6, p.y(v)+4, v)
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#ddd"/>`+"\n", panelLeft, p.y(v), right, p.y(v))
	}
}

// ticks are the round values from 0 to largest at which an axis is marked, about five.
func ticks(largest float64) []float64 {
	if largest <= 0 {
		return []float64{0}
	}
	step := roundUp(largest / 5)
	var out []float64
	for i := 0; float64(i)*step <= largest*(1+1e-9); i++ {
		out = append(out, float64(i)*step)
	}
	return out
}

// legend names series i of the panel in its color, under the title.
func (p panel) legend(b *strings.Builder, i int, color, name string) {
	fmt.Fprintf(b, `<text x="%d" y="%.0f" fill="%s">%s</text>`+"\n", panelLeft+i*110, p.top+36, color, name)
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
