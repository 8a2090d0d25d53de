package reports

import (
	"bytes"
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// A chart is a rendered image and the file name it is written under.
type chart struct {
	file, alt string
	data      []byte
}

// render draws p in the given format ("png" or "svg"), with legend (when
// not empty) in a margin to the right of the plot, where it hides no data.
func render(p *plot.Plot, legend *plot.Legend, w, h vg.Length, format string) ([]byte, error) {
	var cv vg.CanvasWriterTo
	switch format {
	case "png":
		cv = vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
	case "svg":
		cv = vgsvg.New(w, h)
	default:
		return nil, fmt.Errorf("render chart: unknown format %q", format)
	}
	dc := draw.New(cv)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	var lw vg.Length
	if legend != nil {
		lw = legend.Rectangle(dc).Size().X + vg.Points(12)
	}
	p.Draw(draw.Crop(dc, 0, -lw, 0, 0))
	if legend != nil {
		legend.Top, legend.Left = true, true
		legend.Draw(draw.Crop(dc, w-lw+vg.Points(6), 0, 0, -p.Title.TextStyle.Height(p.Title.Text)-p.Title.Padding-vg.Points(6)))
	}
	var buf bytes.Buffer
	if _, err := cv.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("render chart: %w", err)
	}
	return buf.Bytes(), nil
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.Add(plotter.NewGrid())
	return p
}

// bars draws one bar per point, centred on x, width wide in data units:
// unlike plotter.BarChart, whose offsets are in canvas units, its bars line
// up with error bars drawn at the same x.
type bars struct {
	xs, ys []float64
	width  float64
	color  color.Color
}

func (b *bars) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	for i := range b.xs {
		x0, x1 := trX(b.xs[i]-b.width/2), trX(b.xs[i]+b.width/2)
		y0, y1 := trY(0), trY(b.ys[i])
		pts := []vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}
		c.FillPolygon(b.color, c.ClipPolygonY(pts))
		c.StrokeLines(plotter.DefaultLineStyle, c.ClipLinesY(append(pts, pts[0]))...)
	}
}

func (b *bars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), 0, 0
	for i := range b.xs {
		xmin = min(xmin, b.xs[i]-b.width/2)
		xmax = max(xmax, b.xs[i]+b.width/2)
		ymin, ymax = min(ymin, b.ys[i]), max(ymax, b.ys[i])
	}
	return xmin, xmax, ymin, ymax
}

func (b *bars) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Min.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Max.X, Y: c.Min.Y}}
	c.FillPolygon(b.color, c.ClipPolygonY(pts))
}

// xyErrs feeds plotter.NewYErrorBars.
type xyErrs struct {
	plotter.XYs
	plotter.YErrors
}

// errorBar returns the distances from a throughput summary's centre to
// its CI bounds, zero where the interval is infinite (too few samples).
func errorBar(c *cellStat) (lo, hi float64) {
	s := c.mbpsS
	if math.IsInf(s.Lo, 0) || math.IsInf(s.Hi, 0) || math.IsNaN(s.Lo) || math.IsNaN(s.Hi) {
		return 0, 0
	}
	return s.Center - s.Lo, s.Hi - s.Center
}

// distinct returns the distinct values of ax among cs, in first-seen order.
func distinct(cs []*cellStat, ax axis) []string {
	var out []string
	for _, c := range cs {
		if v := c.value(ax); !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// chartAxes returns the axes the charts are drawn by: the first two axes
// of the roles' comparisons (parser and strategy), else the run's first
// axes. An axis missing from the run has one value, "".
func (a *analysis) chartAxes() (group, bar axis) {
	var names []string
	add := func(name string) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	for _, v := range a.roles.Versus {
		add(v.Key)
	}
	for _, ax := range a.axes {
		add(ax.name)
	}
	names = append(names, "", "")
	return axis{names[0]}, axis{names[1]}
}

// throughputChart draws grouped bars: one group per level of the first
// chart axis (parser), one bar per level of the second (strategy), each the
// fastest cell of the two levels, with the confidence interval of its
// median throughput as error bars.
func (a *analysis) throughputChart(format string) (*chart, error) {
	var cs []*cellStat
	for _, c := range a.cells {
		if c.hasSamples() {
			cs = append(cs, c)
		}
	}
	if len(cs) == 0 {
		return nil, nil
	}
	group, bar := a.chartAxes()
	groups, series := distinct(cs, group), distinct(cs, bar)
	slices.Sort(groups)
	slices.Sort(series)
	best := map[[2]string]*cellStat{}
	for _, c := range a.ranked { // fastest first
		k := [2]string{c.value(group), c.value(bar)}
		if best[k] == nil {
			best[k] = c
		}
	}
	p := newPlot(fmt.Sprintf("Throughput by %s and %s (fastest cell of each; %.0f%% CI)", group.noun(), bar.noun(), 100*a.opts.Confidence), group.name, "throughput (MB/s)")
	legend := plot.NewLegend()
	width := 0.8 / float64(len(series))
	var top float64
	for si, s := range series {
		b := &bars{width: width, color: plotutil.Color(si)}
		var pts plotter.XYs
		var errs plotter.YErrors
		for pi, pa := range groups {
			c := best[[2]string{pa, s}]
			if c == nil {
				continue
			}
			x := float64(pi) + (float64(si)-float64(len(series)-1)/2)*width
			b.xs, b.ys = append(b.xs, x), append(b.ys, c.mbpsS.Center)
			lo, hi := errorBar(c)
			pts = append(pts, plotter.XY{X: x, Y: c.mbpsS.Center})
			errs = append(errs, struct{ Low, High float64 }{lo, hi})
			top = max(top, c.mbpsS.Center+hi)
		}
		if len(b.xs) == 0 {
			continue
		}
		p.Add(b)
		legend.Add(bar.name+"="+s, b)
		eb, err := plotter.NewYErrorBars(xyErrs{pts, errs})
		if err != nil {
			return nil, fmt.Errorf("throughput chart: %w", err)
		}
		p.Add(eb)
	}
	p.NominalX(groups...)
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	p.Y.Min, p.Y.Max = 0, top*1.05
	w := vg.Length(max(7, 1.2*float64(len(groups))+3)) * vg.Inch
	data, err := render(p, &legend, w, 4*vg.Inch, format)
	if err != nil {
		return nil, err
	}
	return &chart{file: "report-throughput." + format, alt: "Throughput per " + group.noun() + " and " + bar.noun(), data: data}, nil
}

// minWorkerLevels is the fewest worker counts a workers chart draws: two
// points make a line that says nothing of a curve.
const minWorkerLevels = 3

// workersChart draws throughput against workers, one line per level of
// the second chart axis (strategy), at the best configuration's level of
// the first (its parser), each point the fastest such cell; with scaling
// fits, it draws the fits instead (see fitsChart). It returns nil when
// fewer than minWorkerLevels numeric worker counts ran.
func (a *analysis) workersChart(format string) (*chart, error) {
	if len(a.fits) > 0 {
		return a.fitsChart(format)
	}
	if a.best == nil {
		return nil, nil
	}
	type point struct {
		w int
		c *cellStat
	}
	group, line := a.chartAxes()
	lines := map[string][]point{}
	workers := map[int]bool{}
	for _, c := range a.ranked { // fastest first
		if c.value(group) != a.best.value(group) || c.mismatch {
			continue
		}
		w, err := strconv.Atoi(c.value(axis{workersAxis}))
		if err != nil || w <= 0 {
			continue
		}
		if s := c.value(line); !slices.ContainsFunc(lines[s], func(p point) bool { return p.w == w }) {
			lines[s] = append(lines[s], point{w, c})
			workers[w] = true
		}
	}
	if len(workers) < minWorkerLevels {
		return nil, nil
	}
	var series []string
	for s := range lines {
		series = append(series, s)
	}
	slices.Sort(series)
	p := newPlot(fmt.Sprintf("Throughput against %s (%s=%s; fastest cell per point; %.0f%% CI)", workersAxis, group.name, a.best.value(group), 100*a.opts.Confidence),
		workersAxis, "throughput (MB/s)")
	legend := plot.NewLegend()
	var top float64
	maxW := 0
	for i, s := range series {
		pts := lines[s]
		slices.SortFunc(pts, func(x, y point) int { return cmp.Compare(x.w, y.w) })
		var xys plotter.XYs
		var errs plotter.YErrors
		for _, pt := range pts {
			lo, hi := errorBar(pt.c)
			xys = append(xys, plotter.XY{X: float64(pt.w), Y: pt.c.mbpsS.Center})
			errs = append(errs, struct{ Low, High float64 }{lo, hi})
			top = max(top, pt.c.mbpsS.Center+hi)
			maxW = max(maxW, pt.w)
		}
		l, sc, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, fmt.Errorf("workers chart: %w", err)
		}
		l.Color, sc.Color = plotutil.Color(i), plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		eb, err := plotter.NewYErrorBars(xyErrs{xys, errs})
		if err != nil {
			return nil, fmt.Errorf("workers chart: %w", err)
		}
		eb.Color = plotutil.Color(i)
		p.Add(l, sc, eb)
		legend.Add(line.name+"="+s, l, sc)
	}
	p.X.Min, p.X.Max = 0, float64(maxW)+0.5
	p.Y.Min, p.Y.Max = 0, top*1.05
	data, err := render(p, &legend, 7*vg.Inch, 4*vg.Inch, format)
	if err != nil {
		return nil, err
	}
	return &chart{file: "report-workers." + format, alt: "Throughput against workers", data: data}, nil
}

// fitsChart draws throughput against workers for every scaling fit, one
// colour per group: the median throughput of each count with its CI, and
// the fitted curve, on a logarithmic worker axis (sweeps double).
func (a *analysis) fitsChart(format string) (*chart, error) {
	p := newPlot(fmt.Sprintf("Throughput against %s, with USL fits (median; %.0f%% CI)", workersAxis, 100*a.opts.Confidence),
		workersAxis+" (log scale)", "throughput (MB/s)")
	p.X.Scale = plot.LogScale{}
	legend := plot.NewLegend()
	var top float64
	var ticks []plot.Tick
	lo, hi := math.Inf(1), 0.0
	for i, f := range a.fits {
		var xys plotter.XYs
		var errs plotter.YErrors
		for j, c := range f.cells {
			l, h := errorBar(c)
			w := float64(f.workers[j])
			xys = append(xys, plotter.XY{X: w, Y: c.mbpsS.Center})
			errs = append(errs, struct{ Low, High float64 }{l, h})
			top = max(top, c.mbpsS.Center+h)
			lo, hi = min(lo, w), max(hi, w)
			if !slices.ContainsFunc(ticks, func(t plot.Tick) bool { return t.Value == w }) {
				ticks = append(ticks, plot.Tick{Value: w, Label: strconv.Itoa(f.workers[j])})
			}
		}
		sc, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("workers chart: %w", err)
		}
		sc.Color, sc.Shape = plotutil.Color(i), plotutil.Shape(i)
		eb, err := plotter.NewYErrorBars(xyErrs{xys, errs})
		if err != nil {
			return nil, fmt.Errorf("workers chart: %w", err)
		}
		eb.Color = plotutil.Color(i)
		p.Add(sc, eb)
		var parts []string
		for _, ax := range a.varying {
			if ax.name != workersAxis {
				parts = append(parts, level(f.cells[0], ax))
			}
		}
		label := strings.Join(parts, " ")
		if f.res == nil || f.mbPerFile == 0 {
			legend.Add(label+" (no fit)", sc)
			continue
		}
		// The curve at 64 points per doubling of the measured range.
		w0, w1 := float64(f.workers[0]), float64(f.workers[len(f.workers)-1])
		steps := max(1, int(64*math.Log2(w1/w0)))
		var curve plotter.XYs
		for k := 0; k <= steps; k++ {
			w := w0 * math.Pow(w1/w0, float64(k)/float64(steps))
			y := f.res.At(w) * f.mbPerFile
			curve = append(curve, plotter.XY{X: w, Y: y})
			top = max(top, y)
		}
		ln, err := plotter.NewLine(curve)
		if err != nil {
			return nil, fmt.Errorf("workers chart: %w", err)
		}
		// Colours repeat after plotutil's seven: the repeats are dashed.
		ln.Color, ln.Dashes = plotutil.Color(i), plotutil.Dashes(i/len(plotutil.DefaultColors))
		p.Add(ln)
		legend.Add(label, ln, sc)
	}
	slices.SortFunc(ticks, func(x, y plot.Tick) int { return cmp.Compare(x.Value, y.Value) })
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = lo/1.2, hi*1.2
	p.Y.Min, p.Y.Max = 0, top*1.05
	data, err := render(p, &legend, 9*vg.Inch, 5*vg.Inch, format)
	if err != nil {
		return nil, err
	}
	return &chart{file: "report-workers." + format, alt: "Throughput against workers, with scaling fits", data: data}, nil
}

// categoryChart draws, per cell with a CPU profile, the CPU time per pass
// of each category as horizontal stacked bars: absolute times, so that a
// cell that spends less on everything shows shorter, not just the same
// shares.
func categoryChart(rows []categoryRow, shown []category, labels []string, format string) (*chart, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	p := newPlot("Where the CPU time goes (CPU time per pass, by category)", "CPU time per pass (ms)", "")
	legend := plot.NewLegend()
	var prev *plotter.BarChart
	n := len(rows)
	for _, cat := range shown {
		vals := make(plotter.Values, n)
		for i, r := range rows {
			// The first row is drawn at the top.
			vals[n-1-i] = r.perPass[cat] / 1e6
		}
		b, err := plotter.NewBarChart(vals, vg.Points(14))
		if err != nil {
			return nil, fmt.Errorf("category chart: %w", err)
		}
		b.Horizontal = true
		b.Color = plotutil.Color(int(cat))
		b.LineStyle.Width = vg.Points(0.5)
		if prev != nil {
			b.StackOn(prev)
		}
		prev = b
		p.Add(b)
		legend.Add(cat.String(), b)
	}
	names := make([]string, n)
	for i := range labels {
		names[n-1-i] = labels[i]
	}
	p.NominalY(names...)
	var top float64
	for _, r := range rows {
		top = max(top, float64(r.total)/float64(r.passes)/1e6)
	}
	p.X.Min, p.X.Max = 0, top*1.05
	p.Y.Min, p.Y.Max = -0.7, float64(n)-0.3
	h := vg.Length(max(2.2, 0.35*float64(n)+1.2)) * vg.Inch
	data, err := render(p, &legend, 9*vg.Inch, h, format)
	if err != nil {
		return nil, err
	}
	return &chart{file: "report-cpu." + format, alt: "CPU time by category", data: data}, nil
}
